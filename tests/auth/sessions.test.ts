import jwt from 'jsonwebtoken';
import { describe, expect, it, vi } from 'vitest';
import { sweepEndedSessions } from '../../src/modules/auth/ended-sessions.js';
import { Session } from '../../src/modules/auth/session.model.js';
import { User } from '../../src/modules/users/user.model.js';
import { useTestApp } from '../helpers/app.js';
import {
  accountsSnapshot,
  bearer,
  expectError,
  expectUnauthenticated,
  NO_TIGHT_LIMITS,
  refreshCookieOf,
} from '../helpers/auth.js';
import { holdCall } from '../helpers/hold-call.js';
import { createUser, openSession } from '../helpers/users.js';

// Three live sessions a user at most, so the cap is reached with a few fixture sessions.
const ctx = useTestApp({ ...NO_TIGHT_LIMITS, MAX_SESSIONS_PER_USER: '3' });

const refresh = (token: string) =>
  ctx.request().post('/api/auth/refresh').set('Cookie', `refresh_token=${token}`);
const me = (token: string) => ctx.request().get('/api/auth/me').set(bearer(token));
const login = (email: string, password: string) =>
  ctx.request().post('/api/auth/login').send({ email, password });
const sessionOf = (accessToken: string) => (jwt.decode(accessToken) as { sid: string }).sid;
/** As if the grace period for the token just rotated away (REFRESH_GRACE_SECONDS) had passed. */
const pastGrace = (accessToken: string) =>
  Session.updateOne(
    { _id: sessionOf(accessToken) },
    { $set: { rotatedAt: new Date(Date.now() - 60_000) } },
  );

describe('refresh', () => {
  it('when the cookie is presented, then a new access token and a rotated cookie; the old refresh token then gets 401', async () => {
    const account = await createUser();
    const first = await refresh(account.refreshToken);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      user: account.user,
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 900,
    });
    const rotated = refreshCookieOf(first)!;
    expect(rotated).toBeDefined();
    expect(rotated).not.toBe(account.refreshToken);
    expect((await me(first.body.accessToken)).status).toBe(200);
    const stored = await Session.findById(sessionOf(account.accessToken)).lean();
    expect(JSON.stringify(stored)).not.toContain(rotated); // only a hash is kept

    await pastGrace(account.accessToken);
    expectUnauthenticated(await refresh(account.refreshToken));
  });

  it('when a rotated refresh token is replayed, then the whole session is revoked: newest refresh and access token fail too', async () => {
    const account = await createUser();
    const first = await refresh(account.refreshToken);
    const newest = refreshCookieOf(first)!;
    const access = first.body.accessToken as string;
    await pastGrace(account.accessToken);

    const replay = await refresh(account.refreshToken);
    expectUnauthenticated(replay);
    expect(String(replay.headers['set-cookie'])).toMatch(/refresh_token=;/); // the cookie is cleared

    expectUnauthenticated(await refresh(newest));
    expectUnauthenticated(await me(access));
    expectUnauthenticated(await me(account.accessToken));
    const session = await Session.findById(sessionOf(account.accessToken)).lean();
    expect(session!.revokedAt).toBeInstanceOf(Date);
  });

  it('when there is no cookie or the cookie is garbage, then 401 and nothing changes', async () => {
    await createUser();
    const before = await accountsSnapshot();
    expectUnauthenticated(await ctx.request().post('/api/auth/refresh'));
    for (const value of ['garbage', 'a.b', '%24ne', 'x'.repeat(5000)])
      expectUnauthenticated(await refresh(value));
    expect(await accountsSnapshot()).toEqual(before);
  });

  it('when a forged refresh cookie names an existing session, then 401 and that session stays open', async () => {
    const victim = await createUser();
    const sid = sessionOf(victim.accessToken);
    const [, ...rest] = victim.refreshToken.split('.');
    // Same session id and the same shape as a real token, but random bytes the server never issued.
    const forged = [sid, ...rest.map((part) => part.split('').reverse().join(''))].join('.');
    expectUnauthenticated(await refresh(forged));
    const logout = await ctx
      .request()
      .post('/api/auth/logout')
      .set('Cookie', `refresh_token=${forged}`);
    expect(logout.status).toBe(204);
    expect((await Session.findById(sid).lean())!.revokedAt).toBeNull();
    expect((await me(victim.accessToken)).status).toBe(200);
    expect((await refresh(victim.refreshToken)).status).toBe(200);
  });

  it('when the session has outlived REFRESH_TOKEN_TTL_DAYS, then its current cookie gets 401, the cookie is cleared and nothing is rotated', async () => {
    const account = await createUser();
    const sid = sessionOf(account.accessToken);
    await Session.updateOne({ _id: sid }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const before = await Session.findById(sid).lean();

    const res = await refresh(account.refreshToken);
    expectUnauthenticated(res);
    expect(String(res.headers['set-cookie'])).toMatch(/refresh_token=;/);
    expect(refreshCookieOf(res)).toBeUndefined();
    const after = await Session.findById(sid).lean();
    expect(after!.refreshTokenHash).toBe(before!.refreshTokenHash);
    expect(after!.rotatedAt ?? null).toBe(before!.rotatedAt ?? null);
  });

  it('when the session has outlived REFRESH_TOKEN_TTL_DAYS, then an access token of it that has not expired yet gets 401', async () => {
    const account = await createUser();
    expect((await me(account.accessToken)).status).toBe(200);
    await Session.updateOne(
      { _id: sessionOf(account.accessToken) },
      { $set: { expiresAt: new Date(Date.now() - 1000) } },
    );
    expectUnauthenticated(await me(account.accessToken));
  });

  it('when the refresh token is sent as a bearer header or in the body instead of the cookie, then 401', async () => {
    const account = await createUser();
    expectUnauthenticated(
      await ctx.request().post('/api/auth/refresh').set(bearer(account.refreshToken)),
    );
    expect([400, 401]).toContain(
      (await ctx.request().post('/api/auth/refresh').send({ refreshToken: account.refreshToken }))
        .status,
    );
    expect((await refresh(account.refreshToken)).status).toBe(200);
  });
});

