import jwt from 'jsonwebtoken';
import { MongoNetworkError } from 'mongodb';
import { describe, expect, it, vi } from 'vitest';
import { isDatabaseConnected } from '../../src/lib/db/connection.js';
import { Session } from '../../src/modules/auth/session.model.js';
import { User } from '../../src/modules/users/user.model.js';
import { useTestApp } from '../helpers/app.js';
import {
  bearer,
  expectError,
  expectUnauthenticated,
  NO_TIGHT_LIMITS,
  refreshCookieOf,
  signUp,
} from '../helpers/auth.js';
import { eventually } from '../helpers/eventually.js';
import { holdCall } from '../helpers/hold-call.js';

const ctx = useTestApp({ ...NO_TIGHT_LIMITS, REFRESH_GRACE_SECONDS: '10' });

const refresh = (token: string) =>
  ctx.request().post('/api/auth/refresh').set('Cookie', `refresh_token=${token}`);
const me = (token: string) => ctx.request().get('/api/auth/me').set(bearer(token));
const sessionOf = (accessToken: string) => (jwt.decode(accessToken) as { sid: string }).sid;
const setCookies = (res: { headers: Record<string, unknown> }) =>
  ([] as string[]).concat((res.headers['set-cookie'] as string[] | undefined) ?? []);

/** Moves the last rotation of a session back in time, as if `seconds` had passed since. */
const ageRotation = (sessionId: string, seconds: number) =>
  Session.collection.updateOne(
    { _id: new Session.base.Types.ObjectId(sessionId) },
    { $set: { rotatedAt: new Date(Date.now() - seconds * 1000) } },
  );

/** A failed command marks the database unreachable until the next heartbeat (every 500 ms). */
const databaseBack = async () => {
  const connected = () => Promise.resolve(isDatabaseConnected());
  expect(await eventually(connected, (up) => up)).toBe(true);
};

describe('two tabs refreshing with the same cookie', () => {
  it('when the second tab refreshes just after the first rotated, then both get 200 and end up with the same working cookie', async () => {
    const account = await signUp(ctx);
    const first = await refresh(account.refreshToken);
    expect(first.status).toBe(200);
    const rotated = refreshCookieOf(first)!;

    const second = await refresh(account.refreshToken);
    expect(second.status).toBe(200);
    expect(second.body.accessToken).toEqual(expect.any(String));
    // The late tab is handed the token the first tab got, so whichever Set-Cookie lands last is right.
    expect(refreshCookieOf(second)).toBe(rotated);
    expect(setCookies(second).join()).not.toMatch(/refresh_token=;/);

    const session = await Session.findById(sessionOf(account.accessToken)).lean();
    expect(session!.revokedAt).toBeNull();
    expect((await me(first.body.accessToken)).status).toBe(200);
    expect((await me(second.body.accessToken)).status).toBe(200);
    expect((await refresh(rotated)).status).toBe(200);
  });

  it('when two refreshes with one cookie race, then both get 200, neither clears the cookie, and the session rotated once', async () => {
    for (let round = 0; round < 3; round += 1) {
      const account = await signUp(ctx);
      const results = await Promise.all([
        refresh(account.refreshToken),
        refresh(account.refreshToken),
      ]);
      expect(results.map((r) => r.status)).toEqual([200, 200]);
      for (const res of results) expect(setCookies(res).join()).not.toMatch(/refresh_token=;/);
      const [a, b] = results.map(refreshCookieOf);
      expect(a).toBeDefined();
      expect(a).toBe(b);
      const session = await Session.findById(sessionOf(account.accessToken)).lean();
      expect(session!.revokedAt).toBeNull();
      expect((await refresh(a!)).status).toBe(200);
    }
  });

  it('when the just-rotated token comes back after the grace period, then it is a replay: the session is revoked and the cookie cleared', async () => {
    const account = await signUp(ctx);
    const first = await refresh(account.refreshToken);
    const rotated = refreshCookieOf(first)!;
    await ageRotation(sessionOf(account.accessToken), 11);

    const replay = await refresh(account.refreshToken);
    expectUnauthenticated(replay);
    expect(setCookies(replay).join()).toMatch(/refresh_token=;/);
    expectUnauthenticated(await refresh(rotated));
    expectUnauthenticated(await me(first.body.accessToken));
    const session = await Session.findById(sessionOf(account.accessToken)).lean();
    expect(session!.revokedAt).toBeInstanceOf(Date);
  });

  it('when a token two rotations old comes back within the grace period, then it is still a replay', async () => {
    const account = await signUp(ctx);
    const first = await refresh(account.refreshToken);
    const second = await refresh(refreshCookieOf(first)!);
    expect(second.status).toBe(200);
    expectUnauthenticated(await refresh(account.refreshToken));
    expectUnauthenticated(await refresh(refreshCookieOf(second)!));
  });
});

