import { describe, expect, inject, it } from 'vitest';
import { User } from '../../src/modules/users/user.model.js';
import { createClient } from '../../clients/typescript/src/index.js';
import { uniqueEmail, useTestApp } from '../helpers/app.js';
import { listen } from '../helpers/sse.js';

// An app built with the production configuration (the database is the test one).
const ctx = useTestApp({
  NODE_ENV: 'production',
  MONGODB_URI: inject('mongoUri'),
  MODELS: 'demo',
  SIGNUP_LIMIT_PER_IP: '1000',
});

describe('in production', () => {
  it('when a session opens, then the refresh cookie is a Secure __Host- cookie on path / and the hash has cost 12', async () => {
    const email = uniqueEmail('prod');
    const res = await ctx
      .request()
      .post('/api/auth/signup')
      .send({ email, password: 'correct horse battery' });
    expect(res.status).toBe(201);
    const cookie = String(res.headers['set-cookie']);
    const attributes = cookie.split(';').map((a) => a.trim());
    // __Host-: only this exact host over HTTPS can set it, so a sibling subdomain cannot toss one.
    expect(attributes[0]).toMatch(/^__Host-refresh_token=[^;]+$/);
    expect(attributes).toEqual(
      expect.arrayContaining(['Secure', 'HttpOnly', 'SameSite=Strict', 'Path=/']),
    );
    expect(attributes.some((a) => /^Domain=/i.test(a))).toBe(false);
    const stored = await User.findOne({ email }).lean();
    expect(stored!.passwordHash).toMatch(/^\$2[aby]\$12\$/);
    const logout = await ctx
      .request()
      .post('/api/auth/logout')
      .set('Cookie', cookie.split(';')[0]!);
    expect(String(logout.headers['set-cookie'])).toMatch(
      /^__Host-refresh_token=;.*Path=\/;.*Secure/,
    );
  });

  it('when junk of the __Host- name comes with the real cookie, then the real one refreshes; the unprefixed name is not read', async () => {
    const res = await ctx
      .request()
      .post('/api/auth/signup')
      .send({ email: uniqueEmail('prod'), password: 'correct horse battery' });
    const token = /^__Host-refresh_token=([^;]+)/.exec(String(res.headers['set-cookie']))![1]!;
    const refresh = (cookie: string) =>
      ctx.request().post('/api/auth/refresh').set('Cookie', cookie);
    const unprefixed = await refresh(`refresh_token=${token}`);
    expect(unprefixed.status).toBe(401);
    expect(String(unprefixed.headers['set-cookie'] ?? '')).toBe('');
    const tossed = await refresh(`__Host-refresh_token=junk; __Host-refresh_token=${token}`);
    expect(tossed.status).toBe(200);
    expect(String(tossed.headers['set-cookie'])).toMatch(/^__Host-refresh_token=[^;]+;/);
  });

  it('when the typed client runs on Node against it, then it keeps the __Host- cookie and refreshes with it, and logout clears it', async () => {
    const server = await listen(ctx.app);
    try {
      const api = createClient({ baseUrl: `http://127.0.0.1:${server.port}` });
      await api.signup({ email: uniqueEmail('prod-client'), password: 'correct horse battery' });
      // Refused (401) without the cookie: the client must have sent it back under its name.
      const refreshed = await api.refresh();
      expect(refreshed.accessToken).toEqual(expect.any(String));
      expect((await api.me()).email).toMatch(/^prod-client/);
      await api.logout();
      // Its cookie went with the session: there is nothing left to refresh with.
      await expect(api.refresh()).rejects.toMatchObject({ status: 401 });
    } finally {
      await server.close();
    }
  });
});
