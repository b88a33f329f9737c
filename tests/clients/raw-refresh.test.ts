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
  const log: { path: string; auth: string | null; body: string }[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname;
    const body = await request.text();
    log.push({ path, auth: request.headers.get('Authorization'), body });
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