describe('logout', () => {
  it.each(['post', 'get'] as const)(
    'when %s /logout carries the access token and cookie, then both are revoked at once',
    async (method) => {
      const account = await createUser();
      const res = await ctx
        .request()
        [method]('/api/auth/logout')
        .set(bearer(account.accessToken))
        .set('Cookie', `refresh_token=${account.refreshToken}`);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect(String(res.headers['set-cookie'])).toMatch(/refresh_token=;.*Path=\/api\/auth/);
      expectUnauthenticated(await me(account.accessToken));
      expectUnauthenticated(await refresh(account.refreshToken));
      expect(
        (await Session.findById(sessionOf(account.accessToken)).lean())!.revokedAt,
      ).toBeInstanceOf(Date);
    },
  );

  it('when only the access token is presented, then the refresh token of that session dies too', async () => {
    const account = await createUser();
    expect(
      (await ctx.request().post('/api/auth/logout').set(bearer(account.accessToken))).status,
    ).toBe(204);
    expectUnauthenticated(await refresh(account.refreshToken));
  });

  it('when only the refresh cookie is presented, then the access token of that session dies too', async () => {
    const account = await createUser();
    expect(
      (
        await ctx
          .request()
          .get('/api/auth/logout')
          .set('Cookie', `refresh_token=${account.refreshToken}`)
      ).status,
    ).toBe(204);
    expectUnauthenticated(await me(account.accessToken));
  });

  it('when logout is repeated or carries nothing, then 204 every time and other sessions are untouched', async () => {
    const account = await createUser();
    const other = await login(account.email, account.password);
    const logout = () =>
      ctx
        .request()
        .post('/api/auth/logout')
        .set(bearer(account.accessToken))
        .set('Cookie', `refresh_token=${account.refreshToken}`);
    expect((await logout()).status).toBe(204);
    expect((await logout()).status).toBe(204);
    expect((await ctx.request().post('/api/auth/logout')).status).toBe(204);
    expect((await ctx.request().get('/api/auth/logout')).status).toBe(204);
    expect((await me(other.body.accessToken)).status).toBe(200);
  });
});

