import { describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { createUser, type TestUser } from '../helpers/users.js';
import { openSse } from '../helpers/sse.js';
import { databaseBack, sleep, useProxiedApp } from '../helpers/proxied-app.js';

const ctx = useProxiedApp();

/** The chat's write after an exchange's messages (lastMessageAt, kept turns, the active leaf). */
const chatWriteAfterMessages = (c: { name: string; collection: unknown }) =>
  c.name === 'findAndModify' && c.collection === 'chats';

async function chatWithAnswer(user: TestUser) {
  await databaseBack();
  const chat = await ctx.request().post('/api/chats').set(user.auth).send({ title: 'e' });
  const sent = await ctx
    .request()
    .post(`/api/chats/${chat.body.id}/messages`)
    .set(user.auth)
    .send({ content: 'first question', stream: false });
  expect(sent.status).toBe(201);
  return chat.body.id as string;
}

/** An edit of the first question (a new first message beside it), streamed, with a key. */
async function streamedEdit(user: TestUser, chatId: string, key: string) {
  const stream = openSse(ctx.server.port, {
    path: `/api/chats/${chatId}/messages`,
    token: user.accessToken,
    method: 'POST',
    body: { content: 'edited question', parentId: null, stream: true },
    headers: { 'Idempotency-Key': key },
  });
  await Promise.race([stream.ended, sleep(20_000)]);
  return stream;
}

const stored = async (chatId: string) => {
  const id = new ObjectId(chatId);
  const messages = await ctx.db.collection('messages').find({ chatId: id }).toArray();
  const chat = await ctx.db.collection('chats').findOne({ _id: id });
  return {
    messages: messages.map((m) => `${m.role}:${m.status}:${m.content}`),
    activeLeaf: chat?.activeLeafId ? String(chat.activeLeafId) : null,
  };
};

describe.each([false, true])(
  'a streamed edit whose chat write is cut (before it applies: %s)',
  (before) => {
    it('when the chat write after its messages is cut, then the stream ends with done, the chat shows the edit, and a repeat with the key streams the same reply', async () => {
      const user = await createUser();
      const chatId = await chatWithAnswer(user);
      const cut = ctx.proxy.cutReplyTo(chatWriteAfterMessages, { before });
      const key = `edit-chat-write-${before}`;
      const first = await streamedEdit(user, chatId, key);
      await cut;
      await databaseBack();
      await sleep(500);
      const meta = first.events.find((e) => e.event === 'meta');
      const replyId = meta?.data.assistantMessage.id as string;
      const last = first.events.at(-1);
      // A blip of the database while the chat is written: not the end of an answer the model gave
      // whole. Kept as an `error` answer, a repeat with the key replays that error for good.
      expect({ event: last?.event, error: last?.data.error ?? null }).toEqual({
        event: 'done',
        error: null,
      });
      expect(await stored(chatId)).toEqual({
        messages: [
          'user:complete:first question',
          'assistant:complete:Hello world!',
          'user:complete:edited question',
          'assistant:complete:Hello world!',
        ],
        activeLeaf: replyId,
      });
      const again = await streamedEdit(user, chatId, key);
      expect(again.events.map((e) => e.event)).toEqual(['meta', 'delta', 'done']);
      expect(again.events[0]!.data.assistantMessage.id).toBe(replyId);
      expect((await stored(chatId)).messages).toHaveLength(4);
    }, 60_000);
  },
);
