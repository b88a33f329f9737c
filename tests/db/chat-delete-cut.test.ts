import { describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { sweepUnfinishedChatDeletions } from '../../src/modules/chats/chat-deletion.js';
import { upstreamEnv } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';
import { databaseUri, startInstance } from '../helpers/instances.js';
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

/** What is left of a chat, read straight from the database; `marked`: its deletion under way. */
async function leftOf(chatId: string) {
  const id = new ObjectId(chatId);
  return {
    chat: await ctx.db.collection('chats').countDocuments({ _id: id }),
    messages: await ctx.db.collection('messages').countDocuments({ chatId: id }),
    keys: await ctx.db.collection('idempotency_keys').countDocuments({ chatId: id }),
    slots: await ctx.db.collection('chat_slots').countDocuments({ chatId: id }),
    marked: await ctx.db.collection('chat_deletions').countDocuments({ _id: id }),
  };
}

const NOTHING = { chat: 0, messages: 0, keys: 0, slots: 0, marked: 0 };

/** A chat of the user with a keyed exchange in it (its idempotency record holds its text). */
async function keyedChat(user: TestUser, key: string): Promise<string> {
  await databaseBack();
  const chat = await ctx.request().post('/api/chats').set(user.auth).send({ title: key });
  expect(chat.status).toBe(201);
  const sent = await ctx
    .request()
    .post(`/api/chats/${chat.body.id}/messages`)
    .set(user.auth)
    .set('Idempotency-Key', key)
    .send({ content: 'to delete', stream: false });
  expect(sent.status).toBe(201);
  return chat.body.id as string;
}

describe('a chat deletion that does not finish at once', () => {
  it('when the removal of its messages is cut, then it answers 204, the chat is neither listed nor readable from then on, and the rest goes once the database answers', async () => {
    const user = await createUser();
    const chatId = await keyedChat(user, 'k-messages-cut');
    const hit = cutAt('delete messages', true);
    const deleted = await ctx.request().delete(`/api/chats/${chatId}`).set(user.auth);
    expect(hit(), 'the fault was injected').toBe(true);
    // Stored as begun before anything was removed: no 503 inviting a retry that would find the
    // chat gone (404) and leave its records.
    expect(deleted.status).toBe(204);
    expect((await leftOf(chatId)).chat).toBe(0);
    await databaseBack();
    const list = await ctx.request().get('/api/chats').set(user.auth);
    expect((list.body as { id: string }[]).map((c) => c.id)).not.toContain(chatId);
    expect((await ctx.request().get(`/api/chats/${chatId}`).set(user.auth)).status).toBe(404);
    expect(
      await eventually(
        () => leftOf(chatId),
        (left) => JSON.stringify(left) === JSON.stringify(NOTHING),
        10_000,
      ),
    ).toEqual(NOTHING);
  }, 60_000);

  it('when its records meet the database away and its instance stops before trying again, then the sweep of another instance finishes the deletion a minute on', async () => {
    const user = await createUser();
    const chatId = await keyedChat(user, 'k-instance-stops');
    // A server process of its own on this database, through the proxy: the one that stops.
    const instance = await startInstance({
      ...upstreamEnv(ctx.upstream),
      MONGODB_URI: databaseUri(ctx.proxy.uri, ctx.dbName),
    });
    try {
      // The database goes away at the removal of the chat's idempotency records, and stays away
      // until the instance is gone: none of its own retries can finish the deletion.
      const hit = ctx.proxy.cutReplyTo(
        (c) => {
          if (`${c.name} ${String(c.collection)}` !== 'delete idempotency_keys') return false;
          void ctx.proxy.down();
          return true;
        },
        { before: true },
      );
      const deleted = await fetch(`${instance.url}/api/chats/${chatId}`, {
        method: 'DELETE',
        headers: user.auth,
      });
      await hit;
      expect(deleted.status).toBe(204);
    } finally {
      await instance.stop('SIGKILL');
      await ctx.proxy.up();
    }
    await databaseBack();
    // Left as the instance stopped: the chat gone, its records and the mark of its deletion not.
    expect(await leftOf(chatId)).toMatchObject({ chat: 0, messages: 0, keys: 1, marked: 1 });
    // Not a minute old: its own instance could still be at it.
    expect(await sweepUnfinishedChatDeletions(Date.now())).toBe(0);
    expect((await leftOf(chatId)).keys).toBe(1);
    expect(await sweepUnfinishedChatDeletions(Date.now() + 61_000)).toBe(1);
    expect(await leftOf(chatId)).toEqual(NOTHING);
    const list = await ctx.request().get('/api/chats').set(user.auth);
    expect((list.body as { id: string }[]).map((c) => c.id)).not.toContain(chatId);
  }, 90_000);
});