describe('sessions per user', () => {
  it('when a login would pass MAX_SESSIONS_PER_USER, then the session used least recently is revoked: its tokens get 401, the others and the new one go on', async () => {
    const account = await createUser(); // session A
    const b = await openSession(account.id);
    const c = await openSession(account.id);
    // A is refreshed after B and C were opened: B is now the one used least recently.
    const refreshedA = await refresh(account.refreshToken);
    expect(refreshedA.status).toBe(200);
    const d = await login(account.email, account.password);
    expect(d.status).toBe(200);

    const live = await Session.find({ userId: account.id, revokedAt: null }).lean();
    expect(live.map((s) => String(s._id)).sort()).toEqual(
      [account.sessionId, c.sessionId, sessionOf(d.body.accessToken)].sort(),
    );
    const ended = await Session.findById(b.sessionId).lean();
    expect(ended?.revokedAt).toBeInstanceOf(Date);
    expectUnauthenticated(await me(b.accessToken));
    expectUnauthenticated(await refresh(b.refreshToken));
    for (const token of [refreshedA.body.accessToken, c.accessToken, d.body.accessToken])
      expect((await me(token)).status).toBe(200);
  });

  it('when the session used least recently is refreshed (on another instance) while a login past the cap ends it, then it stays live: it is in use again', async () => {
    const account = await createUser(); // session A, the least recently used
    const b = await openSession(account.id);
    const c = await openSession(account.id);
    const revoking = holdCall(Session.collection, 'updateMany');
    try {
      const d = login(account.email, account.password).then((res) => res);
      await revoking.reached;
      // Another instance refreshes A meanwhile (a refresh sets updatedAt).
      await Session.updateOne({ _id: account.sessionId }, { $set: { rotatedAt: new Date() } });
      revoking.release();
      expect((await d).status).toBe(200);
    } finally {
      revoking.restore();
    }
    expect((await Session.findById(account.sessionId).lean())?.revokedAt).toBeNull();
    for (const token of [account.accessToken, b.accessToken, c.accessToken])
      expect((await me(token)).status).toBe(200);
  });

  it('when a user logs in over and over, then their live sessions stay at MAX_SESSIONS_PER_USER', async () => {
    const account = await createUser();
    for (let i = 0; i < 5; i += 1)
      expect((await login(account.email, account.password)).status).toBe(200);
    expect(await Session.countDocuments({ userId: account.id, revokedAt: null })).toBe(3);
  });
});

