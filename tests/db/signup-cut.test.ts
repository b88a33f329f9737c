import { describe, expect, it } from 'vitest';
import { PASSWORD } from '../helpers/users.js';
import { databaseBack, sleep, useProxiedApp } from '../helpers/proxied-app.js';

const ctx = useProxiedApp();
const insertInto = (collection: string) => (c: { name: string; collection: unknown }) =>
  c.name === 'insert' && c.collection === collection;

const signUp = (email: string) =>
  ctx.request().post('/api/auth/signup').send({ email, password: PASSWORD, name: 'New' });

/** Until the account's take-back (tried again in the background while the database is away) ran. */
async function accountsOf(email: string, expected: number) {
  const read = () => ctx.db.collection('users').countDocuments({ email });
  for (let i = 0; i < 40 && (await read()) !== expected; i += 1) await sleep(100);
  return read();
}

describe('a sign-up whose writes land but lose their answer', () => {
  for (const [what, collection] of [
    ['its account’s insert', 'users'],
    ['its first session’s insert', 'sessions'],
  ] as const) {
    it(`when ${what} lands unanswered, then the sign-up is a 503, the account is taken back, and the retry signs up (201), not 409 EMAIL_TAKEN`, async () => {
      await databaseBack();
      const email = `cut-${collection}-${Date.now()}@example.com`;
      const cut = ctx.proxy.cutReplyTo(insertInto(collection));
      const first = await signUp(email);
      await cut;
      expect({ status: first.status, code: first.body.error?.code }).toEqual({
        status: 503,
        code: 'SERVICE_UNAVAILABLE',
      });
      await databaseBack();
      expect(await accountsOf(email, 0), 'the account the client was not told of').toBe(0);
      const again = await signUp(email);
      expect(again.status, JSON.stringify(again.body)).toBe(201);
      const users = await ctx.db.collection('users').find({ email }).toArray();
      expect(users.map((u) => String(u._id))).toEqual([again.body.user.id]);
      const sessions = await ctx.db
        .collection('sessions')
        .find({ userId: users[0]!._id })
        .toArray();
      expect(sessions, 'the retry’s session only').toHaveLength(1);
    }, 60_000);
  }
});
