import { describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { createUser, type TestUser } from '../helpers/users.js';
import { databaseBack, sleep, useProxiedApp } from '../helpers/proxied-app.js';

const ctx = useProxiedApp();

// The steps after the messages are removed: the chat itself, and the records that hold its text.
const STEPS = ['delete chats', 'delete idempotency_keys'];

function cutAt(step: string, before: boolean) {
  const [what, nth] = step.split('#');
  let left = Number(nth ?? 0);
  let hit = false;
  const p = ctx.proxy.cutReplyTo(
    (c) => {
      if (`${c.name} ${String(c.collection)}` !== what) return false;
      if (left > 0) {
        left -= 1;
        return false;
      }
      return true;
    },
    { before },
  );
  void p.then(() => (hit = true));
  return () => hit;
}

describe.each([false, true])(
  'a chat deletion one of whose commands is cut (before it applies: %s), then the database away 3 s',
  (before) => {
    let user: TestUser;
    it.each(STEPS)(
      'when %s is cut, then once the deletion answers 204 (or its retry 404) nothing of the chat is left',
      async (step) => {
        user ??= await createUser();
        await databaseBack();
        const chat = await ctx.request().post('/api/chats').set(user.auth).send({ title: step });
        const sent = await ctx
          .request()
          .post(`/api/chats/${chat.body.id}/messages`)
          .set(user.auth)
          .set('Idempotency-Key', `k-${step}-${before}`)
          .send({ content: 'to delete', stream: false });
        expect(sent.status).toBe(201);
        const hit = cutAt(step, before);
        const first = await ctx.request().delete(`/api/chats/${chat.body.id}`).set(user.auth);
        const notes = [`first ${first.status} ${first.body?.error?.code ?? ''}`];
        if (first.status !== 204)
          expect(first.headers['content-type']).toMatch(/^application\/json/);
        await ctx.proxy.down();
        await sleep(3000);
        await ctx.proxy.up();
        await databaseBack();
        let last = first;
        for (let i = 0; i < 10 && last.status !== 204 && last.status !== 404; i += 1) {
          await sleep(500);
          last = await ctx.request().delete(`/api/chats/${chat.body.id}`).set(user.auth);
          notes.push(`retry ${last.status}`);
        }
        await sleep(2000);
        const id = new ObjectId(chat.body.id);
        const left = {
          chat: await ctx.db.collection('chats').countDocuments({ _id: id }),
          messages: await ctx.db.collection('messages').countDocuments({ chatId: id }),
          keys: await ctx.db.collection('idempotency_keys').countDocuments({ chatId: id }),
          slots: await ctx.db.collection('chat_slots').countDocuments({ chatId: id }),
        };
        const list = await ctx.request().get('/api/chats').set(user.auth);
        const listed = (list.body as { id: string }[]).some((c) => c.id === chat.body.id);
        const get = await ctx.request().get(`/api/chats/${chat.body.id}`).set(user.auth);
        notes.push(`hit=${hit()} left=${JSON.stringify(left)} listed=${listed} get=${get.status}`);
        expect(hit(), 'the fault was injected').toBe(true);
        expect([204, 404]).toContain(last.status);
        expect({ left, listed, get: get.status }, notes.join(' ; ')).toEqual({
          left: { chat: 0, messages: 0, keys: 0, slots: 0 },
          listed: false,
          get: 404,
        });
      },
      60_000,
    );
  },
);
