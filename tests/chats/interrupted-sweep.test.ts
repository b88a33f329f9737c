import { describe, expect, it, vi } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { storeReply } from '../../src/modules/chats/exchange.service.js';
import {
  acquireLease,
  renewLeases,
  surelyHeld,
  type Lease,
} from '../../src/modules/chats/generation/leases.js';
import {
  finishInterrupted,
  isGenerationAlive,
  sweepInterrupted,
} from '../../src/modules/chats/interrupted-replies.js';
import { Message, type MessageDoc } from '../../src/modules/chats/message.model.js';
import { liveReply } from '../../src/modules/chats/reply-stream.js';
import { useChatApp } from '../helpers/chat-app.js';
import { chargesWhere } from '../helpers/charges.js';
import { eventually } from '../helpers/eventually.js';

// No checkpoint lands while a test looks (a continue's text stays as it claimed it).
const ctx = useChatApp({ GENERATION_LEASE_SECONDS: '60', STREAM_CHECKPOINT_MS: '60000' });

describe('the interrupted sweep', () => {
  it('when the sweep acts on a read of a reply taken before it was stopped and continued, then the running continue is left alone and a second continue is refused', async () => {
    ctx.upstream.script({ chunks: ['first answer'] });
    const sent = await ctx
      .request()
      .post('/api/chats')
      .set(ctx.user.auth)
      .send({ message: 'a question' });
    expect(sent.status).toBe(201);
    const chatId = sent.body.chat.id as string;
    const replyId = new Types.ObjectId(sent.body.messages[1].id as string);
    // What the sweep's page read: the reply streaming under its first lease, at a checkpoint.
    await Message.collection.updateOne(
      { _id: replyId },
      { $set: { status: 'streaming', content: 'so far', lease: { slot: 0, token: 'first' } } },
    );
    const stale = (await Message.findById(replyId).lean<MessageDoc>())!;
    // Then the reply was stopped (its final write, with the same text) and its lease released.
    await Message.collection.updateOne(
      { _id: replyId },
      { $set: { status: 'incomplete', stopReason: 'stop' } },
    );
    // And continued: streaming again, with the same text, under a lease of its own.
    let endContinue!: () => void;
    ctx.upstream.script({
      chunks: [' and more'],
      holdUntil: new Promise<void>((resolve) => (endContinue = resolve)),
    });
    const continued = ctx.stream(`/api/chats/${chatId}/messages/${String(replyId)}/continue`, {
      stream: true,
    });
    try {
      await continued.waitForEvent('delta');
      const claimed = (await Message.findById(replyId).lean<MessageDoc>())!;
      expect(claimed.status).toBe('streaming');
      expect(claimed.lease?.token).not.toBe('first');
      // The sweep of another instance goes on from its read: the first lease is gone, so it takes
      // the reply for dead (here the continue runs in this process, which another would not see).
      expect(await Generation.exists({ token: 'first' })).toBeNull();
      expect(liveReply(String(replyId))).toBeDefined();
      await finishInterrupted(stale);
      const after = (await Message.findById(replyId).lean<MessageDoc>())!;
      expect(after.status).toBe('streaming');
      expect(after.error ?? null).toBeNull();
      const second = await ctx
        .request()
        .post(`/api/chats/${chatId}/messages/${String(replyId)}/continue`)
        .set(ctx.user.auth)
        .send({ stream: false });
      expect(second.status).toBe(409);
      expect(second.body.error.code).toBe('MESSAGE_STREAMING');
    } finally {
      endContinue();
      await continued.ended;
    }
    const ended = await eventually(
      () => Message.findById(replyId).lean<MessageDoc>(),
      (m) => m !== null && m.status !== 'streaming',
    );
    expect(ended).toMatchObject({ status: 'complete', content: 'so far and more' });
  });

  it('when more replies stream on live instances than one page of the sweep holds, then a dead reply after them is still finished', async () => {
    const now = Date.now();
    const lease = async (token: string, userId: Types.ObjectId, expiresAt: Date) => {
      await Generation.collection.insertOne({
        _id: new Types.ObjectId(),
        userId,
        chatId: new Types.ObjectId(),
        slot: 0,
        token,
        instanceId: token,
        expiresAt,
        waitingSince: null,
      });
    };
    const streamingReply = async (token: string, userId: Types.ObjectId) => {
      const _id = new Types.ObjectId();
      await Message.collection.insertOne({
        _id,
        chatId: new Types.ObjectId(),
        userId,
        parentId: new Types.ObjectId(),
        role: 'assistant',
        content: `checkpoint of ${token}`,
        bytes: 0,
        status: 'streaming',
        model: 'test-model',
        createdAt: new Date(now),
        lease: { slot: 0, token, at: new Date(now) },
      });
      return _id;
    };
    // Three replies alive elsewhere, then one whose instance died: its lease lapsed.
    const live: Types.ObjectId[] = [];
    for (const token of ['live-a', 'live-b', 'live-c']) {
      const userId = new Types.ObjectId();
      await lease(token, userId, new Date(now + 600_000));
      live.push(await streamingReply(token, userId));
    }
    const deadUser = new Types.ObjectId();
    await lease('dead', deadUser, new Date(now - 120_000));
    const dead = await streamingReply('dead', deadUser);

    const leaseReads = vi.spyOn(Generation.collection, 'find');
    try {
      expect(await sweepInterrupted(new Date(), 2)).toBe(1);
      // One read of the leases per page (two pages of two), not one per reply.
      expect(leaseReads).toHaveBeenCalledTimes(2);
    } finally {
      leaseReads.mockRestore();
    }
    expect(await Message.findById(dead).lean()).toMatchObject({
      status: 'incomplete',
      error: { code: 'INTERRUPTED' },
    });
    expect(await Message.countDocuments({ _id: { $in: live }, status: 'streaming' })).toBe(3);
    // Left as they were: the live ones are another instance's to finish.
    await Message.deleteMany({ _id: { $in: live } });
    await Generation.deleteMany({ token: { $in: ['live-a', 'live-b', 'live-c'] } });
  });
});

