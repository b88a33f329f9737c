import { describe, expect, it } from 'vitest';
import type { Types } from '../../src/lib/db/mongoose.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { ReplyReader } from '../../src/modules/chats/reply-reader.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';
import { finalsOf, openSse } from '../helpers/sse.js';
import { holdCall } from '../helpers/hold-call.js';
import { replyStreamingElsewhere } from '../helpers/remote-reply.js';

/*
 * A reader on one instance following a reply generated on another keeps a heartbeat document
 * (reply-reader.model.ts). A chat's deletion removes its readers after its messages; a heartbeat
 * in flight may land after that. A reader still polling finds the reply gone and removes it; one
 * whose client left first must not leave it for its grace to lapse. Polls as far apart as the
 * settings allow here: the reader's first heartbeat is written just before its first wait, so the
 * client leaves while its reader waits for the next poll.
 */
const ctx = useChatApp({ DETACH_GRACE_SECONDS: '30', RESUME_POLL_MS: '500' });

/** A reader on another instance says it follows the reply until `until`. */
const heartbeat = (
  reply: { _id: Types.ObjectId; chatId: Types.ObjectId; userId: Types.ObjectId },
  until: Date,
) =>
  ReplyReader.collection.updateOne(
    { _id: reply._id },
    { $set: { chatId: reply.chatId, userId: reply.userId, until } },
    { upsert: true },
  );

describe("a reader's heartbeat and a deleted chat", () => {
  it('when a heartbeat lands after the deletion removed the chat’s readers and the client then leaves, then the heartbeat goes at once, not when its grace lapses', async () => {
    const { chatId, reply, lease } = await replyStreamingElsewhere(ctx, 'heartbeat-elsewhere', 5);
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
      await heartbeat(reply, new Date(Date.now() + 30_000));
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

describe("a reader's heartbeat and the reply's end", () => {
  it('when the answer is continued and a reader of the new run writes its heartbeat before a reader of the run that ended removes its own, then the new reader’s heartbeat stays', async () => {
    const { chatId, reply, lease } = await replyStreamingElsewhere(ctx, 'ended-elsewhere', 5);
    const reader = openSse(ctx.server.port, {
      path: `/api/chats/${chatId}/messages/${String(reply._id)}/stream`,
      token: ctx.user.accessToken,
      headers: {},
    });
    const removal = holdCall(ReplyReader.collection, 'deleteOne', (args) =>
      reply._id.equals((args[0] as { _id?: Types.ObjectId })._id),
    );
    try {
      await reader.waitFor(() => reader.text() === 'so far');
      await eventually(
        () => ReplyReader.findById(reply._id).lean(),
        (r) => r !== null,
      );
      // The run ends on its instance; this reader sends the end, and is slow to remove its
      // heartbeat.
      await Message.updateOne({ _id: reply._id }, { $set: { status: 'complete' } });
      await Generation.deleteOne({ token: lease.token });
      await removal.reached;
      await reader.ended;
      expect(finalsOf(reader).map((e) => e.event)).toEqual(['done']);
      // Meanwhile the answer is continued on another instance, and a reader there follows the
      // new run: the same message, its heartbeat the same document.
      await Message.updateOne(
        { _id: reply._id },
        { $set: { status: 'streaming', lease: { slot: 6, token: 'continued', at: new Date() } } },
      );
      const renewed = new Date(Date.now() + 30_000);
      await heartbeat(reply, renewed);
      removal.release();
      await removal.answered;
      expect(await ReplyReader.findById(reply._id).lean()).toMatchObject({ until: renewed });
    } finally {
      removal.release();
      removal.restore();
      reader.close();
      await Message.deleteOne({ _id: reply._id });
      await ReplyReader.deleteOne({ _id: reply._id });
    }
  });
});
