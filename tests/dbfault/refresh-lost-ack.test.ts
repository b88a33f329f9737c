import { describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import jwt from 'jsonwebtoken';
import { refreshCookieOf, signUp } from '../helpers/auth.js';
import { databaseBack, sleep, useProxiedApp } from '../helpers/proxied-app.js';

const ctx = useProxiedApp({ REFRESH_GRACE_SECONDS: '2' });

describe('a refresh whose rotation is applied but whose answer is lost (connection cut mid-reply)', () => {
  it('when the client retries with the cookie it kept after an outage longer than the grace, then the session is not revoked', async () => {
    const account = await signUp(ctx);
    const sid = (jwt.decode(account.accessToken) as { sid: string }).sid;
    const cut = ctx.proxy.cutReplyTo((c) => c.name === 'update' && c.collection === 'sessions');
    const first = await ctx
      .request()
      .post('/api/auth/refresh')
      .set('Cookie', `refresh_token=${account.refreshToken}`);
    await cut;
    console.log(
      'first refresh',
      first.status,
      JSON.stringify(first.body),
      first.headers['retry-after'],
    );
    expect(first.status).toBe(503);
    expect(first.headers['set-cookie']).toBeUndefined();
    const stored = await ctx.db.collection('sessions').findOne({ _id: new ObjectId(sid) });
    console.log('session after', stored?.rotatedAt, stored?.revokedAt);
    // The database is away a little longer than the grace (the client retries when it is back).
    await ctx.proxy.down();
    await sleep(2500);
    await ctx.proxy.up();
    await databaseBack();
    const again = await ctx
      .request()
      .post('/api/auth/refresh')
      .set('Cookie', `refresh_token=${account.refreshToken}`);
    console.log('retry', again.status, JSON.stringify(again.body));
    const after = await ctx.db.collection('sessions').findOne({ _id: new ObjectId(sid) });
    expect(after?.revokedAt ?? null, 'the session was revoked as a replay').toBeNull();
    expect(again.status).toBe(200);
    expect(refreshCookieOf(again)).toBeTruthy();
  }, 60_000);
});
