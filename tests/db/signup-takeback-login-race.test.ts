import { describe, expect, it } from 'vitest';
import { PASSWORD } from '../helpers/users.js';
import { databaseBack, sleep, useProxiedApp } from '../helpers/proxied-app.js';

const ctx = useProxiedApp();
const insertInto = (collection: string) => (c: { name: string; collection: unknown }) =>
  c.name === 'insert' && c.collection === collection;
const deleteFrom = (collection: string) => (c: { name: string; collection: unknown }) =>
  c.name === 'delete' && c.collection === collection;

describe('a sign-up taken back in the background while its owner logs in', () => {
  it('when the account’s insert lands unanswered and its take-back waits for the database, and the user logs in with it meanwhile, then the account the login answered 200 for is kept', async () => {
    await databaseBack();
    const email = `race-${Date.now()}@example.com`;
    const cut = ctx.proxy.cutReplyTo(insertInto('users'));
    // Every removal of the account the take-back tries meets the outage until the user has
    // logged in (one more is cut after: the next one a second later would go through).
    let loggedIn = false;
    const takeBackTried = ctx.proxy.cutReplyTo(deleteFrom('users'), { before: true });
    void takeBackTried.then(async () => {
      while (!loggedIn) await ctx.proxy.cutReplyTo(deleteFrom('users'), { before: true });
    });
    const first = await ctx
      .request()
      .post('/api/auth/signup')
      .send({ email, password: PASSWORD, name: 'New' });
    await cut;
    expect(first.status).toBe(503);
    await takeBackTried;
    await databaseBack();
    // The user tries the account (a retried sign-up would be 409 EMAIL_TAKEN now): login.
    let login = await ctx.request().post('/api/auth/login').send({ email, password: PASSWORD });
    for (let i = 0; i < 10 && login.status === 503; i += 1) {
      await sleep(100);
      login = await ctx.request().post('/api/auth/login').send({ email, password: PASSWORD });
    }
    loggedIn = true;
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    await sleep(3000); // two more background tries (every second) reach the database
    await databaseBack();
    const me = await ctx
      .request()
      .get('/api/auth/me')
      .set('Authorization', `Bearer ${login.body.accessToken}`);
    expect(
      await ctx.db.collection('users').countDocuments({ email }),
      'the account the login was answered for',
    ).toBe(1);
    expect(me.status, JSON.stringify(me.body)).toBe(200);
  }, 60_000);
});