describe('a reply whose instance died before its first checkpoint', () => {
  it("when the sweep finishes it, then its prompt is charged (estimated), as a stopped reply's is: the call had gone out", async () => {
    const created = await ctx.request().post('/api/chats').set(ctx.user.auth).send({});
    expect(created.status).toBe(201);
    const chatId = new Types.ObjectId(created.body.id as string);
    const userId = new Types.ObjectId(ctx.user.id);
    const questionId = new Types.ObjectId();
    const replyId = new Types.ObjectId();
    const now = new Date();
    // Admitted under a lease (a plain send calls the model before it stores), then its instance
    // died before any text was checkpointed; its lease is gone.
    await Message.collection.insertMany([
      {
        _id: questionId,
        chatId,
        userId,
        parentId: null,
        role: 'user',
        content: 'word '.repeat(500),
        bytes: 2500,
        status: 'complete',
        createdAt: now,
      },
      {
        _id: replyId,
        chatId,
        userId,
        parentId: questionId,
        role: 'assistant',
        content: '',
        bytes: 0,
        status: 'streaming',
        model: 'test-model',
        createdAt: new Date(now.getTime() + 1),
        lease: { slot: 0, token: 'dead-before-checkpoint', at: now },
      },
    ]);
    await sweepInterrupted();
    expect(await Message.findById(replyId).lean()).toMatchObject({
      status: 'incomplete',
      content: '',
      error: { code: 'INTERRUPTED' },
    });
    const charged = (await chargesWhere({ userId })).filter((c) => c._id.equals(replyId));
    expect(charged).toHaveLength(1);
    expect(charged[0]).toMatchObject({ completionTokens: 0, estimated: true });
    expect(charged[0]!.promptTokens).toBeGreaterThanOrEqual(500);
  });
});

