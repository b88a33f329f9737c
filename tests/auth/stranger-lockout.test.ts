import { describe, expect, it } from 'vitest';
import type { Response } from 'supertest';
import mongoose from '../../src/lib/db/mongoose.js';
import { useTestApp } from '../helpers/app.js';
import { expectError, rateLimitHits, signUp } from '../helpers/auth.js';
import { eventually } from '../helpers/eventually.js';
import { useWholeAuthWindows } from '../helpers/rate-windows.js';

// Behind one trusted proxy, so X-Forwarded-For names the client and other networks can be simulated.
const ctx = useTestApp({
  TRUST_PROXY: '1',
  LOGIN_LIMIT_PER_ACCOUNT: '3',
  LOGIN_LIMIT_PER_IP: '1000',
  SIGNUP_LIMIT_PER_IP: '1000',
});

const login = (email: string, password: string, ip: string) =>
  ctx.request().post('/api/auth/login').set('X-Forwarded-For', ip).send({ email, password });

function expectBraked(res: Response) {
  expectError(res, 429, 'RATE_LIMITED');
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
}

/** Strangers on other networks use up the account's shared budget of failed logins. */
async function lockOutStrangers(email: string, network: string) {
  // Only failures count: a successful login takes its hit back after its response has gone
  // (express-rate-limit's decrement), so the owner's last one may still hold it for a moment.
  await eventually(
    () => rateLimitHits('login-account'),
    (hits) => hits[`login-account:${email}`] === undefined,
  );
  for (let i = 1; i <= 3; i += 1)
    expectError(
      await login(email, 'wrong password', `${network}.${i}`),
      401,
      'INVALID_CREDENTIALS',
    );
  expectBraked(await login(email, 'wrong password', `${network}.99`));
}

useWholeAuthWindows();

describe('failed logins by strangers', () => {
  it('when strangers exhaust the per-account brake, then the owner still logs in from the network they used before, and strangers stay braked even with the right password', async () => {
    const owner = await signUp(ctx, { ip: '192.0.2.10' });
    await lockOutStrangers(owner.email, '203.0.113');
    expect((await login(owner.email, owner.password, '192.0.2.10')).status).toBe(200);
    // The same /24: a home router that was given a new address.
    expect((await login(owner.email, owner.password, '192.0.2.200')).status).toBe(200);
    expectBraked(await login(owner.email, owner.password, '198.51.100.5'));
  });

  it('when the network the owner used before guesses wrong too often, then it is braked as well (its own budget, not unlimited)', async () => {
    const owner = await signUp(ctx, { ip: '192.0.2.20' });
    for (let i = 0; i < 3; i += 1)
      expectError(await login(owner.email, 'wrong', '192.0.2.21'), 401, 'INVALID_CREDENTIALS');
    expectBraked(await login(owner.email, owner.password, '192.0.2.22'));
    // Strangers elsewhere have a budget of their own, which the owner's typos did not use.
    expectError(await login(owner.email, 'wrong', '203.0.113.50'), 401, 'INVALID_CREDENTIALS');
  });

  it('when the owner logged in from a network once, then that network is known from then on; one never logged in from is not', async () => {
    const owner = await signUp(ctx, { ip: '192.0.2.30' });
    expect((await login(owner.email, owner.password, '100.64.7.1')).status).toBe(200);
    await lockOutStrangers(owner.email, '203.0.114');
    expect((await login(owner.email, owner.password, '100.64.7.2')).status).toBe(200);
    expectBraked(await login(owner.email, owner.password, '100.64.8.1'));
  });

  it('when the owner uses IPv6, then their whole /48 is one known network', async () => {
    const owner = await signUp(ctx, { ip: '2001:db8:aa:1::5' });
    await lockOutStrangers(owner.email, '203.0.115');
    expect((await login(owner.email, owner.password, '2001:db8:aa:ffff::9')).status).toBe(200);
    expectBraked(await login(owner.email, owner.password, '2001:db8:ab::9'));
  });

  it('when an account has logged in from many networks, then only the most recent ones are remembered, under a keyed hash rather than the address', async () => {
    const owner = await signUp(ctx, { ip: '10.200.0.1' });
    for (let i = 1; i <= 11; i += 1)
      expect((await login(owner.email, owner.password, `10.200.${i}.1`)).status).toBe(200);
    const networks = await mongoose.connection
      .collection('login_networks')
      .find({ userId: new mongoose.Types.ObjectId(owner.user.id) })
      .toArray();
    expect(networks).toHaveLength(10);
    expect(JSON.stringify(networks)).not.toMatch(/10\.200\./);
    await lockOutStrangers(owner.email, '203.0.116');
    // The sign-up network and the first login's were the oldest: forgotten.
    expectBraked(await login(owner.email, owner.password, '10.200.0.2'));
    expect((await login(owner.email, owner.password, '10.200.11.2')).status).toBe(200);
  });
});
