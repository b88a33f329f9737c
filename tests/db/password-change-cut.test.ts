import bcrypt from 'bcrypt';
import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, openSession, PASSWORD, type TestUser } from '../helpers/users.js';
import { databaseBack, sleep, useProxiedApp } from '../helpers/proxied-app.js';
import { armCut, recordSteps } from './cut-survey.js';

const ctx = useProxiedApp({ ACCOUNT_WRITES_PER_MINUTE: '1000' });
const NEW = 'a brand new password';
let STEPS: string[] = [];

async function setup() {
  await databaseBack();
  const user = await createUser();
  const other = await openSession(user.id);
  const key = await ctx.request().post('/api/keys').set(user.auth).send({ name: 'k' });
  expect(key.status, JSON.stringify(key.body)).toBe(201);
  return { user, other, key: key.body.key as string };
}
const change = (user: TestUser) =>
  ctx
    .request()
    .post('/api/auth/password')
    .set(user.auth)
    .send({ currentPassword: PASSWORD, newPassword: NEW });

describe('a password change one of whose commands loses its answer', () => {
  beforeAll(async () => {
    const { user } = await setup();
    STEPS = await recordSteps(ctx, async () => expect((await change(user)).status).toBe(204));
  }, 60_000);

  for (const before of [false, true]) {
    it(`when any one of its commands is cut ${before ? 'before it is sent' : 'after it lands'}, then the user is told the truth: a retry with the old password succeeds (or the first said so), the new password is stored, every other session and key is refused`, async () => {
      const failures: string[] = [];
      for (const step of STEPS) {
        const { user, other, key } = await setup();
        const cut = armCut(ctx, step, before);
        const first = await change(user);
        cut.disarm();
        await databaseBack();
        await sleep(800);
        let told = first;
        for (let i = 0; i < 20 && told.status === 503; i += 1) {
          await sleep(500);
          told = await change(user);
        }
        const stored = await ctx.db.collection('users').findOne({ _id: new ObjectId(user.id) });
        const newStored = await bcrypt.compare(NEW, String(stored?.passwordHash));
        const me = await ctx.request().get('/api/auth/me').set(user.auth);
        const otherMe = await ctx
          .request()
          .get('/api/auth/me')
          .set('Authorization', `Bearer ${other.accessToken}`);
        const keyUse = await ctx.request().get('/v1/models').set('Authorization', `Bearer ${key}`);
        const live = await ctx.db
          .collection('sessions')
          .countDocuments({ userId: new ObjectId(user.id), revokedAt: null });
        const line = `${step}: hit=${cut.hit()} first=${first.status}/${first.body?.error?.code ?? ''}/ra=${first.headers['retry-after'] ?? ''} final=${told.status}/${told.body?.error?.code ?? ''} newStored=${newStored} me=${me.status} other=${otherMe.status} key=${keyUse.status} liveSessions=${live}`;
        const ok =
          (first.status === 204 ||
            (first.status === 503 && first.headers['retry-after'] !== undefined)) &&
          told.status === 204 &&
          newStored &&
          me.status === 200 &&
          otherMe.status === 401 &&
          keyUse.status === 401 &&
          live === 1;
        if (!ok) failures.push(line);
      }
      expect(STEPS.length).toBeGreaterThan(3);
      expect(failures).toEqual([]);
    }, 400_000);
  }
});
