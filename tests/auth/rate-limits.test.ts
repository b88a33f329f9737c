import { describe, expect, it } from 'vitest';
import type { Response } from 'supertest';
import mongoose from '../../src/lib/db/mongoose.js';
import { User } from '../../src/modules/users/user.model.js';
import { uniqueEmail, useTestApp } from '../helpers/app.js';
import { accountsSnapshot, expectError, rateLimitHits } from '../helpers/auth.js';
import { eventually } from '../helpers/eventually.js';
import { createUser } from '../helpers/users.js';
import { useWholeAuthWindows } from '../helpers/rate-windows.js';

// Behind one trusted proxy, so X-Forwarded-For names the client and rotating IPs can be simulated.
const ctx = useTestApp({
  TRUST_PROXY: '1',
  LOGIN_LIMIT_PER_ACCOUNT: '3',
  LOGIN_LIMIT_PER_IP: '5',
  SIGNUP_LIMIT_PER_IP: '3',
});

let nextIp = 0;
const freshIp = () =>
  `10.${Math.floor(nextIp / 250) % 250}.${(nextIp += 1) % 250}.${1 + (nextIp % 200)}`;
const login = (email: string, password: string, ip = freshIp()) =>
  ctx.request().post('/api/auth/login').set('X-Forwarded-For', ip).send({ email, password });

function expectRateLimited(res: Response) {
  expectError(res, 429, 'RATE_LIMITED');
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  expect(res.headers['set-cookie']).toBeUndefined();
}

useWholeAuthWindows();

