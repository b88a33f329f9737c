import { expect, it } from 'vitest';
import { reloadConfig } from '../../src/lib/config.js';
import { useTestApp } from '../helpers/app.js';
import { expectError, rateLimitHits, signUp } from '../helpers/auth.js';
import { eventually } from '../helpers/eventually.js';
import { useWholeAuthWindows } from '../helpers/rate-windows.js';

/**
 * README: API_KEY_HASH_SECRET "set it to rotate JWT_SECRET without voiding keys". An operator who
 * rotates that way (the old JWT_SECRET kept as API_KEY_HASH_SECRET) must not lose the other
 * things the server keyed with its secret: the networks each owner logged in from, which keep
 * strangers from locking the owner out (README, Security).
 */
const OLD = 'old-jwt-secret-that-is-long-enough-for-hs256-0123456789';
const NEW = 'new-jwt-secret-that-is-long-enough-for-hs256-9876543210';
const settings = {
  TRUST_PROXY: '1',
  LOGIN_LIMIT_PER_ACCOUNT: '3',
  LOGIN_LIMIT_PER_IP: '1000',
  SIGNUP_LIMIT_PER_IP: '1000',
};
const ctx = useTestApp({ ...settings, JWT_SECRET: OLD });
useWholeAuthWindows();

const login = (email: string, password: string, ip: string) =>
  ctx.request().post('/api/auth/login').set('X-Forwarded-For', ip).send({ email, password });

it('when JWT_SECRET is rotated as the README says, then an owner locked out by strangers still logs in from their known network', async () => {
  const owner = await signUp(ctx, { ip: '192.0.2.10' });
  // The rotation: a new JWT_SECRET, the old one kept as API_KEY_HASH_SECRET.
  reloadConfig({ ...process.env, ...settings, JWT_SECRET: NEW, API_KEY_HASH_SECRET: OLD });
  await eventually(
    () => rateLimitHits('login-account'),
    (hits) => hits[`login-account:${owner.email}`] === undefined,
  );
  for (let i = 1; i <= 3; i += 1)
    expectError(
      await login(owner.email, 'wrong password', `203.0.113.${i}`),
      401,
      'INVALID_CREDENTIALS',
    );
  // The owner at home, where they signed up before the rotation.
  expect((await login(owner.email, owner.password, '192.0.2.10')).status).toBe(200);
});
