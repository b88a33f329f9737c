import { describe, expect, it } from 'vitest';
import mongoose from '../../src/lib/db/mongoose.js';
import { useChatApp } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';
import { openSse } from '../helpers/sse.js';

/**
 * SECURITY.md line 37: deleting a chat leaves nothing of it in any collection, even while a reply
 * is streaming; idempotency records and usage included (usage entries may stay, unlinked from the
 * chat: README "Deleting"). tests/chats/delete-while-streaming.test.ts counts chats, messages,
 * leases and places; this scans every collection for the chat's id and its messages' ids.
 */
const ctx = useChatApp({
  STOP_POLL_MS: '50',
  STREAM_CHECKPOINT_MS: '50',
  DETACH_GRACE_SECONDS: '30',
});

/** Every document of every collection whose JSON names one of the ids. */
async function documentsNaming(ids: string[]) {
  const db = mongoose.connection.db!;
  const found: { collection: string; doc: Record<string, unknown> }[] = [];
  for (const { name } of await db.listCollections().toArray()) {
    for (const doc of await db.collection(name).find({}).toArray()) {
      const text = JSON.stringify(doc).toLowerCase();
      if (ids.some((id) => text.includes(id.toLowerCase()))) found.push({ collection: name, doc });
    }
  }
  return found;
}

describe('what a deleted chat leaves behind', () => {
  it('when a chat with keyed sends, a regenerated answer, a /v1 exchange, a useChat link, a second reader and a streaming reply is deleted, then no collection names it or its messages but the unlinked usage entries', async () => {
    const as = ctx.user.auth;
    ctx.upstream.setDefault({ chunks: ['stored ', 'reply'] });
    const created = await ctx
      .request()
      .post('/api/chats')
      .set(as)
      .set('Idempotency-Key', 'trace-create')
      .send({ message: 'first question', stream: false });
    expect(created.status).toBe(201);
    const chatId = created.body.chat.id as string;
    const sent = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(as)
      .set('Idempotency-Key', 'trace-send')
      .send({ content: 'second question', stream: false });
    expect(sent.status).toBe(201);
    const answerId = sent.body.messages[1].id as string;
    expect(
      (
        await ctx
          .request()
          .post(`/api/chats/${chatId}/messages/${answerId}/regenerate`)
          .set(as)
          .set('Idempotency-Key', 'trace-regenerate')
          .send({ stream: false })
      ).status,
    ).toBe(201);
    // A /v1 exchange stored into the chat, with a key.
    const key = (await ctx.request().post('/api/keys').set(as).send({ name: 'trace' })).body
      .key as string;
    const v1 = await ctx
      .request()
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${key}`)
      .set('Idempotency-Key', 'trace-v1')
      .send({
        model: 'test-model',
        store: true,
        metadata: { chat_id: chatId },
        messages: [{ role: 'user', content: 'via v1' }],
      });
    expect(v1.status).toBe(200);
    // A useChat id linked to the chat by its first message, then nothing more of it.
    const ui = await ctx
      .request()
      .post('/api/ai-sdk/chat')
      .set(as)
      .send({
        id: 'trace-ui',
        trigger: 'submit-message',
        messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'ui' }] }],
      });
    expect(ui.status).toBe(200);
    const linked = await ctx.request().get('/api/ai-sdk/chat/trace-ui/messages').set(as);
    const uiChatId = linked.body[0].metadata.chatId as string;

    // A reply streaming at the deletion, followed by a second reader, and a stop asked for it.
    ctx.upstream.setDefault({ chunks: ['w '], endless: true, delayMs: 10 });
    const writer = ctx.stream(`/api/chats/${chatId}/messages`, {
      content: 'long answer please',
      stream: true,
    });
    await writer.waitFor(() => writer.events.filter((e) => e.event === 'delta').length >= 3);
    const replyId = writer.events.find((e) => e.event === 'meta')!.data.assistantMessage
      .id as string;
    const reader = openSse(ctx.server.port, {
      path: `/api/chats/${chatId}/messages/${replyId}/stream`,
      token: ctx.user.accessToken,
    });
    await reader.waitFor(() => reader.events.some((e) => e.event === 'delta'));

    const ids = [
      chatId,
      ...(
        await mongoose.connection
          .collection('messages')
          .find({ chatId: new mongoose.Types.ObjectId(chatId) })
          .toArray()
      ).map((m) => String(m._id)),
    ];
    expect(ids.length).toBeGreaterThanOrEqual(9);
    // The scan sees what a deletion has to remove (it would fail if any of it were left).
    const before = new Set((await documentsNaming(ids)).map((d) => d.collection));
    for (const name of ['chats', 'messages', 'chat_slots', 'generations', 'idempotency_keys'])
      expect(before.has(name), name).toBe(true);
    for (const [id, route] of [
      [chatId, '/api/chats'],
      [uiChatId, '/api/chats'],
    ] as const)
      expect((await ctx.request().delete(`${route}/${id}`).set(as)).status).toBe(204);
    await writer.ended;
    await reader.ended;

    // Background work (the reply's final write, the reader's heartbeat) ends within moments.
    const left = await eventually(
      () => documentsNaming([...ids, uiChatId, 'trace-ui']),
      (docs) => docs.every((d) => d.collection === 'usage'),
      5000,
    );
    expect(left.filter((d) => d.collection !== 'usage')).toEqual([]);
    // What stays is the ledger, linked to neither chat (README: usage is kept without the chat).
    for (const { doc } of left) expect(doc.chatId ?? null).toBeNull();
  });
});
