import { describe, expect, it } from 'vitest';
import { uniqueEmail, useTestApp } from '../helpers/app.js';
import { expectError, rateLimitHits } from '../helpers/auth.js';
import { useWholeAuthWindows } from '../helpers/rate-windows.js';

// No proxy in front (TRUST_PROXY=0): the socket address is the client, whatever the headers say.
const ctx = useTestApp({
  TRUST_PROXY: '0',
  LOGIN_LIMIT_PER_IP: '3',
  LOGIN_LIMIT_PER_ACCOUNT: '100',
});

useWholeAuthWindows();

describe('rate-limit buckets without a trusted proxy', () => {
  it('when a direct client forges X-Forwarded-For on every request, then it stays in its own bucket and gets 429', async () => {
    for (let i = 1; i <= 3; i += 1) {
      const res = await ctx
        .request()
        .post('/api/auth/login')
        .set('X-Forwarded-For', `192.0.2.${i}`)
        .send({ email: uniqueEmail(), password: 'wrong password' });
      expectError(res, 401, 'INVALID_CREDENTIALS');
    }
    const res = await ctx
      .request()
      .post('/api/auth/login')
      .set('X-Forwarded-For', '192.0.2.99')
      .send({ email: uniqueEmail(), password: 'wrong password' });
    expectError(res, 429, 'RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(await rateLimitHits('login-ip')).toEqual({ 'login-ip:127.0.0.1': 4 });
  });
});
