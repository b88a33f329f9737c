import { createHmac } from 'node:crypto';
import { expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { LoginNetwork } from '../../src/modules/users/login-network.model.js';
import { useTestApp } from '../helpers/app.js';
import { expectError, signUp } from '../helpers/auth.js';
import { useWholeAuthWindows } from '../helpers/rate-windows.js';

/**
 * A deployment that already ran with API_KEY_HASH_SECRET != JWT_SECRET (allowed and
 * documented before a9bd26d). Its login_networks ids were keyed with JWT_SECRET; after the
 * upgrade they are looked up keyed with API_KEY_HASH_SECRET, so every owner's known networks are
 * forgotten at once: an owner locked out by strangers is locked out at home too.
 */
const JWT = 'jwt-secret-that-is-long-enough-for-hs256-0123456789abcdef';
const KEYS = 'api-key-hash-secret-long-enough-for-hmac-9876543210fedcba';
const settings = {
  TRUST_PROXY: '1',
  LOGIN_LIMIT_PER_ACCOUNT: '3',
  LOGIN_LIMIT_PER_IP: '1000',
  SIGNUP_LIMIT_PER_IP: '1000',
};
const ctx = useTestApp({ ...settings, JWT_SECRET: JWT, API_KEY_HASH_SECRET: KEYS });
useWholeAuthWindows();

const login = (email: string, password: string, ip: string) =>
  ctx.request().post('/api/auth/login').set('X-Forwarded-For', ip).send({ email, password });

it('when a deployment with two different secrets upgrades, then an owner locked out by strangers still logs in from the network they logged in from before', async () => {
  const owner = await signUp(ctx, { ip: '192.0.2.10' });
  // What the server before the upgrade stored for that login: an id keyed with JWT_SECRET.
  await LoginNetwork.deleteMany({});
  await LoginNetwork.collection.insertOne({
    _id: createHmac('sha256', JWT)
      .update(`login-network|${owner.user.id}|192.0.2.0/24`)
      .digest('base64url'),
    userId: new Types.ObjectId(owner.user.id),
    lastLoginAt: new Date(),
  } as never);
  for (let i = 1; i <= 3; i += 1)
    expectError(
      await login(owner.email, 'wrong password', `203.0.113.${i}`),
      401,
      'INVALID_CREDENTIALS',
    );
  expect((await login(owner.email, owner.password, '192.0.2.10')).status).toBe(200);
});
