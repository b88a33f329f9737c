import net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Response } from 'supertest';
import { useTestApp } from '../helpers/app.js';
import { NO_TIGHT_LIMITS, PASSWORD } from '../helpers/auth.js';
import { listen } from '../helpers/sse.js';
import { createUser } from '../helpers/users.js';
import { useWholeAuthWindows } from '../helpers/rate-windows.js';

const ctx = useTestApp({ ...NO_TIGHT_LIMITS, BODY_LIMIT: '1kb', LOGIN_LIMIT_PER_IP: '2' });
const ALLOWED_ORIGIN = 'http://localhost:5173';

function expectSecurityHeaders(res: Response) {
  expect(res.headers['x-powered-by']).toBeUndefined();
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
  expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
}

/** Sends raw bytes over TCP, for headers that HTTP clients refuse to send. */
async function rawRequest(head: string): Promise<string> {
  const server = await listen(ctx.app);
  try {
    return await new Promise<string>((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1', () => socket.end(head));
      let data = '';
      socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', () => resolve(data));
    });
  } finally {
    await server.close();
  }
}

useWholeAuthWindows();

describe('security headers', () => {
  it('when responses are 200, 404, 413, 429 and 401, then each carries the helmet headers and no X-Powered-By', async () => {
    const responses = [
      await ctx.request().get('/healthz'),
      await ctx.request().get('/nope'),
      await ctx
        .request()
        .post('/api/auth/signup')
        .send({ name: 'x'.repeat(2000) }),
      await ctx.request().get('/api/auth/me'),
    ];
    for (let i = 0; i < 3; i += 1)
      responses.push(
        await ctx.request().post('/api/auth/login').send({ email: 'a@b.c', password: PASSWORD }),
      );
    expect(responses.map((r) => r.status)).toEqual([200, 404, 413, 401, 401, 401, 429]);
    for (const res of responses) expectSecurityHeaders(res);
  });

  it('when an auth route answers (success or error), then Cache-Control: no-store', async () => {
    const account = await createUser();
    const responses = [
      await ctx.request().get('/api/auth/me').set('Authorization', `Bearer ${account.accessToken}`),
      await ctx.request().get('/api/auth/me'),
      await ctx
        .request()
        .post('/api/auth/refresh')
        .set('Cookie', `refresh_token=${account.refreshToken}`),
      await ctx.request().post('/api/auth/signup').send({}),
    ];
    for (const res of responses) expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('X-Request-Id', () => {
  it('when the client sends a sane id, then it is echoed in the header and the error body', async () => {
    const res = await ctx.request().get('/nope').set('X-Request-Id', 'client-123.abc:XYZ_9');
    expect(res.headers['x-request-id']).toBe('client-123.abc:XYZ_9');
    expect(res.body.error.requestId).toBe('client-123.abc:XYZ_9');
  });

  it('when no id is sent, then the server makes one up', async () => {
    const res = await ctx.request().get('/healthz');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['too long', 'a'.repeat(129)],
    ['with spaces and quotes', 'abc def"}'],
    ['with a JSON fragment', '{"level":60}'],
    ['with percent-encoded CR/LF', 'abc%0d%0aSet-Cookie:x=1'],
    ['with non-ASCII bytes', 'ab\u00e9c'],
  ])('when the id is %s, then it is replaced by a fresh one', async (_label, value) => {
    const res = await ctx.request().get('/nope').set('X-Request-Id', value);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.error.requestId).toBe(res.headers['x-request-id']);
  });

  it('when the id carries a raw CR or obs-folded line, then it is never echoed (refused or replaced)', async () => {
    for (const head of [
      'GET /nope HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc\rInjected: 1\r\nConnection: close\r\n\r\n',
      'GET /nope HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc\r\n Injected: 1\r\nConnection: close\r\n\r\n',
    ]) {
      const response = await rawRequest(head);
      expect(response).toMatch(/^HTTP\/1\.1 (400|404)/);
      expect(response).not.toMatch(/Injected/);
      expect(response).not.toMatch(/X-Request-Id: abc/i);
    }
  });
});

describe('CORS', () => {
  it('when the origin is allow-listed, then it is echoed with credentials and Vary: Origin, never *', async () => {
    const res = await ctx.request().get('/api/auth/me').set('Origin', ALLOWED_ORIGIN);
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers.vary).toMatch(/Origin/);
    expect(res.headers['access-control-expose-headers']).toMatch(/X-Request-Id/);
  });

  it('when a rate-limited route answers an allow-listed origin, then browser code may read every rate-limit header it carries', async () => {
    const res = await ctx
      .request()
      .post('/api/auth/login')
      .set('Origin', ALLOWED_ORIGIN)
      .send({ email: 'nobody@example.com', password: 'wrong password' });
    const sent = Object.keys(res.headers).filter((name) => name.startsWith('ratelimit'));
    expect(sent.sort()).toEqual([
      'ratelimit-limit',
      'ratelimit-policy',
      'ratelimit-remaining',
      'ratelimit-reset',
    ]);
    const exposed = String(res.headers['access-control-expose-headers'])
      .toLowerCase()
      .split(/,\s*/);
    for (const name of sent) expect(exposed).toContain(name);
  });

  it('when an allow-listed origin sends a preflight, then 204 with the methods and credentials', async () => {
    const res = await ctx
      .request()
      .options('/api/auth/me')
      .set('Origin', ALLOWED_ORIGIN)
      .set('Access-Control-Request-Method', 'PATCH')
      .set('Access-Control-Request-Headers', 'authorization,content-type');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers['access-control-allow-methods']).toMatch(/PATCH/);
  });

  it.each([
    'https://evil.example',
    'null',
    'http://localhost:5173.evil.example',
    'HTTP://LOCALHOST:5173',
  ])('when the origin is %s, then no Access-Control-Allow-Origin (and never *)', async (origin) => {
    for (const res of [
      await ctx.request().get('/api/auth/me').set('Origin', origin),
      await ctx
        .request()
        .options('/api/auth/login')
        .set('Origin', origin)
        .set('Access-Control-Request-Method', 'POST'),
    ]) {
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    }
  });
});
