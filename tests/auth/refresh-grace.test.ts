import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/modules/auth/session.model.js';
import { useTestApp } from '../helpers/app.js';
import {
  bearer,
  expectUnauthenticated,
  NO_TIGHT_LIMITS,
  refreshCookieOf,
  signUp,
} from '../helpers/auth.js';

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
