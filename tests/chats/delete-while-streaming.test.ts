import { describe, expect, it } from 'vitest';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { User } from '../../src/modules/users/user.model.js';
import mongoose from '../../src/lib/db/mongoose.js';
import { useChatApp } from '../helpers/chat-app.js';
import { holdCall } from '../helpers/hold-call.js';
import { createUser } from '../helpers/users.js';

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

/** The deletion stopped the reply: its model call aborted, its stream ended NOT_FOUND. */
async function expectStoppedNotFound(s: ReturnType<typeof stream>) {
  // The upstream reply is endless, so it finishing at all proves the deletion aborted it.
  await ctx.upstream.requests.at(-1)!.finished;
  expect(ctx.upstream.requests.at(-1)!.aborted).toBe(true);
  await s.ended;
  expect(s.events.at(-1)).toMatchObject({ event: 'error', data: { error: { code: 'NOT_FOUND' } } });
}

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

describe('a send admitted while its chat is being deleted', () => {
  it("when the first send to an empty chat takes its slot after the deletion stopped the chat's replies and stores itself before the chat goes, then the deletion stops it too: the stream ends NOT_FOUND, the upstream is aborted and nothing of the chat is left", async () => {
    const chatId = await newChat();
    ctx.upstream.setDefault(slow);
    // The send's slot waits until the deletion has stopped the replies it found (none yet).
    const slot = holdCall(Generation.collection, 'insertOne');
    // The deletion waits before it removes the chat until the send has stored itself and streams.
    const removal = holdCall(Chat, 'deleteOne');
    try {
      const s = stream(chatId);
      await slot.reached;
      const deletion = ctx
        .request()
        .delete(`/api/chats/${chatId}`)
        .set(ctx.user.auth)
        .then((res) => res);
      await removal.reached;
      slot.release();
      await s.waitFor(() => s.events.some((e) => e.event === 'delta'));
      removal.release();
      expect((await deletion).status).toBe(204);
      // The deletion waited for the reply it stopped to end.
      expect(await leftOf(chatId)).toEqual({ chats: 0, messages: 0, leases: 0, places: 0 });
      await expectStoppedNotFound(s);
    } finally {
      slot.restore();
      removal.restore();
    }
  });
});

describe('a send admitted while its account is being deleted', () => {
  it("when a new chat's first message takes its slot after the deletion stopped the account's replies and streams before the account goes, then the deletion stops it too: the stream ends NOT_FOUND, the upstream is aborted and nothing of the account is left", async () => {
    const doomed = await createUser({ label: 'doomed-late-send' });
    ctx.upstream.setDefault(slow);
    // The send's slot waits until the deletion has stopped the replies it found (none yet) and
    // removed the chats; the deletion then waits before the account goes until the send streams.
    const slot = holdCall(Generation.collection, 'insertOne');
    const accountRemoval = holdCall(User, 'deleteOne');
    try {
      const s = ctx.stream('/api/chats', { message: 'hello', stream: true }, doomed);
      await slot.reached;
      const deletion = ctx
        .request()
        .delete('/api/auth/me')
        .set(doomed.auth)
        .send({ password: doomed.password })
        .then((res) => res);
      await accountRemoval.reached;
      slot.release();
      await s.waitFor(() => s.events.some((e) => e.event === 'delta'));
      accountRemoval.release();
      expect((await deletion).status).toBe(204);
      const owner = { userId: new mongoose.Types.ObjectId(doomed.id) };
      expect({
        chats: await Chat.countDocuments(owner),
        messages: await Message.countDocuments(owner),
        leases: await Generation.countDocuments(owner),
      }).toEqual({ chats: 0, messages: 0, leases: 0 });
      await expectStoppedNotFound(s);
    } finally {
      slot.restore();
      accountRemoval.restore();
    }
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