describe('login limit per account', () => {
  it('when one account gets more failed logins than the limit from rotating IPs, then 429 with Retry-After, even with the right password', async () => {
    const account = await createUser();
    for (let i = 0; i < 3; i += 1)
      expectError(await login(account.email, 'wrong password'), 401, 'INVALID_CREDENTIALS');
    const before = await accountsSnapshot();
    expectRateLimited(await login(account.email, 'wrong password'));
    expectRateLimited(await login(account.email, account.password));
    expectRateLimited(await login(`  ${account.email.toUpperCase()} `, account.password)); // same bucket whatever the spelling
    expect(await accountsSnapshot()).toEqual(before); // no session was opened
    // Counted in the database up to one past the limit (further hits are refused without storing).
    expect((await rateLimitHits('login-account'))[`login-account:${account.email}`]).toBe(4);
  });

  it('when another account is attacked, then this one can still log in', async () => {
    const victim = await createUser();
    const bystander = await createUser();
    for (let i = 0; i < 4; i += 1) await login(victim.email, 'wrong password');
    expect((await login(bystander.email, bystander.password)).status).toBe(200);
  });

  it('when a user logs in successfully more often than the limit, then every login succeeds (only failures count)', async () => {
    const account = await createUser();
    const key = `login-account:${account.email}`;
    for (let i = 0; i < 5; i += 1)
      expect((await login(account.email, account.password)).status).toBe(200);
    // Each success takes its hit back after its response has gone (express-rate-limit's
    // decrement): the last one's may still be on its way.
    expect(
      await eventually(
        () => rateLimitHits('login-account'),
        (hits) => hits[key] === undefined,
      ),
    ).not.toHaveProperty(key);
    expectError(await login(account.email, 'wrong password'), 401, 'INVALID_CREDENTIALS');
    expect((await rateLimitHits('login-account'))[key]).toBe(1);
  });

  it('when bursts of guesses arrive in parallel once the limit is reached, then every one is refused 429 and no refusal takes back a recorded failure: no further password is checked', async () => {
    const account = await createUser();
    for (let i = 0; i < 3; i += 1)
      expectError(await login(account.email, 'wrong password'), 401, 'INVALID_CREDENTIALS');
    for (let round = 0; round < 4; round += 1) {
      const burst = await Promise.all(
        Array.from({ length: 6 }, () => login(account.email, 'wrong password')),
      );
      for (const res of burst) expectRateLimited(res);
      expectRateLimited(await login(account.email, 'wrong password'));
    }
    expectRateLimited(await login(account.email, account.password));
    expect((await rateLimitHits('login-account'))[`login-account:${account.email}`]).toBe(4);
  });

  it('when login bodies refused as invalid (400) outnumber the limit, then none of them counts: no password was checked, and the account keeps its whole budget of failed checks', async () => {
    const account = await createUser();
    const key = `login-account:${account.email}`;
    const invalid = (body: Record<string, unknown>) =>
      ctx.request().post('/api/auth/login').set('X-Forwarded-For', freshIp()).send(body);
    for (let i = 0; i < 5; i += 1) {
      expectError(
        await invalid({ email: account.email, password: 'wrong password', remember: true }),
        400,
        'VALIDATION_FAILED',
      );
      expectError(
        await invalid({ email: account.email, password: { $gt: '' } }),
        400,
        'VALIDATION_FAILED',
      );
    }
    // Each refusal takes its hit back once answered, as a success does.
    expect(
      await eventually(
        () => rateLimitHits('login-account'),
        (hits) => hits[key] === undefined,
      ),
    ).not.toHaveProperty(key);
    for (let i = 0; i < 3; i += 1)
      expectError(await login(account.email, 'wrong password'), 401, 'INVALID_CREDENTIALS');
    expectRateLimited(await login(account.email, 'wrong password'));
  });

  it('when many failed logins for one account arrive in parallel, then no more than the limit get through to a password check', async () => {
    const account = await createUser();
    const results = await Promise.all(
      Array.from({ length: 12 }, () => login(account.email, 'wrong password')),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(3);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(9);
  });
});

describe('login limit per IP', () => {
  it('when one address tries more logins than the limit across many accounts, then 429 with Retry-After', async () => {
    const ip = '203.0.113.9';
    for (let i = 0; i < 5; i += 1)
      expectError(
        await login(uniqueEmail('spray'), 'wrong password', ip),
        401,
        'INVALID_CREDENTIALS',
      );
    expectRateLimited(await login(uniqueEmail('spray'), 'wrong password', ip));
    expect((await rateLimitHits('login-ip'))[`login-ip:${ip}`]).toBe(6);
  });

  it('when an IPv6 client rotates addresses inside its own /64, then it stays in one bucket', async () => {
    for (let i = 1; i <= 5; i += 1) {
      expectError(
        await login(uniqueEmail('v6'), 'wrong password', `2001:db8:1:2::${i.toString(16)}`),
        401,
        'INVALID_CREDENTIALS',
      );
    }
    expectRateLimited(
      await login(uniqueEmail('v6'), 'wrong password', '2001:db8:1:2:ffff:ffff:ffff:fffe'),
    );
  });
});

describe('signup limit per IP', () => {
  it('when one address signs up more often than the limit, then 429 and no user is created; each answer says what is left in the RateLimit headers', async () => {
    const ip = '198.51.100.7';
    for (let i = 0; i < 3; i += 1) {
      const res = await ctx
        .request()
        .post('/api/auth/signup')
        .set('X-Forwarded-For', ip)
        .send({ email: uniqueEmail('s'), password: 'correct horse battery' });
      expect(res.status).toBe(201);
      expect(res.headers['ratelimit-limit']).toBe('3');
      expect(res.headers['ratelimit-remaining']).toBe(String(2 - i));
      expect(Number(res.headers['ratelimit-reset'])).toBeGreaterThan(0);
      expect(res.headers['ratelimit-policy']).toMatch(/^3;w=\d+$/);
    }
    const email = uniqueEmail('blocked');
    const blocked = await ctx
      .request()
      .post('/api/auth/register')
      .set('X-Forwarded-For', ip)
      .send({ email, password: 'correct horse battery' });
    expectRateLimited(blocked);
    expect(await User.countDocuments({ email })).toBe(0);
    expect((await rateLimitHits('signup-ip'))[`signup-ip:${ip}`]).toBe(4);
  });

  it('when sign-ups are refused as invalid input (400), then they do not use up the allowance; taken emails (409) do', async () => {
    const ip = '198.51.100.8';
    const signup = (body: object) =>
      ctx.request().post('/api/auth/signup').set('X-Forwarded-For', ip).send(body);
    for (const body of [
      { email: 'not-an-email', password: 'correct horse battery' },
      { email: uniqueEmail(), password: 'short' },
      { email: uniqueEmail(), password: 'correct horse battery', extra: 1 },
    ]) {
      expectError(await signup(body), 400, 'VALIDATION_FAILED');
    }
    const taken = uniqueEmail('taken');
    expect((await signup({ email: taken, password: 'correct horse battery' })).status).toBe(201);
    expectError(
      await signup({ email: taken, password: 'correct horse battery' }),
      409,
      'EMAIL_TAKEN',
    );
    expect((await signup({ email: uniqueEmail(), password: 'correct horse battery' })).status).toBe(
      201,
    );
    expectRateLimited(await signup({ email: uniqueEmail(), password: 'correct horse battery' }));
  });
});

describe('expired counters', () => {
  it('when a counter’s window ended a minute ago or more, then the next counted request, for any key, removes it (no TTL needed)', async () => {
    const slots = mongoose.connection.collection('rate_limits');
    // A window that just ended is kept a minute for hits stamped in it (tests/db/rate-windows.test.ts).
    const ended = new Date(Date.now() - 61_000);
    await slots.insertOne({
      _id: `login-account:gone@example.test#${ended.getTime()}#1` as never,
      key: 'login-account:gone@example.test',
      n: 1,
      resetAt: ended,
    });
    expectError(
      await login(uniqueEmail('fresh-key'), 'wrong password'),
      401,
      'INVALID_CREDENTIALS',
    );
    expect(await slots.countDocuments({ key: 'login-account:gone@example.test' })).toBe(0);
  });
});
