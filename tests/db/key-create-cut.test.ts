import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../helpers/users.js';
import { databaseBack, sleep, useProxiedApp } from '../helpers/proxied-app.js';
import { armCut, recordSteps } from './cut-survey.js';

const ctx = useProxiedApp({ ACCOUNT_WRITES_PER_MINUTE: '1000' });
let STEPS: string[] = [];

const create = (user: TestUser) =>
  ctx.request().post('/api/keys').set(user.auth).send({ name: 'mine' });

describe('an API key creation one of whose commands loses its answer', () => {
  beforeAll(async () => {
    const user = await createUser();
    STEPS = await recordSteps(ctx, async () => expect((await create(user)).status).toBe(201));
    console.log(STEPS);
  }, 60_000);

  for (const before of [false, true]) {
    it(`when any one of its commands is cut ${before ? 'before it is sent' : 'after it lands'}, then after a retry the user holds exactly the keys they were shown`, async () => {
      const failures: string[] = [];
      for (const step of STEPS) {
        await databaseBack();
        const user = await createUser();
        const cut = armCut(ctx, step, before);
        const first = await create(user);
        cut.disarm();
        await databaseBack();
        await sleep(800);
        let told = first;
        for (let i = 0; i < 20 && told.status === 503; i += 1) {
          await sleep(500);
          told = await create(user);
        }
        await sleep(300);
        const stored = await ctx.db
          .collection('api_keys')
          .find({ userId: new ObjectId(user.id) })
          .toArray();
        const list = await ctx.request().get('/api/keys').set(user.auth);
        const line = `${step}: hit=${cut.hit()} first=${first.status}/${first.body?.error?.code ?? ''}/ra=${first.headers['retry-after'] ?? ''} final=${told.status} stored=${stored.length} listed=${list.body?.length}`;
        const ok =
          (first.status === 201 ||
            (first.status === 503 && first.headers['retry-after'] !== undefined)) &&
          told.status === 201 &&
          stored.length === 1 &&
          String(stored[0]?._id) === told.body.id;
        if (!ok) failures.push(line);
        else console.log('ok', line);
      }
      expect(STEPS.length).toBeGreaterThan(1);
      expect(failures).toEqual([]);
    }, 300_000);
  }
});
