import { describe, expect, it } from 'vitest';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { ReplyReader } from '../../src/modules/chats/reply-reader.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';
import { openSse } from '../helpers/sse.js';

/*
 * A reader on one instance following a reply generated on another keeps a heartbeat document
 * (reply-reader.model.ts). A chat's deletion removes its readers after its messages; a heartbeat
 * in flight may land after that. A reader still polling finds the reply gone and removes it; one
 * whose client left first must not leave it for its grace to lapse. Polls as far apart as the
 * settings allow here: the reader's first heartbeat is written just before its first wait, so the
 * client leaves while its reader waits for the next poll.
 */
const ctx = useChatApp({ DETACH_GRACE_SECONDS: '30', RESUME_POLL_MS: '500' });

describe("a reader's heartbeat and a deleted chat", () => {
  it('when a heartbeat lands after the deletion removed the chat’s readers and the client then leaves, then the heartbeat goes at once, not when its grace lapses', async () => {
    const chatId = (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body
      .id as string;
    ctx.upstream.script({ chunks: ['answer'] });
    const sent = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(ctx.user.auth)
      .send({ content: 'question' });
    // A reply streaming on another instance, whose lease is alive.
    const lease = { token: 'heartbeat-elsewhere', slot: 5, instanceId: 'elsewhere' };
    const reply = await Message.create({
      chatId,
      userId: ctx.user.id,
      parentId: sent.body.messages[0].id,
      role: 'assistant',
      content: 'so far',
      status: 'streaming',
      model: 'test-model',
      createdAt: new Date(),
      lease: { slot: lease.slot, token: lease.token, at: new Date() },
    });
    await Generation.create({
      userId: ctx.user.id,
      chatId,
      ...lease,
      expiresAt: new Date(Date.now() + 60_000),
    });
    const reader = openSse(ctx.server.port, {
      path: `/api/chats/${chatId}/messages/${String(reply._id)}/stream`,
      token: ctx.user.accessToken,
      headers: {},
    });
    try {
      await reader.waitFor(() => reader.text() === 'so far');
      await eventually(
        () => ReplyReader.findById(reply._id).lean(),
        (r) => r !== null,
      );
      // The deletion, in its order: the messages and the chat, then the readers; then the
      // reader's heartbeat that was in flight lands; then the client goes.
      await Message.deleteMany({ chatId });
      await Chat.deleteOne({ _id: chatId });
      await ReplyReader.deleteMany({ chatId });
      await ReplyReader.collection.updateOne(
        { _id: reply._id },
        {
          $set: {
            chatId: reply.chatId,
            userId: reply.userId,
            until: new Date(Date.now() + 30_000),
          },
        },
        { upsert: true },
      );
      reader.close();
      expect(
        await eventually(
          () => ReplyReader.countDocuments({ chatId }),
          (n) => n === 0,
          2000,
        ),
      ).toBe(0);
    } finally {
      reader.close();
      await Generation.deleteOne({ token: lease.token });
    }
  });
});