/** A stored reply streaming under a lease acquired 70 s ago and never renewed: lapsed, not taken over. */
async function replyWithLapsedLease(): Promise<{ reply: MessageDoc; lease: Lease }> {
  ctx.upstream.script({ chunks: ['first answer'] });
  const sent = await ctx
    .request()
    .post('/api/chats')
    .set(ctx.user.auth)
    .send({ message: 'a question' });
  expect(sent.status).toBe(201);
  const replyId = new Types.ObjectId(sent.body.messages[1].id as string);
  const lease = (await acquireLease(
    ctx.user.id,
    sent.body.chat.id as string,
    new Date(Date.now() - 70_000),
  ))!;
  await Message.collection.updateOne(
    { _id: replyId },
    {
      $set: {
        status: 'streaming',
        content: 'the last checkpoint',
        lease: { slot: lease.slot, token: lease.token, at: new Date() },
      },
      $unset: { charge: 1 },
    },
  );
  return { reply: (await Message.findById(replyId).lean<MessageDoc>())!, lease };
}

/** The holder's model call ends: its final write, with the call's charge on the reply. */
const holderFinishes = (reply: MessageDoc, lease: Lease) =>
  storeReply(
    {
      ...reply,
      status: 'complete',
      content: 'the last checkpoint and the rest',
      charge: {
        model: 'test-model',
        day: new Date().toISOString().slice(0, 10),
        promptTokens: 10,
        completionTokens: 20,
        totalTokens: 30,
        estimated: false,
      },
    },
    {},
    lease,
  );

const chargesOf = async (reply: MessageDoc) =>
  (await chargesWhere({ userId: ctx.user.id })).filter((c) => c._id.equals(reply._id));

describe('a lapsed lease whose holder was only slow', () => {
  it('when the holder renews it after the sweep looked and before it finishes the reply, then the sweep leaves the reply to its holder, which stores it complete, charged once', async () => {
    const { reply, lease } = await replyWithLapsedLease();
    expect(await isGenerationAlive(reply)).toBe(false);
    await renewLeases([lease]);
    expect(surelyHeld(lease)).toBe(true);
    const swept = await finishInterrupted(reply);
    expect(swept.status).toBe('streaming');
    const stored = await holderFinishes(reply, lease);
    expect(stored.settled).toBeUndefined();
    expect(await Message.findById(reply._id).lean()).toMatchObject({
      status: 'complete',
      content: 'the last checkpoint and the rest',
      error: null,
    });
    expect(await chargesOf(reply)).toHaveLength(1);
  });

  it('when the sweep finishes the reply before the renewal lands, then the renewal finds no lease, and the holder finds the reply finished and charges nothing more', async () => {
    const { reply, lease } = await replyWithLapsedLease();
    expect(await isGenerationAlive(reply)).toBe(false);
    const swept = await finishInterrupted(reply);
    expect(swept).toMatchObject({ status: 'incomplete', error: { code: 'INTERRUPTED' } });
    await renewLeases([lease]);
    expect(surelyHeld(lease)).toBe(false);
    const stored = await holderFinishes(reply, lease);
    expect(stored.settled).toMatchObject({ status: 'incomplete' });
    expect(await Message.findById(reply._id).lean()).toMatchObject({
      status: 'incomplete',
      content: 'the last checkpoint',
      error: { code: 'INTERRUPTED' },
    });
    expect(await chargesOf(reply)).toHaveLength(1);
  });
});

describe('a lapsed slot taken by a new send', () => {
  it('when a send takes over the slot of a reply the sweep has read as dead, then the send finishes and charges that reply, and the sweep finishing it after that charges nothing more', async () => {
    const { reply } = await replyWithLapsedLease();
    // The sweep's read: the reply's lease has lapsed.
    expect(await isGenerationAlive(reply)).toBe(false);
    ctx.upstream.script({ chunks: ['a new answer'] });
    const sent = await ctx
      .request()
      .post('/api/chats')
      .set(ctx.user.auth)
      .send({ message: 'asked again', stream: false });
    expect(sent.status).toBe(201);
    expect(await Message.findById(reply._id).lean()).toMatchObject({
      status: 'incomplete',
      content: 'the last checkpoint',
      error: { code: 'INTERRUPTED' },
    });
    expect(await chargesOf(reply)).toHaveLength(1);
    // The sweep goes on from its read.
    expect(await finishInterrupted(reply)).toMatchObject({ status: 'incomplete' });
    expect(await chargesOf(reply)).toHaveLength(1);
  });
});
