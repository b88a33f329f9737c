import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { NO_TIGHT_LIMITS } from '../helpers/auth.js';
import { useListeningApp } from '../helpers/sse.js';
import { createUser } from '../helpers/users.js';
import { startReverseProxy } from '../helpers/reverse-proxy.js';

// README (SPA section): "Serve the API under the SPA's own domain, or proxy `/api` there." The SPA
// at https://chat.example.test calls /api on its own origin, so no CORS is involved and the
// operator has no reason to list the origin in CORS_ORIGINS. The proxy is nginx with
// `proxy_pass http://api:3000;`, which sends `Host: api:3000` upstream, and the
// `proxy_set_header X-Forwarded-Host $host;` README asks for.
const ctx = useTestApp({
  ...NO_TIGHT_LIMITS,
  TRUST_PROXY: '1',
  CORS_ORIGINS: 'https://other.example.test',
});
const api = useListeningApp(ctx);
let proxy: Awaited<ReturnType<typeof startReverseProxy>>;
beforeAll(async () => {
  proxy = await startReverseProxy(api.port, { host: 'upstream' });
});
afterAll(() => proxy?.close());

function post(path: string, headers: Record<string, string>) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: proxy.port, method: 'POST', path, headers },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('a same-origin SPA behind a proxy that sets its own Host', () => {
  it('when the page refreshes its session (fetch sends Origin: its own origin), then it gets a new access token', async () => {
    const user = await createUser();
    const res = await post('/api/auth/refresh', {
      host: 'chat.example.test',
      origin: 'https://chat.example.test',
      'sec-fetch-site': 'same-origin',
      cookie: `refresh_token=${user.refreshToken}`,
    });
    expect(res.status, res.body).toBe(200);
  });
});

describe('a foreign page through the same proxy', () => {
  it('when a page on another origin posts to refresh or logout, then it is still refused', async () => {
    const user = await createUser();
    for (const path of ['/api/auth/refresh', '/api/auth/logout']) {
      const res = await post(path, {
        host: 'chat.example.test',
        origin: 'https://evil.example.test',
        cookie: `refresh_token=${user.refreshToken}`,
      });
      expect(res.status, res.body).toBe(403);
    }
  });
});