describe('password change', () => {
  it('when the current password is right, then 204; every other session is revoked and the current one kept', async () => {
    const account = await createUser();
    const other = await login(account.email, account.password);
    const otherRefresh = refreshCookieOf(other)!;
    const res = await ctx
      .request()
      .post('/api/auth/password')
      .set(bearer(account.accessToken))
      .send({ currentPassword: account.password, newPassword: 'a brand new password' });
    expect(res.status).toBe(204);

    expectUnauthenticated(await me(other.body.accessToken));
    expectUnauthenticated(await refresh(otherRefresh));
    expect((await me(account.accessToken)).status).toBe(200);
    // The kept session refreshes with the cookie the 204 set (password-change-cookie.test.ts).
    expect((await refresh(refreshCookieOf(res)!)).status).toBe(200);

    expectError(await login(account.email, account.password), 401, 'INVALID_CREDENTIALS');
    expect((await login(account.email, 'a brand new password')).status).toBe(200);
    const sessions = await Session.find({ userId: account.user.id }).lean();
    expect(
      sessions.find((s) => String(s._id) === sessionOf(account.accessToken))!.revokedAt,
    ).toBeNull();
    expect(
      sessions.find((s) => String(s._id) === sessionOf(other.body.accessToken))!.revokedAt,
    ).toBeInstanceOf(Date);
  });

  it('when a login with the old password checked it just before a password change, then the login gets 401 and leaves no session behind', async () => {
    const account = await createUser();
    // The interleaving made certain: the change runs whole between the login's password check and
    // its session's insert (the window two requests at the same moment can fall into).
    const insert = Session.collection.insertOne.bind(Session.collection);
    let changed: number | undefined;
    const spy = vi
      .spyOn(Session.collection, 'insertOne')
      .mockImplementation(async (...args: Parameters<typeof insert>) => {
        if (changed === undefined) {
          const res = await ctx
            .request()
            .post('/api/auth/password')
            .set(bearer(account.accessToken))
            .send({ currentPassword: account.password, newPassword: 'a brand new password' });
          changed = res.status;
        }
        return insert(...args);
      });
    let res;
    try {
      res = await login(account.email, account.password);
    } finally {
      spy.mockRestore();
    }
    expect(changed).toBe(204);
    expectError(res, 401, 'INVALID_CREDENTIALS');
    expect(refreshCookieOf(res)).toBeUndefined();
    // Only the session the password was changed from is left open.
    const open = await Session.find({ userId: account.user.id, revokedAt: null }).lean();
    expect(open.map((s) => String(s._id))).toEqual([sessionOf(account.accessToken)]);
    expect((await login(account.email, 'a brand new password')).status).toBe(200);
  });

  it('when the current password is wrong, then 401 INVALID_CREDENTIALS and nothing changes', async () => {
    const account = await createUser();
    await login(account.email, account.password);
    const before = await accountsSnapshot();
    const res = await ctx
      .request()
      .post('/api/auth/password')
      .set(bearer(account.accessToken))
      .send({ currentPassword: 'not my password', newPassword: 'a brand new password' });
    expectError(res, 401, 'INVALID_CREDENTIALS');
    expect(await accountsSnapshot()).toEqual(before);
  });

  it('when the new password is too short or the body has extra fields, then 400 and nothing changes', async () => {
    const account = await createUser();
    const before = await accountsSnapshot();
    const change = (body: object) =>
      ctx.request().post('/api/auth/password').set(bearer(account.accessToken)).send(body);
    expectError(
      await change({ currentPassword: account.password, newPassword: 'short' }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await change({
        currentPassword: account.password,
        newPassword: 'long enough pw',
        userId: account.user.id,
      }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await change({ currentPassword: { $ne: null }, newPassword: 'long enough pw' }),
      400,
      'VALIDATION_FAILED',
    );
    expect(await accountsSnapshot()).toEqual(before);
  });
});

describe('account deletion', () => {
  it('when the password is wrong, then 401 INVALID_CREDENTIALS and nothing is deleted', async () => {
    const account = await createUser();
    const before = await accountsSnapshot();
    const res = await ctx
      .request()
      .delete('/api/auth/me')
      .set(bearer(account.accessToken))
      .send({ password: 'not my password' });
    expectError(res, 401, 'INVALID_CREDENTIALS');
    expect(await accountsSnapshot()).toEqual(before);
  });

  it('when the password is right, then 204, the user and all sessions are gone and every token fails', async () => {
    const account = await createUser();
    const other = await login(account.email, account.password);
    const bystander = await createUser();
    const res = await ctx
      .request()
      .delete('/api/auth/me')
      .set(bearer(account.accessToken))
      .send({ password: account.password });
    expect(res.status).toBe(204);
    expect(await User.findById(account.user.id).lean()).toBeNull();
    expect(await Session.countDocuments({ userId: account.user.id })).toBe(0);
    expectUnauthenticated(await me(account.accessToken));
    expectUnauthenticated(await me(other.body.accessToken));
    expectUnauthenticated(await refresh(account.refreshToken));
    expectUnauthenticated(await refresh(refreshCookieOf(other)!));
    expectError(await login(account.email, account.password), 401, 'INVALID_CREDENTIALS');
    expect((await me(bystander.accessToken)).status).toBe(200);
  });
});

describe('ended sessions', () => {
  it("when the sweep runs, then every user's expired and long-revoked sessions are removed, and open or recently revoked ones kept", async () => {
    const account = await createUser();
    const other = await createUser();
    const userId = (await User.findOne({ email: account.email }).lean())!._id;
    const otherId = (await User.findOne({ email: other.email }).lean())!._id;
    const day = 86_400_000;
    const now = Date.now();
    const base = { refreshTokenHash: 'x', userAgent: 'test' };
    const [expired, oldRevoked, recentRevoked, othersExpired] = await Session.create([
      { ...base, userId, expiresAt: new Date(now - 1000) },
      { ...base, userId, expiresAt: new Date(now + day), revokedAt: new Date(now - 2 * day) },
      { ...base, userId, expiresAt: new Date(now + day), revokedAt: new Date(now - 1000) },
      { ...base, userId: otherId, expiresAt: new Date(now - 1000) },
    ]);
    // A login no longer clears them: it costs no command, and no scan on FerretDB.
    expect((await login(account.email, account.password)).status).toBe(200);
    expect(await Session.countDocuments({ _id: expired!._id })).toBe(1);

    expect(await sweepEndedSessions()).toBeGreaterThanOrEqual(3);

    const left = new Set((await Session.find({}, { _id: 1 }).lean()).map((s) => String(s._id)));
    expect(left.has(String(expired!._id))).toBe(false);
    expect(left.has(String(oldRevoked!._id))).toBe(false);
    expect(left.has(String(othersExpired!._id))).toBe(false);
    expect(left.has(String(recentRevoked!._id))).toBe(true);
    // The sign-up's session and the login's, both open.
    expect(
      await Session.countDocuments({ userId, revokedAt: null, expiresAt: { $gt: new Date() } }),
    ).toBe(2);
    expect(await Session.countDocuments({ userId: otherId, revokedAt: null })).toBe(1);
    expect((await me(account.accessToken)).status).toBe(200);
  });
});
