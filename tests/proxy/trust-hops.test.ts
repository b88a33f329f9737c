import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueEmail, useTestApp } from '../helpers/app.js';
import { useListeningApp } from '../helpers/sse.js';
import { startReverseProxy } from '../helpers/reverse-proxy.js';

const ctx = useTestApp({ TRUST_PROXY: '1', SIGNUP_LIMIT_PER_IP: '2', NODE_ENV: 'test' });
const api = useListeningApp(ctx);
let proxy: Awaited<ReturnType<typeof startReverseProxy>>;
beforeAll(async () => {
  proxy = await startReverseProxy(api.port);
});
afterAll(async () => {
  await proxy?.close();
});

const signup = (base: string, xff?: string) =>
  fetch(`${base}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(xff ? { 'x-forwarded-for': xff } : {}) },
    body: JSON.stringify({ email: uniqueEmail('xff'), password: 'correct horse battery' }),
  }).then((r) => r.status);

describe('X-Forwarded-For behind one proxy (TRUST_PROXY=1)', () => {
  it('when a client spoofs X-Forwarded-For through the proxy, then the per-IP sign-up limit still counts its real address', async () => {
    const statuses = [];
    for (const spoof of ['203.0.113.1', '203.0.113.2, 198.51.100.7', 'garbage', '10.0.0.1'])
      statuses.push(await signup(proxy.url, spoof));
    expect(statuses).toEqual([201, 201, 429, 429]);
  });
});
