import { beforeEach, describe, expect, it } from 'vitest';
import type { Response } from 'supertest';
import { Session } from '../../src/modules/auth/session.model.js';
import { User } from '../../src/modules/users/user.model.js';
import { useTestApp } from '../helpers/app.js';
import { bearer, expectError, rateLimitHits, signUp } from '../helpers/auth.js';
import { eventually } from '../helpers/eventually.js';
import { createUser } from '../helpers/users.js';
import { insideOneWindow, useWholeAuthWindows } from '../helpers/rate-windows.js';

// Behind one trusted proxy, so X-Forwarded-For names the client. The hashing queue is scaled down
// so the load stays small (one hash at a time and 3 waiting, one check in flight per address),
// and 3 password checks a minute per address. The brakes on failed checks are low, to show that
// right passwords never reach them.
const ctx = useTestApp({
  TRUST_PROXY: '1',
  BCRYPT_MAX_CONCURRENCY: '1',
  BCRYPT_MAX_QUEUE: '3',
  PASSWORD_CHECKS_PER_ADDRESS: '1',
  PASSWORD_CHECKS_PER_IP_PER_MINUTE: '3',
  LOGIN_LIMIT_PER_IP: '5',
  LOGIN_LIMIT_PER_ACCOUNT: '3',
  SIGNUP_LIMIT_PER_IP: '1000',
});

const login = (email: string, password: string, ip: string) =>
  ctx.request().post('/api/auth/login').set('X-Forwarded-For', ip).send({ email, password });

function expectChecksLimited(res: Response) {
  expectError(res, 429, 'RATE_LIMITED');
  // The window is a minute: the wait is within it.
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
  expect(res.headers['set-cookie']).toBeUndefined();
}

/** The address's count of password checks, once the hits of answers that checked none are back. */
const checksOf = (ip: string, n: number) =>
  eventually(
    async () => (await rateLimitHits('password-checks-ip'))[`password-checks-ip:${ip}`] ?? 0,
    (hits) => hits === n,
  );

useWholeAuthWindows();
// The count of checks is per minute: each test starts with 15 s of its minute left.
beforeEach(() => insideOneWindow(60));

describe('password checks per address, right or wrong', () => {
  it("when a few addresses log their own accounts in over and over, then each is refused 429 RATE_LIMITED past PASSWORD_CHECKS_PER_IP_PER_MINUTE, opens no more sessions, and another user's logins meanwhile are served", async () => {
    const ADDRESSES = 6; // more than the queue's 1 + 3 places
    const attackers = await Promise.all(
      Array.from({ length: ADDRESSES }, (_, i) => createUser({ label: `own${i}` })),
    );
    const ipOf = (i: number) => `198.51.100.${i + 1}`;
    const answers = await Promise.all(
      attackers.map(async (a, i) => {
        const seen: Response[] = [];
        const served = () => seen.filter((r) => r.status === 200).length;
        // Until refused, or one login past the limit served (what happened before it held).
        while (served() <= 3) {
          const res = await login(a.email, a.password, ipOf(i));
          seen.push(res);
          if (res.body?.error?.code === 'RATE_LIMITED') break;
          // Turned away by the full queue (503 with Retry-After): retried once the refusal's
          // hit is taken back, as a client waiting as told would find it.
          if (res.status !== 200) await checksOf(ipOf(i), served());
        }
        return seen;
      }),
    );
    for (const [i, seen] of answers.entries()) {
      // Three checks made (a turn the full queue refused, 503, made none and counts none), then
      // the address is refused before its check: far below the failed-check brakes, which a
      // right password never reaches.
      expect(seen.filter((r) => r.status === 200)).toHaveLength(3);
      expect(seen.every((r) => [200, 429, 503].includes(r.status))).toBe(true);
      expectChecksLimited(seen.at(-1)!);
      expect(await checksOf(ipOf(i), 4)).toBe(4);
      // The session inserted with the user, and one for each login that was let through.
      expect(await Session.countDocuments({ userId: attackers[i]!.id })).toBe(4);
    }

    // They keep trying, all at once, while another user logs in: the refusals take no place in
    // the hashing queue, and every one of the user's logins is served.
    const user = await createUser({ label: 'bystander' });
    const burst = Promise.all(
      attackers.flatMap((a, i) =>
        Array.from({ length: 4 }, () => login(a.email, a.password, ipOf(i))),
      ),
    );
    const statuses: number[] = [];
    for (let n = 0; n < 3; n += 1)
      statuses.push((await login(user.email, user.password, '192.0.2.77')).status);
    for (const res of await burst) expectChecksLimited(res);
    expect(statuses).toEqual([200, 200, 200]);
  });

  it('when one address signs up, logs in with a wrong password and changes a password, then the account deletion after them is refused 429: every password request counts, right or wrong, and the account stays', async () => {
    const ip = '203.0.113.20';
    const account = await signUp(ctx, { ip });
    expectError(await login(account.email, 'wrong password', ip), 401, 'INVALID_CREDENTIALS');
    const changed = await ctx
      .request()
      .post('/api/auth/password')
      .set('X-Forwarded-For', ip)
      .set(bearer(account.accessToken))
      .send({ currentPassword: account.password, newPassword: 'another good password' });
    expect(changed.status).toBe(204);
    const deletion = await ctx
      .request()
      .delete('/api/auth/me')
      .set('X-Forwarded-For', ip)
      .set(bearer(account.accessToken))
      .send({ password: 'another good password' });
    expectChecksLimited(deletion);
    expect(await User.countDocuments({ email: account.email })).toBe(1);
    expect(await checksOf(ip, 4)).toBe(4);
    // Counted per address: from another one, the owner goes on.
    expect((await login(account.email, 'another good password', '203.0.113.21')).status).toBe(200);
  });

  it('when requests from one address are refused as invalid before any check, then none of them counts, and the address still has its whole allowance of checks', async () => {
    const ip = '203.0.113.30';
    const account = await createUser();
    for (let i = 0; i < 5; i += 1) {
      expectError(
        await ctx
          .request()
          .post('/api/auth/login')
          .set('X-Forwarded-For', ip)
          .send({ email: account.email, password: account.password, remember: true }),
        400,
        'VALIDATION_FAILED',
      );
    }
    expect(await checksOf(ip, 0)).toBe(0);
    for (let i = 0; i < 3; i += 1)
      expect((await login(account.email, account.password, ip)).status).toBe(200);
    expectChecksLimited(await login(account.email, account.password, ip));
  });
});
