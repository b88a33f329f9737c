import { describe, expect, it } from 'vitest';
import { User } from '../../src/modules/users/user.model.js';
import supertest from 'supertest';
import { createApp, routeGroups } from '../../src/app.js';
import { defineRoute } from '../../src/lib/http/route.js';
import { logger } from '../../src/lib/logger.js';
import { uniqueEmail, useTestApp } from '../helpers/app.js';
import { NO_TIGHT_LIMITS, refreshCookieOf } from '../helpers/auth.js';
import { captureLogs } from '../helpers/log-capture.js';

const ctx = useTestApp(NO_TIGHT_LIMITS);

const lines = captureLogs();

describe('logs', () => {
  it('when a full account flow runs, then no password, hash, JWT, refresh token, Authorization or Cookie value is logged', async () => {
    const email = uniqueEmail('log');
    const password = 'Log-Secret-Password-42';
    const newPassword = 'Another-Secret-Password-43';
    const secrets: string[] = [password, newPassword];
    const agent = ctx.request();

    const signup = await agent
      .post('/api/auth/signup')
      .set('User-Agent', 'log-test')
      .send({ email, password, name: 'Logger' });
    expect(signup.status).toBe(201);
    secrets.push(signup.body.accessToken, refreshCookieOf(signup)!);
    const login = await ctx.request().post('/api/auth/login').send({ email, password });
    secrets.push(login.body.accessToken, refreshCookieOf(login)!);
    await ctx
      .request()
      .post('/api/auth/login')
      .send({ email, password: `${password}-wrong` });
    await ctx
      .request()
      .post('/api/auth/login')
      .send({ email: { $ne: null }, password });
    await ctx
      .request()
      .get('/api/auth/me')
      .set('Authorization', `Bearer ${signup.body.accessToken}`);
    await ctx.request().get(`/api/auth/me?access_token=${login.body.accessToken}`);
    const refreshed = await ctx
      .request()
      .post('/api/auth/refresh')
      .set('Cookie', `refresh_token=${refreshCookieOf(login)}`);
    secrets.push(refreshed.body.accessToken, refreshCookieOf(refreshed)!);
    await ctx
      .request()
      .post('/api/auth/refresh')
      .set('Cookie', `refresh_token=${refreshCookieOf(login)}`); // a second tab, within the grace
    await ctx
      .request()
      .post('/api/auth/password')
      .set('Authorization', `Bearer ${signup.body.accessToken}`)
      .send({ currentPassword: password, newPassword });
    const hash = (await User.findOne({ email }).lean())!.passwordHash;
    secrets.push(hash);
    await ctx
      .request()
      .post('/api/auth/logout')
      .set('Authorization', `Bearer ${signup.body.accessToken}`)
      .set('Cookie', `refresh_token=${refreshCookieOf(signup)}`);
    await ctx
      .request()
      .delete('/api/auth/me')
      .set('Authorization', `Bearer ${refreshed.body.accessToken}`)
      .send({ password: newPassword });

    const all = lines.join('');
    expect(lines.length).toBeGreaterThan(10); // the capture works: requests were logged
    expect(all).toContain('/api/auth/login');
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(7);
      expect(all).not.toContain(secret);
      const parts = secret.split('.');
      if (parts.length === 3 && !secret.startsWith('$2')) expect(all).not.toContain(parts[1]); // not even a token's middle part
    }
    expect(all).not.toMatch(/\$2[aby]\$/);
    expect(all).not.toMatch(/Bearer /i);
    expect(all).not.toMatch(/refresh_token=/);
  });

  it('when input carries CR/LF and JSON fragments, then every logged line is still one JSON object and none is forged', async () => {
    lines.length = 0;
    const forged = '\n{"level":30,"msg":"forged admin login","forged":true}\r\n';
    await ctx
      .request()
      .post('/api/auth/login')
      .send({ email: `a${forged}@b.c`, password: `p${forged}` });
    await ctx
      .request()
      .post('/api/auth/signup')
      .send({ email: uniqueEmail(), password: 'correct horse battery', name: forged });
    await ctx
      .request()
      .get(`/api/nope${encodeURIComponent(forged)}`)
      .set('X-Request-Id', 'x{"forged":true}');
    await ctx
      .request()
      .get('/api/auth/me')
      .set('User-Agent', forged.replace(/[\r\n]/g, ' '));
    expect(lines.length).toBeGreaterThan(0);
    const records = lines
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const record of records) {
      expect(record.forged).toBeUndefined();
      expect(record.msg).not.toBe('forged admin login');
    }
    expect(records.length).toBe(lines.length);
  });

  it('when code far from the request logs after an await, then the line carries the request id the client got', async () => {
    lines.length = 0;
    const app = createApp([
      ...routeGroups(),
      {
        prefix: '/api/log-probe',
        tag: 'test',
        routes: [
          defineRoute({
            method: 'get',
            path: '/',
            summary: 'logs from a nested async call',
            auth: false,
            responses: { 204: { description: 'logged' } },
            handler: async (_req, res) => {
              await new Promise((r) => setTimeout(r, 5));
              logger.warn('deep in a service');
              res.status(204).end();
            },
          }),
        ],
      },
    ]);
    const [first, second] = await Promise.all([
      supertest(app).get('/api/log-probe').set('X-Request-Id', 'probe-one'),
      supertest(app).get('/api/log-probe'),
    ]);
    const records = lines
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const deep = records
      .filter((r) => r.msg === 'deep in a service')
      .map((r) => r.reqId)
      .sort();
    expect(deep).toEqual([first.headers['x-request-id'], second.headers['x-request-id']].sort());
    expect(deep).toContain('probe-one');
  });

  it('when a request is refused, then its log line carries the error code the client got', async () => {
    lines.length = 0;
    const res = await ctx
      .request()
      .post('/api/auth/signup')
      .send({ email: 'not an email', password: 'correct horse battery' });
    expect(res.status).toBe(400);
    const line = lines
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { msg?: string; reqId?: string; res?: Record<string, unknown> })
      .find((r) => r.msg === 'request completed' && r.res?.statusCode === 400);
    expect(line?.res).toEqual({ statusCode: 400, code: 'VALIDATION_FAILED' });
    // Nobody was authenticated: no user in the line.
    expect(line).not.toHaveProperty('userId');
  });

  it('when an authenticated request is refused, on the chat routes or on /v1 with an API key, then its log line names the user and carries the API’s error code', async () => {
    const signup = await ctx
      .request()
      .post('/api/auth/signup')
      .send({ email: uniqueEmail('logged-user'), password: 'correct horse battery' });
    const auth = { Authorization: `Bearer ${signup.body.accessToken}` };
    const key = await ctx.request().post('/api/keys').set(auth).send({ name: 'log' });
    expect(key.status).toBe(201);
    lines.length = 0;
    const missing = await ctx.request().get('/api/chats/0123456789abcdef01234567').set(auth);
    expect(missing.status).toBe(404);
    const refused = await ctx
      .request()
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${key.body.key}`)
      .send({ model: 'demo' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('missing_required_parameter');
    const completed = lines
      .join('')
      .split('\n')
      .filter(Boolean)
      .map(
        (l) =>
          JSON.parse(l) as { msg?: string; userId?: string; req?: { url?: string }; res?: object },
      )
      .filter((r) => r.msg === 'request completed');
    expect(completed.map((r) => [r.req?.url, r.userId, r.res])).toEqual([
      [
        '/api/chats/0123456789abcdef01234567',
        signup.body.user.id,
        { statusCode: 404, code: 'NOT_FOUND' },
      ],
      ['/v1/chat/completions', signup.body.user.id, { statusCode: 400, code: 'VALIDATION_FAILED' }],
    ]);
  });
});
