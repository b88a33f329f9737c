import { describe, expect, it } from 'vitest';
import { Session } from '../../src/modules/auth/session.model.js';
import { useTestApp } from '../helpers/app.js';
import {
  accountsSnapshot,
  bearer,
  expectError,
  NO_TIGHT_LIMITS,
  refreshCookieOf,
} from '../helpers/auth.js';
import { createUser } from '../helpers/users.js';

const ctx = useTestApp(NO_TIGHT_LIMITS);
const ALLOWED_ORIGIN = 'http://localhost:5173'; // CORS_ORIGINS in tests/helpers/env.ts

describe('refresh cookie flags', () => {
  it('when a session opens, then the cookie is HttpOnly, SameSite=Strict, scoped to /api/auth, not Secure outside production', async () => {
    const agent = ctx.request();
    const res = await agent
      .post('/api/auth/signup')
      .send({ email: `c${Date.now()}@example.test`, password: 'correct horse battery' });
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    expect(cookies).toHaveLength(1);
    const attributes = cookies[0]!.split(';').map((a) => a.trim());
    expect(attributes).toEqual(
      expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/api/auth']),
    );
    expect(attributes.some((a) => /^Domain=/i.test(a))).toBe(false);
    expect(attributes).not.toContain('Secure');
    const expires = Date.parse(attributes.find((a) => a.startsWith('Expires='))!.slice(8));
    expect(expires - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect(res.body.refreshToken).toBeUndefined(); // the refresh token never appears in a body
  });

  it('when refresh rotates or logout clears the cookie, then the same flags are kept', async () => {
    const account = await createUser();
    const refreshed = await ctx
      .request()
      .post('/api/auth/refresh')
      .set('Cookie', `refresh_token=${account.refreshToken}`);
    const cleared = await ctx
      .request()
      .post('/api/auth/logout')
      .set('Cookie', `refresh_token=${refreshCookieOf(refreshed)}`);
    for (const res of [refreshed, cleared]) {
      expect(String(res.headers['set-cookie'])).toMatch(
        /Path=\/api\/auth;.*HttpOnly;.*SameSite=Strict/,
      );
    }
  });
});

describe('cross-site requests on cookie-authenticated routes', () => {
  it.each([
    'https://evil.example',
    'null',
    'http://localhost:5173.evil.example',
    'http://localhost:5174',
  ])(
    'when /refresh comes from Origin %s, then 403 FORBIDDEN_ORIGIN and the session is not rotated',
    async (origin) => {
      const account = await createUser();
      const before = await accountsSnapshot();
      const res = await ctx
        .request()
        .post('/api/auth/refresh')
        .set('Origin', origin)
        .set('Cookie', `refresh_token=${account.refreshToken}`);
      expectError(res, 403, 'FORBIDDEN_ORIGIN');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(String(res.headers['set-cookie'] ?? '')).not.toMatch(/refresh_token=[^;]/);
      expect(await accountsSnapshot()).toEqual(before);
    },
  );

  it.each(['post', 'get'] as const)(
    'when %s /logout comes from a foreign origin, then 403 and the session stays open',
    async (method) => {
      const account = await createUser();
      const res = await ctx
        .request()
        [method]('/api/auth/logout')
        .set('Origin', 'https://evil.example')
        .set(bearer(account.accessToken))
        .set('Cookie', `refresh_token=${account.refreshToken}`);
      expectError(res, 403, 'FORBIDDEN_ORIGIN');
      const session = await Session.findOne({ userId: account.user.id }).lean();
      expect(session!.revokedAt).toBeNull();
      expect(
        (await ctx.request().get('/api/auth/me').set(bearer(account.accessToken))).status,
      ).toBe(200);
    },
  );

  it('when GET /logout is a navigation from another site (no Origin, Sec-Fetch-Site: cross-site), then 403 and the session stays open; from this site, or from a client that is not a browser, it logs out', async () => {
    const account = await createUser();
    const navigate = (site?: string) => {
      const req = ctx
        .request()
        .get('/api/auth/logout')
        .set('Cookie', `refresh_token=${account.refreshToken}`);
      return site === undefined ? req : req.set('Sec-Fetch-Site', site);
    };
    expectError(await navigate('cross-site'), 403, 'FORBIDDEN_ORIGIN');
    const session = () => Session.findOne({ userId: account.user.id }).lean();
    expect((await session())!.revokedAt).toBeNull();
    expect((await navigate('same-origin')).status).toBe(204);
    expect((await session())!.revokedAt).not.toBeNull();
    const other = await createUser();
    const curl = await ctx
      .request()
      .get('/api/auth/logout')
      .set('Cookie', `refresh_token=${other.refreshToken}`);
    expect(curl.status).toBe(204);
  });

  it('when HEAD /logout comes with the refresh cookie (a link checker), then 204 and the session stays open', async () => {
    const account = await createUser();
    const res = await ctx
      .request()
      .head('/api/auth/logout')
      .set('Cookie', `refresh_token=${account.refreshToken}`)
      .set(bearer(account.accessToken));
    expect(res.status).toBe(204);
    expect(res.headers['set-cookie']).toBeUndefined();
    const session = await Session.findOne({ userId: account.user.id }).lean();
    expect(session!.revokedAt).toBeNull();
    expect((await ctx.request().get('/api/auth/me').set(bearer(account.accessToken))).status).toBe(
      200,
    );
  });

  it('when /refresh comes from the allow-listed origin, then 200 with credentialed CORS headers', async () => {
    const account = await createUser();
    const res = await ctx
      .request()
      .post('/api/auth/refresh')
      .set('Origin', ALLOWED_ORIGIN)
      .set('Cookie', `refresh_token=${account.refreshToken}`);
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    const logout = await ctx
      .request()
      .post('/api/auth/logout')
      .set('Origin', ALLOWED_ORIGIN)
      .set('Cookie', `refresh_token=${refreshCookieOf(res)}`);
    expect(logout.status).toBe(204);
  });

  it('when there is no Origin header (curl, same-origin GET), then refresh works', async () => {
    const account = await createUser();
    expect(
      (
        await ctx
          .request()
          .post('/api/auth/refresh')
          .set('Cookie', `refresh_token=${account.refreshToken}`)
      ).status,
    ).toBe(200);
  });
});
