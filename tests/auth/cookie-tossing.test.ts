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

const ctx = useTestApp(NO_TIGHT_LIMITS);

const sessionOf = (accessToken: string) => (jwt.decode(accessToken) as { sid: string }).sid;
const setCookies = (res: { headers: Record<string, unknown> }) =>
  ([] as string[]).concat((res.headers['set-cookie'] as string[] | undefined) ?? []).join('\n');
const refreshWith = (cookieHeader: string) =>
  ctx.request().post('/api/auth/refresh').set('Cookie', cookieHeader);

describe('several cookies of the refresh cookie name (cookie tossing)', () => {
  it('when a junk cookie of the same name comes before the real one, then the real one refreshes and nothing is cleared', async () => {
    const account = await signUp(ctx);
    const res = await refreshWith(`refresh_token=junk; refresh_token=${account.refreshToken}`);
    expect(res.status).toBe(200);
    expect(refreshCookieOf(res)).toEqual(expect.any(String));
    expect(setCookies(res)).not.toMatch(/refresh_token=;/);
  });

  it('when the junk cookie comes after the real one, then the real one refreshes too', async () => {
    const account = await signUp(ctx);
    const res = await refreshWith(`refresh_token=${account.refreshToken}; refresh_token=junk`);
    expect(res.status).toBe(200);
  });

  it('when every cookie of that name fails to parse, then 401 and the cookie is not cleared', async () => {
    const account = await signUp(ctx);
    const res = await refreshWith('refresh_token=junk; refresh_token=more-junk');
    expectUnauthenticated(res);
    expect(setCookies(res)).not.toMatch(/refresh_token=;/);
    // The browser's real cookie was never touched and still works.
    expect((await refreshWith(`refresh_token=${account.refreshToken}`)).status).toBe(200);
  });

  it('when logout carries a junk cookie before the real one, then the real session is revoked', async () => {
    const account = await signUp(ctx);
    const res = await ctx
      .request()
      .post('/api/auth/logout')
      .set('Cookie', `refresh_token=junk; refresh_token=${account.refreshToken}`);
    expect(res.status).toBe(204);
    const session = await Session.findById(sessionOf(account.accessToken)).lean();
    expect(session!.revokedAt).toBeInstanceOf(Date);
    expectUnauthenticated(await ctx.request().get('/api/auth/me').set(bearer(account.accessToken)));
  });
});
