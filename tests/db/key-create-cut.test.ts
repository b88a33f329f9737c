import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { createUser } from '../helpers/users.js';
import { databaseBack, sleep, useProxiedApp } from '../helpers/proxied-app.js';

const ctx = useProxiedApp({ ACCOUNT_WRITES_PER_MINUTE: '1000', API_KEYS_PER_USER: '2' });

describe('an API key creation whose insert lands but loses its answer', () => {
  it('when it is cut so, then the creation is a 503 and leaves no key behind: the user holds the keys they were shown, within their cap', async () => {
    await databaseBack();
    const user = await createUser();
    const keysOf = () =>
      ctx.db
        .collection('api_keys')
        .find({ userId: new ObjectId(user.id) })
        .toArray();
    const create = (name: string) => ctx.request().post('/api/keys').set(user.auth).send({ name });
    const cut = ctx.proxy.cutReplyTo((c) => c.name === 'insert' && c.collection === 'api_keys');
    const first = await create('lost');
    await cut;
    expect({ status: first.status, code: first.body.error?.code }).toEqual({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
    });
    await databaseBack();
    // Taken back at once, or in the background while the database does not answer yet.
    for (let i = 0; i < 40 && (await keysOf()).length > 0; i += 1) await sleep(100);
    expect(await keysOf(), 'a key nobody was shown').toEqual([]);
    const shown = [await create('one'), await create('two')];
    expect(shown.map((r) => r.status)).toEqual([201, 201]);
    expect((await keysOf()).map((k) => String(k._id)).sort()).toEqual(
      shown.map((r) => r.body.id as string).sort(),
    );
  }, 60_000);
});
