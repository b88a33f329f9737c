import { expect, it } from 'vitest';
import { createClient } from '../../clients/typescript/src/index.js';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });

/** A fake server: tokens `t<n>`; only the latest is valid; /refresh issues the next. */
function fakeServer() {
  let current = 0;
  const log: { path: string; auth: string | null; trace: string | null; body: string }[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname;
    const body = await request.text();
    const [auth, trace] = ['Authorization', 'X-Trace'].map((name) => request.headers.get(name));
    log.push({ path, auth: auth!, trace: trace!, body });
    await new Promise((r) => setImmediate(r));
    if (path === '/api/auth/refresh') {
      current += 1;
      return json(200, { accessToken: `t${current}`, user: {} });
    }
    if (request.headers.get('Authorization') !== `Bearer t${current}` || current === 0)
      return json(401, { error: { code: 'UNAUTHENTICATED', message: 'no', requestId: 'x' } });
    return json(200, { path, body: body === '' ? null : JSON.parse(body) }, {});
  };
  return { fetchImpl, log, expire: () => (current += 100) };
}

it('a raw POST refused for its token is sent again with its body, after one shared refresh for concurrent calls', async () => {
  const server = fakeServer();
  const api = createClient({ baseUrl: 'http://x', fetch: server.fetchImpl });
  const results = await Promise.all(
    [1, 2, 3].map((i) =>
      api.raw.PATCH('/api/chats/{id}', {
        params: { path: { id: `c${i}` } },
        body: { title: `title ${i}` },
      }),
    ),
  );
  expect(results.map((r) => r.response.status)).toEqual([200, 200, 200]);
  expect(results.map((r) => (r.data as unknown as { body: unknown }).body)).toEqual([
    { title: 'title 1' },
    { title: 'title 2' },
    { title: 'title 3' },
  ]);
  expect(server.log.filter((l) => l.path === '/api/auth/refresh')).toHaveLength(1);
});

it("a raw request sent again after a refresh is the one the app's middleware made, and that middleware sees its answer", async () => {
  const server = fakeServer();
  const api = createClient({ baseUrl: 'http://x', fetch: server.fetchImpl });
  const seen: number[] = [];
  api.raw.use({
    onRequest: ({ request }) => {
      request.headers.set('X-Trace', 'trace-1');
      return request;
    },
    onResponse: ({ response }) => {
      seen.push(response.status);
      return undefined;
    },
  });
  // Without a token yet (a page load): refused, refreshed, sent again.
  const { response } = await api.raw.GET('/api/chats');
  expect(response.status).toBe(200);
  expect(server.log.map((l) => [l.path, l.auth, l.trace])).toEqual([
    ['/api/chats', null, 'trace-1'],
    ['/api/auth/refresh', null, 'trace-1'],
    ['/api/chats', 'Bearer t1', 'trace-1'],
  ]);
  // The refresh went through the middleware too; the call's answer is the retried one.
  expect(seen).toEqual([200, 200]);
});

it('a raw request whose Authorization a middleware set (an API key) is not refreshed when refused', async () => {
  const server = fakeServer();
  const api = createClient({ baseUrl: 'http://x', fetch: server.fetchImpl });
  await api.refresh();
  api.raw.use({
    onRequest: ({ request }) => {
      if (new URL(request.url).pathname.startsWith('/v1/'))
        request.headers.set('Authorization', 'Bearer sk-of-the-app');
      return request;
    },
  });
  const { response } = await api.raw.GET('/v1/models');
  expect(response.status).toBe(401);
  expect(server.log.map((l) => [l.path, l.auth])).toEqual([
    ['/api/auth/refresh', null],
    ['/v1/models', 'Bearer sk-of-the-app'],
  ]);
  // The client's own token still refreshes when refused.
  server.expire();
  expect((await api.raw.GET('/api/chats')).response.status).toBe(200);
  expect(server.log.slice(2).map((l) => [l.path, l.auth])).toEqual([
    ['/api/chats', 'Bearer t1'],
    ['/api/auth/refresh', 'Bearer t1'],
    ['/api/chats', 'Bearer t102'],
  ]);
});
