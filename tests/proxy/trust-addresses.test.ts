import { describe, expect, it } from 'vitest';
import { reloadConfig } from '../../src/lib/config.js';
import { uniqueEmail, useTestApp } from '../helpers/app.js';
import { useListeningApp } from '../helpers/sse.js';

// The balancer lives on 10.0.0.0/8: only its X-Forwarded-For is believed. This test's client
// connects from 127.0.0.1, as one reaching the instance past the balancer would.
const ctx = useTestApp({ TRUST_PROXY: '10.0.0.0/8, fd00::/8', SIGNUP_LIMIT_PER_IP: '2' });
const api = useListeningApp(ctx);

const signup = (xff: string) =>
  fetch(`${api.url}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': xff },
    body: JSON.stringify({ email: uniqueEmail('trust'), password: 'correct horse battery' }),
  }).then((r) => r.status);

describe('TRUST_PROXY naming the proxies’ addresses', () => {
  it('when a client outside them rotates X-Forwarded-For, then its own address is counted', async () => {
    const statuses = [];
    for (let i = 1; i <= 4; i += 1) statuses.push(await signup(`198.51.100.${i}`));
    expect(statuses).toEqual([201, 201, 429, 429]);
  });

  it.each([
    'loopback',
    '10.0.0.1',
    '10.0.0.0/8, 192.168.0.0/255.255.0.0',
    '::1/128, uniquelocal',
    '0',
    '10',
  ])('when it is %s, then the start accepts it', (value) => {
    try {
      expect(() => reloadConfig({ ...process.env, TRUST_PROXY: value })).not.toThrow();
    } finally {
      reloadConfig({
        ...process.env,
        TRUST_PROXY: '10.0.0.0/8, fd00::/8',
        SIGNUP_LIMIT_PER_IP: '2',
      });
    }
  });

  it.each(['11', '-1', 'true', '10.0.0.0/33', 'fd00::/129', 'example.com', '10.0.0.0/8/8', ','])(
    'when it is %s, then the start is refused naming TRUST_PROXY',
    (value) => {
      try {
        expect(() => reloadConfig({ ...process.env, TRUST_PROXY: value })).toThrow(/TRUST_PROXY/);
      } finally {
        reloadConfig({
          ...process.env,
          TRUST_PROXY: '10.0.0.0/8, fd00::/8',
          SIGNUP_LIMIT_PER_IP: '2',
        });
      }
    },
  );
});
