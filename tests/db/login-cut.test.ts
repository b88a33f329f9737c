import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { createUser, PASSWORD } from '../helpers/users.js';
import { databaseBack, sleep, useProxiedApp } from '../helpers/proxied-app.js';

const ctx = useProxiedApp();

describe('a login whose session insert lands but loses its answer', () => {
  it('when it is cut so, then the login is a 503 and leaves no session behind: after the retry the user holds the sessions they were given', async () => {
    await databaseBack();
    const user = await createUser(); // one session of its own
    const sessionsOf = () =>
      ctx.db
        .collection('sessions')
        .find({ userId: new ObjectId(user.id) })
        .toArray();
    const login = () =>
      ctx.request().post('/api/auth/login').send({ email: user.email, password: PASSWORD });
    const cut = ctx.proxy.cutReplyTo((c) => c.name === 'insert' && c.collection === 'sessions');
    const first = await login();
    await cut;
    expect({ status: first.status, code: first.body.error?.code }).toEqual({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
    });
    await databaseBack();
    // Taken back at once, or in the background while the database does not answer yet.
    for (let i = 0; i < 40 && (await sessionsOf()).length !== 1; i += 1) await sleep(100);
    expect((await sessionsOf()).map((s) => String(s._id))).toEqual([user.sessionId]);
    const again = await login();
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(await sessionsOf(), 'the fixture’s and the retry’s').toHaveLength(2);
  }, 60_000);
});
