import { describe, expect, it } from 'vitest';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import mongoose from '../../src/lib/db/mongoose.js';
import { useChatApp } from '../helpers/chat-app.js';

const ctx = useChatApp({
  STOP_POLL_MS: '50',
  STREAM_CHECKPOINT_MS: '50',
});

// A reply that never ends by itself: only the deletion's stop can end it.
const slow = { chunks: Array.from({ length: 10 }, (_, i) => `w${i} `), delayMs: 40, endless: true };
const newChat = async () =>
  (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body.id as string;
const stream = (chatId: string) =>
  ctx.stream(`/api/chats/${chatId}/messages`, { content: 'hello', stream: true });
const leftOf = async (chatId: string) => ({
  chats: await Chat.countDocuments({ _id: chatId }),
  messages: await Message.countDocuments({ chatId }),
  leases: await Generation.countDocuments({ chatId }),
  places: await mongoose.connection
    .collection('chat_slots')
    .countDocuments({ chatId: new mongoose.Types.ObjectId(chatId) }),
});

describe('deleting a chat while its reply streams', () => {
  it('when the chat is deleted mid-reply, then the reply is stopped at once (upstream aborted), the deletion answers once it has ended, and nothing of the chat is left', async () => {
    ctx.upstream.setDefault(slow);
    const chatId = await newChat();
    const s = stream(chatId);
    await s.waitFor(() => s.events.filter((e) => e.event === 'delta').length >= 2);
    expect((await ctx.request().delete(`/api/chats/${chatId}`).set(ctx.user.auth)).status).toBe(
      204,
    );
    // The deletion waited for the reply to end: its lease is given back, and its tokens, recorded
    // before that, are in the ledger without the chat.
    expect(await leftOf(chatId)).toEqual({ chats: 0, messages: 0, leases: 0, places: 0 });
    const meta = s.events.find((e) => e.event === 'meta')!;
    const replyId = new mongoose.Types.ObjectId(meta.data.assistantMessage.id as string);
    const usage = mongoose.connection.collection('usage');
    expect(await usage.findOne({ _id: replyId })).toMatchObject({ chatId: null, kind: 'reply' });
    expect(await usage.countDocuments({ chatId: new mongoose.Types.ObjectId(chatId) })).toBe(0);
    // The upstream reply is endless, so it finishing at all proves the deletion aborted it.
    await ctx.upstream.requests[0]!.finished;
    expect(ctx.upstream.requests[0]!.aborted).toBe(true);
    await s.ended;
    const last = s.events.at(-1)!;
    expect(last.event).toBe('error');
    expect(last.data.error).toMatchObject({
      code: 'NOT_FOUND',
      message: 'The chat was deleted while this reply was being generated; the reply was not kept',
    });
  });

  it('when the chat disappears while its reply streams without the reply being stopped (a deletion the stop did not reach), then the reply store refuses: neither the reply nor its question is left', async () => {
    ctx.upstream.setDefault({ chunks: ['a ', 'b ', 'c ', 'd '], delayMs: 100 });
    const chatId = await newChat();
    const s = stream(chatId);
    await s.waitFor(() => s.events.some((e) => e.event === 'delta'));
    // Only the chat goes: its messages are still there when the reply is finished.
    await Chat.deleteOne({ _id: chatId });
    await s.ended;
    const last = s.events.at(-1)!;
    expect(last.event).toBe('error');
    expect(last.data.error.code).toBe('NOT_FOUND');
    expect(await Message.countDocuments({ chatId })).toBe(0);
    expect(await Generation.countDocuments({ chatId })).toBe(0);
    // The reply's tokens stay in the ledger (budgets count them), no longer linked to the chat.
    const usage = mongoose.connection.collection('usage');
    expect(await usage.countDocuments({ chatId: new mongoose.Types.ObjectId(chatId) })).toBe(0);
    const meta = s.events.find((e) => e.event === 'meta')!;
    const replyId = new mongoose.Types.ObjectId(meta.data.assistantMessage.id as string);
    expect(await usage.findOne({ _id: replyId })).toMatchObject({ chatId: null, kind: 'reply' });
  });
});

describe("deleting a reply's branch while it streams", () => {
  it('when the branch of a streaming reply is deleted by a deletion that read the tree before the reply was stored, then the stream ends NOT_FOUND naming the branch, the chat stays, and its usage keeps the call', async () => {
    const chatId = await newChat();
    // A first exchange, which the deletion leaves.
    ctx.upstream.setDefault({ chunks: ['first'] });
    await stream(chatId).ended;
    ctx.upstream.setDefault({ chunks: ['a ', 'b ', 'c ', 'd '], delayMs: 100 });
    const s = stream(chatId);
    await s.waitFor(() => s.events.some((e) => e.event === 'delta'));
    const meta = s.events.find((e) => e.event === 'meta')!;
    const replyId = new mongoose.Types.ObjectId(meta.data.assistantMessage.id as string);
    const questionId = new mongoose.Types.ObjectId(meta.data.userMessage.id as string);
    // What that deletion does once past its check: the question and everything below it go.
    await Message.deleteMany({ _id: { $in: [questionId, replyId] } });
    await s.ended;
    const last = s.events.at(-1)!;
    expect(last.event).toBe('error');
    expect(last.data.error).toMatchObject({
      code: 'NOT_FOUND',
      message:
        'The reply was deleted with its branch while it was being generated; it was not kept',
    });
    expect(await leftOf(chatId)).toEqual({ chats: 1, messages: 2, leases: 0, places: 1 });
    const usage = mongoose.connection.collection('usage');
    expect(await usage.findOne({ _id: replyId })).toMatchObject({
      chatId: new mongoose.Types.ObjectId(chatId),
      kind: 'reply',
    });
  });
});
