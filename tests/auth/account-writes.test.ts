import { beforeEach, describe, expect, it } from 'vitest';
import { Session } from '../../src/modules/auth/session.model.js';
import { User } from '../../src/modules/users/user.model.js';
import { useTestApp } from '../helpers/app.js';
import { expectError, NO_TIGHT_LIMITS, refreshCookieOf } from '../helpers/auth.js';
import { insideOneWindow } from '../helpers/rate-windows.js';
import { createUser } from '../helpers/users.js';

/**
 * SECURITY 33: writes are bounded per user with clear 429s. The account's own writes that no
 * password check brakes (a rename, a refresh, an API key made or deleted) share
 * ACCOUNT_WRITES_PER_MINUTE.
 */
const LIMIT = 3;
const ctx = useTestApp({ ...NO_TIGHT_LIMITS, ACCOUNT_WRITES_PER_MINUTE: String(LIMIT) });
beforeEach(() => insideOneWindow(60));

describe('account writes per user', () => {
  it('when an account renames itself past ACCOUNT_WRITES_PER_MINUTE, then 429 RATE_LIMITED with Retry-After, and the name is the last one taken', async () => {
    const user = await createUser({ label: 'renames' });
    for (let i = 0; i < LIMIT; i += 1) {
      const res = await ctx
        .request()
        .patch('/api/auth/me')
        .set(user.auth)
        .send({ name: `n${i}` });
      expect(res.status).toBe(200);
    }
    const refused = await ctx.request().patch('/api/auth/me').set(user.auth).send({ name: 'late' });
    expectError(refused, 429, 'RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await User.findById(user.id).lean())?.name).toBe(`n${LIMIT - 1}`);
    // Another account is not braked by it.
    const other = await createUser({ label: 'renames-other' });
    expect(
      (await ctx.request().patch('/api/auth/me').set(other.auth).send({ name: 'free' })).status,
    ).toBe(200);
  });

  it('when a session refreshes past the limit, then 429 with the session and its cookie as they were: no rotation, no cookie cleared, the access token still works', async () => {
    const user = await createUser({ label: 'refreshes' });
    let token = user.refreshToken;
    for (let i = 0; i < LIMIT; i += 1) {
      const res = await ctx
        .request()
        .post('/api/auth/refresh')
        .set('Cookie', `refresh_token=${token}`);
      expect(res.status).toBe(200);
      token = refreshCookieOf(res)!;
    }
    const before = await Session.findById(user.sessionId).lean();
    const refused = await ctx
      .request()
      .post('/api/auth/refresh')
      .set('Cookie', `refresh_token=${token}`);
    expectError(refused, 429, 'RATE_LIMITED');
    expect(refused.headers['set-cookie']).toBeUndefined();
    const after = await Session.findById(user.sessionId).lean();
    expect(after?.refreshTokenHash).toBe(before?.refreshTokenHash);
    expect(after?.revokedAt).toBeNull();
    expect((await ctx.request().get('/api/auth/me').set(user.auth)).status).toBe(200);
  });

  it('when keys are made and deleted past the limit, then the next one is 429 and nothing is written', async () => {
    const user = await createUser({ label: 'keys' });
    const made = await ctx.request().post('/api/keys').set(user.auth).send({ name: 'a' });
    expect(made.status).toBe(201);
    expect((await ctx.request().delete(`/api/keys/${made.body.id}`).set(user.auth)).status).toBe(
      204,
    );
    expect((await ctx.request().post('/api/keys').set(user.auth).send({ name: 'b' })).status).toBe(
      201,
    );
    expectError(
      await ctx.request().post('/api/keys').set(user.auth).send({ name: 'c' }),
      429,
      'RATE_LIMITED',
    );
    const listed = await ctx.request().get('/api/keys').set(user.auth);
    expect(listed.body.map((k: { name: string }) => k.name)).toEqual(['b']);
    expectError(
      await ctx.request().delete(`/api/keys/${listed.body[0].id}`).set(user.auth),
      429,
      'RATE_LIMITED',
    );
    expect(
      (await ctx.request().get('/api/keys').set(user.auth)).body.map((k: { id: string }) => k.id),
    ).toEqual([listed.body[0].id]);
  });
});
