import { describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { createUser, type TestUser } from '../helpers/users.js';
import { databaseBack, sleep, useProxiedApp } from '../helpers/proxied-app.js';

const ctx = useProxiedApp({ GENERATION_LEASE_SECONDS: '6' });

/** The commands a JSON send with a key makes, as name/collection, in order. */
const STEPS = [
  'insert idempotency_keys',
  'find chats',
  'find users',
  'insert generations',
  'insert rate_limits',
  'find messages',
  'insert messages',
  'findAndModify chats',
  'update idempotency_keys#0',
  'update messages',
  'delete generations',
  'update chats',
  'update idempotency_keys#1',
];

async function state(chatId: string, content: string) {
  const messages = await ctx.db
    .collection('messages')
    .find({ chatId: new ObjectId(chatId) })
    .toArray();
  const questions = messages.filter((m) => m.role === 'user' && m.content === content);
  const answers = messages.filter(
    (m) => m.role === 'assistant' && questions.some((q) => q._id.equals(m.parentId)),
  );
  const chat = await ctx.db.collection('chats').findOne({ _id: new ObjectId(chatId) });
  return { messages, questions, answers, chat };
}

async function settled(chatId: string, content: string) {
  // Replies left streaming are finished once their lease lapses (6 s here) and a sweep runs.
  const giveUp = Date.now() + 20_000;
  let s = await state(chatId, content);
  while (s.answers.some((a) => a.status === 'streaming') && Date.now() < giveUp) {
    await sleep(250);
    s = await state(chatId, content);
  }
  return s;
}

function cutAt(step: string) {
  const [what, nth] = step.split('#');
  let left = Number(nth ?? 0);
  return ctx.proxy.cutReplyTo((c) => {
    if (`${c.name} ${String(c.collection)}` !== what) return false;
    if (left > 0) {
      left -= 1;
      return false;
    }
    return true;
  });
}

describe.each([true, false])(
  'a JSON send (with an Idempotency-Key: %s) whose command loses its answer',
  (keyed) => {
    let user: TestUser;
    it.each(STEPS)(
      'at %s: the user is told the truth, and a retry leaves exactly one exchange',
      async (step) => {
        // Without a key there are no idempotency records to cut.
        if (!keyed && step.includes('idempotency')) return;
        user ??= await createUser();
        await databaseBack();
        const chat = await ctx.request().post('/api/chats').set(user.auth).send({ title: step });
        expect(chat.status).toBe(201);
        const content = `q ${step} ${keyed}`;
        const key = `key-${step}-${keyed}`;
        const send = () => {
          const r = ctx.request().post(`/api/chats/${chat.body.id}/messages`).set(user.auth);
          if (keyed) r.set('Idempotency-Key', key);
          return r.send({ content, stream: false });
        };
        let hit = false;
        void cutAt(step).then(() => (hit = true));
        const first = await send();
        const notes: string[] = [
          `first ${first.status} ${first.body?.error?.code ?? ''} retry-after=${first.headers['retry-after']}`,
        ];
        if (first.status !== 201) {
          expect(first.headers['content-type']).toMatch(/^application\/json/);
          expect(first.body.error.code).toBeTruthy();
        }
        await databaseBack();
        await sleep(1200);
        let second;
        if (first.status !== 201) {
          second = await send();
          const until = Date.now() + 15_000;
          while (second.status === 503 && Date.now() < until) {
            await sleep(500);
            await databaseBack();
            second = await send();
          }
          notes.push(`retry ${second.status} ${second.body?.error?.code ?? ''}`);
        }
        const s = await settled(chat.body.id, content);
        notes.push(
          `hit=${hit} questions=${s.questions.length} answers=${s.answers.map((a) => `${a.status}:${a.content}`).join('|')} leaf=${s.chat?.context?.leafId} lastMessageAt=${s.chat?.lastMessageAt?.toISOString?.()}`,
        );
        console.log(step, keyed, notes.join(' ; '));
        expect(hit, 'the fault was injected').toBe(true);
        expect(s.questions.length, notes.join(' ; ')).toBe(1);
        expect(s.answers.length, notes.join(' ; ')).toBe(1);
        expect(s.answers[0]!.status, notes.join(' ; ')).toBe('complete');
        const told = first.status === 201 ? first : second;
        expect(told.status).toBe(201);
        // What the user was told is what is stored.
        expect(told.body.messages[1].id).toBe(String(s.answers[0]!._id));
        expect(s.answers[0]!.content).toBe('Hello world!');
      },
      60_000,
    );
  },
);
