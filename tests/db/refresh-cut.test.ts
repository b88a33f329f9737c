import { ObjectId } from 'mongodb';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { refreshCookieOf, signUp } from '../helpers/auth.js';
import { databaseBack, sleep, useProxiedApp } from '../helpers/proxied-app.js';

// The grace scaled down: a cookie kept past it is a replay, which revokes the session.
const ctx = useProxiedApp({ REFRESH_GRACE_SECONDS: '2' });

const refreshWith = (cookie: string) =>
  ctx.request().post('/api/auth/refresh').set('Cookie', `refresh_token=${cookie}`);

describe('a refresh whose rotation lands but whose answer the database connection loses', () => {
  it('when the database is back within the grace, then the refresh answers with the new cookie, the session goes on and the cookie kept from before is not needed', async () => {
    const account = await signUp(ctx);
    const sid = (jwt.decode(account.accessToken) as { sid: string }).sid;
    const cut = ctx.proxy.cutReplyTo((c) => c.name === 'update' && c.collection === 'sessions');
    const first = refreshWith(account.refreshToken).then((res) => res);
    await cut;
    // Away for a second after applying the rotation, within the 2 s grace.
    await ctx.proxy.down();
    await sleep(1000);
    await ctx.proxy.up();
    const answered = await first;
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    const next = refreshCookieOf(answered);
    expect(next).toBeTruthy();
    const stored = await ctx.db.collection('sessions').findOne({ _id: new ObjectId(sid) });
    expect(stored?.revokedAt ?? null).toBeNull();

    // Past the grace, the client goes on with the cookie it was given: the session is still open.
    await databaseBack();
    await sleep(2500);
    const later = await refreshWith(next!);
    expect(later.status, JSON.stringify(later.body)).toBe(200);
  }, 60_000);

  it('when the rotation never reached the database and it is away longer than the grace, then the refresh is a 503 without a cookie, and the cookie kept still refreshes once it is back', async () => {
    const account = await signUp(ctx);
    const cut = ctx.proxy.cutReplyTo((c) => c.name === 'update' && c.collection === 'sessions', {
      before: true,
    });
    const first = refreshWith(account.refreshToken).then((res) => res);
    await cut;
    await ctx.proxy.down();
    const answered = await first;
    expect(answered.status, JSON.stringify(answered.body)).toBe(503);
    expect(answered.headers['set-cookie']).toBeUndefined();
    await sleep(2500);
    await ctx.proxy.up();
    await databaseBack();
    const again = await refreshWith(account.refreshToken);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(refreshCookieOf(again)).toBeTruthy();
  }, 60_000);
});
