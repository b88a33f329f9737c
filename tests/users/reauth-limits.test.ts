import { describe, expect, it } from 'vitest';
import type { Response } from 'supertest';
import { User } from '../../src/modules/users/user.model.js';
import { useTestApp } from '../helpers/app.js';
import { bearer, expectError, signUp } from '../helpers/auth.js';
import { useWholeAuthWindows } from '../helpers/rate-windows.js';

const ctx = useTestApp({
  TRUST_PROXY: '1',
  LOGIN_LIMIT_PER_ACCOUNT: '3',
  LOGIN_LIMIT_PER_IP: '1000',
  SIGNUP_LIMIT_PER_IP: '1000',
});

function expectBraked(res: Response) {
  expectError(res, 429, 'RATE_LIMITED');
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
}

const changePassword = (token: string, currentPassword: string, ip: string) =>
  ctx
    .request()
    .post('/api/auth/password')
    .set(bearer(token))
    .set('X-Forwarded-For', ip)
    .send({ currentPassword, newPassword: 'a brand new password' });
const deleteMe = (token: string, password: string, ip: string) =>
  ctx
    .request()
    .delete('/api/auth/me')
    .set(bearer(token))
    .set('X-Forwarded-For', ip)
    .send({ password });
const hashOf = async (email: string) => (await User.findOne({ email }).lean())?.passwordHash;

useWholeAuthWindows();

describe('re-authentication is a password check', () => {
  it('when currentPassword is wrong more often than the per-account limit, then 429 with Retry-After, even with the right one, and the password is unchanged', async () => {
    const owner = await signUp(ctx, { ip: '192.0.2.10' });
    const before = await hashOf(owner.email);
    for (let i = 0; i < 3; i += 1)
      expectError(
        await changePassword(owner.accessToken, `guess ${i}`, '192.0.2.10'),
        401,
        'INVALID_CREDENTIALS',
      );
    expectBraked(await changePassword(owner.accessToken, 'guess 4', '192.0.2.10'));
    expectBraked(await changePassword(owner.accessToken, owner.password, '192.0.2.10'));
    expect(await hashOf(owner.email)).toBe(before);
  });

  it('when the password for deleting the account is wrong more often than the limit, then 429 and the account stays', async () => {
    const owner = await signUp(ctx, { ip: '192.0.2.20' });
    for (let i = 0; i < 3; i += 1)
      expectError(
        await deleteMe(owner.accessToken, `guess ${i}`, '192.0.2.20'),
        401,
        'INVALID_CREDENTIALS',
      );
    expectBraked(await deleteMe(owner.accessToken, owner.password, '192.0.2.20'));
    expect(await User.countDocuments({ email: owner.email })).toBe(1);
  });

  it('when failed logins and failed re-authentications mix, then they use up one budget', async () => {
    const owner = await signUp(ctx, { ip: '192.0.2.30' });
    const login = (password: string) =>
      ctx
        .request()
        .post('/api/auth/login')
        .set('X-Forwarded-For', '198.51.100.1')
        .send({ email: owner.email, password });
    expectError(await login('wrong 1'), 401, 'INVALID_CREDENTIALS');
    expectError(await login('wrong 2'), 401, 'INVALID_CREDENTIALS');
    // A stolen token used from a network the owner never logged in from: the strangers' budget.
    expectError(
      await changePassword(owner.accessToken, 'wrong 3', '198.51.100.2'),
      401,
      'INVALID_CREDENTIALS',
    );
    expectBraked(await deleteMe(owner.accessToken, 'wrong 4', '198.51.100.3'));
    expectBraked(await login(owner.password));
    // The owner, on the network they signed up from, still gets in.
    expect((await changePassword(owner.accessToken, owner.password, '192.0.2.31')).status).toBe(
      204,
    );
  });
});
