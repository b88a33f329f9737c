import { describe, expect, it } from 'vitest';
import { Session } from '../../src/modules/auth/session.model.js';
import { useTestApp } from '../helpers/app.js';
import {
  bearer,
  expectError,
  expectUnauthenticated,
  NO_TIGHT_LIMITS,
  refreshCookieOf,
} from '../helpers/auth.js';
import { createUser } from '../helpers/users.js';

const ctx = useTestApp(NO_TIGHT_LIMITS);
const refresh = (token: string) =>
  ctx.request().post('/api/auth/refresh').set('Cookie', `refresh_token=${token}`);

describe('a password change and the session it was made from', () => {
  it('when the owner changes the password, then this session goes on with a new refresh cookie, and a copy of the old one (taken before the change) no longer refreshes', async () => {
    const owner = await createUser({ label: 'renewed' });
    const stolen = owner.refreshToken; // copied from the browser before the change
    const change = await ctx
      .request()
      .post('/api/auth/password')
      .set(bearer(owner.accessToken))
      .set('Cookie', `refresh_token=${owner.refreshToken}`)
      .send({ currentPassword: owner.password, newPassword: 'a brand new password 123' });
    expect(change.status).toBe(204);
    const renewed = refreshCookieOf(change);
    expect(renewed).toBeDefined();
    expect(renewed).not.toBe(stolen);
    const session = await Session.findById(owner.sessionId).lean();
    expect(session?.revokedAt).toBeNull();
    // The session goes on: its access token works, and its new cookie refreshes.
    expect((await ctx.request().get('/api/auth/me').set(owner.auth)).status).toBe(200);
    const next = await refresh(renewed!);
    expect(next.status).toBe(200);
    // The copy gets nothing: once the new cookie has refreshed, it is a replay (before that,
    // within the grace, a 409 that keeps the session: below).
    expectUnauthenticated(await refresh(stolen));
  });

  it('when another tab refreshes with the old cookie just after the change (its request crossed the 204), then it is refused without ending the session; later, the old cookie is a replay', async () => {
    const owner = await createUser({ label: 'crossed' });
    const change = await ctx
      .request()
      .post('/api/auth/password')
      .set(bearer(owner.accessToken))
      .send({ currentPassword: owner.password, newPassword: 'a brand new password 123' });
    expect(change.status).toBe(204);
    const crossed = await refresh(owner.refreshToken);
    // Not a 401, which a client takes for the end of its session: the tab refreshes again.
    expectError(crossed, 409, 'REFRESH_COOKIE_REPLACED');
    // Not a replay: the cookie is left alone, and the session goes on.
    expect(crossed.headers['set-cookie']).toBeUndefined();
    expect((await ctx.request().get('/api/auth/me').set(owner.auth)).status).toBe(200);
    expect((await refresh(refreshCookieOf(change)!)).status).toBe(200);
    // Past the grace the old cookie is a replay, which ends the session.
    await Session.updateOne(
      { _id: owner.sessionId },
      { $set: { rotatedAt: new Date(Date.now() - 60_000) } },
    );
    const later = await ctx
      .request()
      .post('/api/auth/password')
      .set(bearer(owner.accessToken))
      .send({
        currentPassword: 'a brand new password 123',
        newPassword: 'yet another password 456',
      });
    expect(later.status).toBe(204);
    await Session.updateOne(
      { _id: owner.sessionId },
      { $set: { rotatedAt: new Date(Date.now() - 60_000) } },
    );
    expectUnauthenticated(await refresh(refreshCookieOf(change)!));
    expect((await Session.findById(owner.sessionId).lean())?.revokedAt).not.toBeNull();
  });
});
