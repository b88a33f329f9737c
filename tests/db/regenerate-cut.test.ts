import { beforeAll, describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { createUser, type TestUser } from '../helpers/users.js';
import { databaseBack, sleep, useProxiedApp } from '../helpers/proxied-app.js';

const ctx = useProxiedApp();
const QUIET = new Set(['hello', 'ismaster', 'isMaster', 'ping', 'buildInfo', 'endSessions']);
const STEPS: string[] = [];
let user: TestUser;

async function setup() {
  user ??= await createUser();
  await databaseBack();
  const chat = await ctx.request().post('/api/chats').set(user.auth).send({ title: 'r' });
  const sent = await ctx
    .request()
    .post(`/api/chats/${chat.body.id}/messages`)
    .set(user.auth)
    .send({ content: 'q', stream: false });
  expect(sent.status).toBe(201);
  return { chatId: chat.body.id as string, answerId: sent.body.messages[1].id as string };
}
const regenerate = (chatId: string, answerId: string, key: string) =>
  ctx
    .request()
    .post(`/api/chats/${chatId}/messages/${answerId}/regenerate`)
    .set(user.auth)
    .set('Idempotency-Key', key)
    .send({ stream: false });

describe('a keyed regenerate one of whose commands loses its answer', () => {
  // The commands a keyed regenerate sends, each cut in turn below.
  beforeAll(async () => {
    const { chatId, answerId } = await setup();
    await sleep(1200);
    ctx.proxy.record(true);
    const res = await regenerate(chatId, answerId, 'rec');
    await sleep(300);
    ctx.proxy.record(false);
    expect(res.status).toBe(201);
    const counts = new Map<string, number>();
    for (const c of ctx.proxy.seen) {
      if (QUIET.has(c.name) || c.collection === 'rate_limits') continue;
      const k = `${c.name} ${String(c.collection)}`;
      const n = counts.get(k) ?? 0;
      counts.set(k, n + 1);
      STEPS.push(`${k}#${n}`);
    }
  }, 60_000);

  it('when any one of its commands loses its answer, then the user is told the truth and a repeat with the key leaves one new, whole answer', async () => {
    const failures: string[] = [];
    for (const step of STEPS) {
      const { chatId, answerId } = await setup();
      const [what, nth] = step.split('#');
      let left = Number(nth);
      let hit = false;
      void ctx.proxy
        .cutReplyTo((c) => {
          if (`${c.name} ${String(c.collection)}` !== what) return false;
          if (left-- > 0) return false;
          return true;
        })
        .then(() => (hit = true));
      const key = `k-${step}`;
      const first = await regenerate(chatId, answerId, key);
      await databaseBack();
      await sleep(800);
      let told = first;
      for (let i = 0; i < 20 && told.status === 503; i += 1) {
        await sleep(500);
        told = await regenerate(chatId, answerId, key);
      }
      const messages = await ctx.db
        .collection('messages')
        .find({ chatId: new ObjectId(chatId) })
        .toArray();
      const answers = messages.filter((m) => m.role === 'assistant');
      const line = `${step}: hit=${hit} first=${first.status}/${first.body.error?.code ?? ''} final=${told.status}/${told.body.error?.code ?? ''} answers=${answers.map((a) => `${a.status}:${a.content}`).join('|')}`;
      const ok =
        hit &&
        told.status === 201 &&
        answers.length === 2 &&
        answers.every((a) => a.status === 'complete' && a.content === 'Hello world!') &&
        told.body.messages?.[1]?.id ===
          String(answers.find((a) => String(a._id) !== answerId)?._id);
      if (!ok) failures.push(line);
    }
    expect(STEPS.length).toBeGreaterThan(5);
    expect(failures).toEqual([]);
  }, 300_000);
});