describe('a refresh while the database blips', () => {
  it('when the database goes away during a refresh, after its first commands, then it is a 503 that rotates nothing, and the cookie the client kept still refreshes once the database is back, however long it was away', async () => {
    const account = await signUp(ctx);
    const sessionId = sessionOf(account.accessToken);
    const before = await Session.findById(sessionId).lean();
    // The session is read and found good; the account's read meets a reset connection.
    const read = User.collection.findOne.bind(User.collection);
    let failed = false;
    const spy = vi
      .spyOn(User.collection, 'findOne')
      .mockImplementation(async (...args: Parameters<typeof read>) => {
        if (!failed) {
          failed = true;
          throw new MongoNetworkError('connection reset by the test');
        }
        return read(...args);
      });
    let first;
    try {
      first = await refresh(account.refreshToken);
    } finally {
      spy.mockRestore();
    }
    await databaseBack();
    expect(failed).toBe(true);
    // Come back later: the client keeps its cookie (nothing set, nothing cleared)…
    expectError(first, 503, 'SERVICE_UNAVAILABLE');
    expect(first.headers['set-cookie']).toBeUndefined();
    // … which is still the session's current token: a rotation the client never heard of would
    // make it a replay once the grace is over.
    const after = await Session.findById(sessionId).lean();
    expect(after!.refreshTokenHash).toBe(before!.refreshTokenHash);
    expect(after!.previousRefreshTokenHash ?? null).toBeNull();

    // The outage outlasts the grace.
    await ageRotation(sessionId, 11);
    const again = await refresh(account.refreshToken);
    expect(again.status).toBe(200);
    const session = await Session.findById(sessionId).lean();
    expect(session!.revokedAt, 'the session was revoked as a replay').toBeNull();
    expect((await me(again.body.accessToken)).status).toBe(200);
  });

  it('when the rotation meets the database connection dropped once, then it is sent again and the refresh answers with the new cookie', async () => {
    const account = await signUp(ctx);
    const spy = vi
      .spyOn(Session.collection, 'updateOne')
      .mockImplementationOnce(() => Promise.reject(new MongoNetworkError('reset by the test')));
    let first;
    try {
      first = await refresh(account.refreshToken);
    } finally {
      spy.mockRestore();
    }
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const next = refreshCookieOf(first);
    expect(next).toBeTruthy();
    // The rotation landed: the new cookie refreshes after the grace.
    await ageRotation(sessionOf(account.accessToken), 11);
    expect((await refresh(next!)).status).toBe(200);
  });
});

describe('a logout in one tab while another tab refreshes with the cookie just rotated', () => {
  it('when the logout ends the session while the grace refresh is under way, then that refresh is a 401 that clears the cookie, not tokens of the ended session', async () => {
    const account = await signUp(ctx);
    const first = await refresh(account.refreshToken);
    expect(first.status).toBe(200);
    // The second tab still sends the cookie the first just rotated (the grace answer); it is
    // held once it has read the session (still open), at its read of the account.
    const reading = holdCall(User.collection, 'findOne');
    try {
      // Started now (a supertest request runs once awaited or then-ed).
      const late = refresh(account.refreshToken).then((res) => res);
      await reading.reached;
      const out = await ctx.request().post('/api/auth/logout').set(bearer(first.body.accessToken));
      expect(out.status).toBe(204);
      reading.release();
      const res = await late;
      expectUnauthenticated(res);
      // The logout cleared the browser's cookie: this answer must not set it again.
      expect(refreshCookieOf(res) ?? '').toBe('');
    } finally {
      reading.restore();
    }
  });
});
