import { MongoNetworkError } from 'mongodb';
import { describe, expect, it, vi } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { isRenewing } from '../../src/modules/chats/generation/lease-renewal.js';
import { runningGenerations } from '../../src/modules/chats/generation/registry.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { liveReply } from '../../src/modules/chats/reply-stream.js';
import { useChatApp } from '../helpers/chat-app.js';
import { chargesOnReplies, chargesWhere, ledgerEntries } from '../helpers/charges.js';
import { expectError } from '../helpers/auth.js';
import { eventually } from '../helpers/eventually.js';
import { finalsOf, openSse } from '../helpers/sse.js';

/**
 * A reply's final write (exchange.service storeReply) that meets the database away is tried again
 * while the reply's lease holds: for half of GENERATION_LEASE_SECONDS, here 4.5 s, its lease renewed
 * meanwhile every third (3 s). No checkpoint falls inside these short replies: what is stored is
 * what the final write stores.
 */
const ctx = useChatApp({
  GENERATION_LEASE_SECONDS: '9',
  STREAM_CHECKPOINT_MS: '10000',
  DETACH_GRACE_SECONDS: '0',
});

const newChat = async () =>
  (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body.id as string;

const leaseOfUser = () => Generation.findOne({ userId: new Types.ObjectId(ctx.user.id) }).lean();
const leasesOfUser = () => Generation.countDocuments({ userId: new Types.ObjectId(ctx.user.id) });

/**
 * Refuses the reply's final write (the one that sets its status) as a reset connection does:
 * `times` attempts, or every one until `letThrough()`.
 */
function refuseFinalWrites(times = Infinity) {
  const write = Message.collection.updateOne.bind(Message.collection);
  let refused = 0;
  let attempts = 0;
  let refusing = true;
  let reached!: () => void;
  const firstRefused = new Promise<void>((resolve) => (reached = resolve));
  const spy = vi
    .spyOn(Message.collection, 'updateOne')
    .mockImplementation(async (...args: Parameters<typeof write>) => {
      const update = args[1] as { $set?: { status?: string } };
      if (!update.$set?.status || update.$set.status === 'streaming') return write(...args);
      attempts += 1;
      if (refusing && refused < times) {
        refused += 1;
        reached();
        throw new MongoNetworkError('connection reset by the test');
      }
      return write(...args);
    });
  return {
    firstRefused,
    attempts: () => attempts,
    refused: () => refused,
    letThrough: () => (refusing = false),
    restore: () => spy.mockRestore(),
  };
}

describe('a reply whose final write meets a database blip', () => {
  it('when the final write fails once, then it is written again: the stream ends with done, the reply keeps its whole text and its charge, and a resume ends with done', async () => {
    const chatId = await newChat();
    ctx.upstream.script({
      chunks: ['The whole ', 'answer ', 'the user read'],
      usage: { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 },
    });
    const blip = refuseFinalWrites(1);
    let s;
    try {
      s = ctx.stream(`/api/chats/${chatId}/messages`, { content: 'question', stream: true });
      await s.ended;
    } finally {
      blip.restore();
    }
    expect(blip.refused()).toBe(1);
    expect(blip.attempts()).toBe(2);
    const [final] = finalsOf(s);
    expect(final).toMatchObject({
      event: 'done',
      data: { message: { status: 'complete', content: 'The whole answer the user read' } },
    });
    const replyId = s.events[0]!.data.assistantMessage.id as string;
    const stored = await Message.findById(replyId).lean();
    expect(stored).toMatchObject({
      status: 'complete',
      content: 'The whole answer the user read',
      error: null,
    });
    // Charged once, on the reply: the ledger fallback was not needed.
    const where = { chatId: new Types.ObjectId(chatId) };
    expect(await chargesOnReplies(where)).toMatchObject([
      { promptTokens: 5, completionTokens: 6, totalTokens: 11 },
    ]);
    expect(await ledgerEntries(where)).toEqual([]);
    expect(await eventually(leasesOfUser, (n) => n === 0)).toBe(0);

    const resumed = openSse(ctx.server.port, {
      path: `/api/chats/${chatId}/messages/${replyId}/stream`,
      token: ctx.user.accessToken,
    });
    await resumed.ended;
    expect(finalsOf(resumed)).toMatchObject([
      { event: 'done', data: { message: { content: 'The whole answer the user read' } } },
    ]);
  });

  it('when the final write of a JSON reply fails once, then the send answers 201 with the text, and a repeat with its Idempotency-Key answers the same', async () => {
    const chatId = await newChat();
    ctx.upstream.script({ chunks: ['Kept ', 'for later'] });
    const key = `blip-${Date.now()}`;
    const send = () =>
      ctx
        .request()
        .post(`/api/chats/${chatId}/messages`)
        .set(ctx.user.auth)
        .set('Idempotency-Key', key)
        .send({ content: 'question', stream: false });
    const blip = refuseFinalWrites(1);
    let first;
    try {
      first = await send();
    } finally {
      blip.restore();
    }
    expect(blip.refused()).toBe(1);
    expect(first.status).toBe(201);
    expect(first.body.messages[1]).toMatchObject({ status: 'complete', content: 'Kept for later' });
    const again = await send();
    expect(again.status).toBe(201);
    expect(again.body.messages[1]).toMatchObject({
      id: first.body.messages[1].id,
      content: 'Kept for later',
    });
    // The question was sent to the model once.
    expect(ctx.upstream.requests).toHaveLength(1);
    const replies = await Message.find({
      chatId: new Types.ObjectId(chatId),
      role: 'assistant',
    }).lean();
    expect(replies.map((r) => [r.status, r.content])).toEqual([['complete', 'Kept for later']]);
  });

  it('when the final write keeps failing for a while, then the lease is renewed meanwhile, a resume, a repeat and a stop wait for the reply in memory, shutdown counts it as running, and it is stored whole once the database answers', async () => {
    const chatId = await newChat();
    ctx.upstream.script({
      chunks: ['Written ', 'at last'],
      usage: { prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 },
    });
    const key = `refused-${Date.now()}`;
    const path = `/api/chats/${chatId}/messages`;
    const blip = refuseFinalWrites();
    try {
      const s = openSse(ctx.server.port, {
        path,
        token: ctx.user.accessToken,
        method: 'POST',
        body: { content: 'question', stream: true },
        headers: { 'Idempotency-Key': key },
      });
      await blip.firstRefused;
      const lease = await leaseOfUser();
      expect(lease).not.toBeNull();
      // Renewed while the write is tried again (every 3 s, within the 4.5 s it is tried for).
      const renewed = await eventually(
        leaseOfUser,
        (now) => now !== null && now.expiresAt > lease!.expiresAt,
      );
      expect(renewed?.expiresAt.getTime()).toBeGreaterThan(lease!.expiresAt.getTime());
      expect(isRenewing(lease!.token)).toBe(true);
      // Shutdown waits for it as for any last write (registry.ts runningGenerations).
      expect(runningGenerations()).toBeGreaterThan(0);
      expect(finalsOf(s)).toEqual([]);
      const replyId = s.events[0]!.data.assistantMessage.id as string;
      // A resume and a JSON repeat with the key read the reply held in memory, and wait for its end.
      const resumed = openSse(ctx.server.port, {
        path: `${path}/${replyId}/stream`,
        token: ctx.user.accessToken,
      });
      const repeat = ctx
        .request()
        .post(path)
        .set(ctx.user.auth)
        .set('Idempotency-Key', key)
        .send({ content: 'question', stream: false })
        .then((res) => res);
      await eventually(
        () => Promise.resolve(liveReply(replyId)?.readers ?? 0),
        (n) => n === 3,
      );
      // The model's call is over: a stop has nothing left to cut, and the reply stays whole.
      const stop = await ctx.request().post(`/api/chats/${chatId}/stop`).set(ctx.user.auth);
      expect(stop.status).toBe(202);
      expect(blip.refused()).toBeGreaterThan(1);
      expect(liveReply(replyId)?.readers).toBe(3);
      blip.letThrough();
      const [again] = await Promise.all([repeat, s.ended, resumed.ended]);
      expect(isRenewing(lease!.token)).toBe(false);
      for (const stream of [s, resumed])
        expect(finalsOf(stream)).toMatchObject([
          { event: 'done', data: { message: { status: 'complete', content: 'Written at last' } } },
        ]);
      expect(again.status).toBe(201);
      expect(again.body.messages[1]).toMatchObject({ id: replyId, content: 'Written at last' });
      expect(ctx.upstream.requests).toHaveLength(1);
      expect(await Message.findById(replyId).lean()).toMatchObject({
        status: 'complete',
        content: 'Written at last',
        stopReason: null,
      });
    } finally {
      blip.restore();
    }
    const where = { chatId: new Types.ObjectId(chatId) };
    expect(await chargesWhere(where)).toMatchObject([{ totalTokens: 7 }]);
    expect(await eventually(leasesOfUser, (n) => n === 0)).toBe(0);
  });

  it('when the final write fails for longer than it is tried, then the send answers 503 with Retry-After and the call is charged once, in the ledger', async () => {
    const chatId = await newChat();
    ctx.upstream.script({
      chunks: ['Not ', 'stored'],
      usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 },
    });
    const blip = refuseFinalWrites();
    let res;
    try {
      res = await ctx
        .request()
        .post(`/api/chats/${chatId}/messages`)
        .set(ctx.user.auth)
        .send({ content: 'question', stream: false });
    } finally {
      blip.restore();
    }
    expectError(res, 503, 'SERVICE_UNAVAILABLE');
    // Every 503 of the database being away says when to come back (README, API.md).
    expect(res.headers['retry-after']).toBe('5');
    expect(blip.refused()).toBeGreaterThan(1);
    // Given up as before: the reply is left to the interrupted sweep, its call in the ledger.
    const where = { chatId: new Types.ObjectId(chatId) };
    const [reply] = await Message.find({ ...where, role: 'assistant' }).lean();
    expect(reply?.status).toBe('streaming');
    expect(
      await eventually(
        () => chargesWhere(where),
        (c) => c.length > 0,
      ),
    ).toMatchObject([{ _id: reply!._id, totalTokens: 6 }]);
    expect(await chargesOnReplies(where)).toEqual([]);
    expect(await eventually(leasesOfUser, (n) => n === 0)).toBe(0);
  });
});
