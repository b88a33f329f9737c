import { describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { storeReply } from '../../src/modules/chats/exchange.service.js';
import { finishInterrupted } from '../../src/modules/chats/interrupted-replies.js';
import {
  acquireLease,
  releaseLease,
  renewLeases,
  surelyHeld,
} from '../../src/modules/chats/generation/leases.js';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { Message, type MessageDoc } from '../../src/modules/chats/message.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { chargesWhere } from '../helpers/charges.js';

// 3 s leases: renewed every second; a lease is "surely held" with more than 1 s left.
const ctx = useChatApp({ GENERATION_LEASE_SECONDS: '3' });
const TTL = 3000;

/** A chat with one exchange, its reply set back to a running one (streaming, no charge yet). */
async function runningReply(content: string): Promise<MessageDoc> {
  ctx.upstream.script({ chunks: ['first answer'] });
  const sent = await ctx.request().post('/api/chats').set(ctx.user.auth).send({ message: 'q' });
  expect(sent.status).toBe(201);
  const replyId = new Types.ObjectId(sent.body.messages[1].id as string);
  await Message.collection.updateOne(
    { _id: replyId },
    { $set: { status: 'streaming', content }, $unset: { charge: '' } },
  );
  return (await Message.findById(replyId).lean<MessageDoc>())!;
}

describe('a renewal by _id that lands after the lease was taken', () => {
  it('when the sweep claimed the lapsed lease while the renewal (sent by _id after a late tick) was held up, then the renewal reports it lost and the holder does not count it surely held', async () => {
    const reply = await runningReply('partial');
    // The holder's lease: its last renewal's expiry just passed (it stalled), document inserted
    // by this holder (so it has an `_id` and is renewed by `_id` while surely held).
    const now = Date.now();
    const lease = (await acquireLease(
      String(reply.userId),
      String(reply.chatId),
      new Date(now - TTL - 100),
    ))!;
    expect(lease.id).toBeDefined();
    await Message.collection.updateOne(
      { _id: reply._id },
      { $set: { lease: { slot: lease.slot, token: lease.token } } },
    );
    const running = (await Message.findById(reply._id).lean<MessageDoc>())!;
    // A late tick (the event loop paused) 1.4 s before the expiry: more than a third of the
    // lease left, so the renewal goes by `_id` alone; the database holds that write up.
    const tickAt = new Date(lease.heldUntil - 1400);
    // Meanwhile another instance's sweep takes the lapsed lease and finishes the reply.
    const swept = await finishInterrupted(running);
    expect(swept).toMatchObject({ status: 'incomplete', error: { code: 'INTERRUPTED' } });
    expect(await Generation.countDocuments({ userId: reply.userId })).toBe(0);
    // The held renewal lands now: it matched nothing.
    const lost = await renewLeases([lease], tickAt);
    expect(lost).toEqual([lease]);
    expect(surelyHeld(lease)).toBe(false);
    // So the holder's final write keeps its guard and changes nothing: charged once.
    const stored = await storeReply(
      {
        ...running,
        status: 'complete',
        content: 'partial and the rest',
        charge: {
          model: running.model ?? 'x',
          day: '2026-01-01',
          promptTokens: 5,
          completionTokens: 5,
          totalTokens: 10,
          estimated: false,
        },
      },
      {},
      lease,
    );
    expect(stored.settled?.status).toBe('incomplete');
    const after = (await Message.findById(reply._id).lean<MessageDoc>())!;
    expect(after).toMatchObject({ status: 'incomplete', error: { code: 'INTERRUPTED' } });
    const charges = (await chargesWhere({ userId: reply.userId })).filter((c) =>
      String(c._id).startsWith(String(reply._id)),
    );
    expect(charges).toHaveLength(1);
    await releaseLease(lease);
  });

  it('when another send took the lapsed slot over while the renewal by _id was held up, then the renewal reports it lost and does not renew the new holder; the old holder’s release leaves the new slot', async () => {
    const userId = String(new Types.ObjectId());
    const chatId = String(new Types.ObjectId());
    const now = Date.now();
    const old = (await acquireLease(userId, chatId, new Date(now - TTL - 100)))!;
    const tickAt = new Date(old.heldUntil - 1400);
    // A new send of the user takes the lapsed slot over (same document, its own token).
    const taker = (await acquireLease(userId, chatId))!;
    expect(taker.slot).toBe(old.slot);
    const takerUntil = (await Generation.findById(old.id).lean())!.expiresAt.getTime();
    const lost = await renewLeases([old], tickAt);
    expect(lost).toEqual([old]);
    expect(surelyHeld(old)).toBe(false);
    // The old holder's reply ends and gives its slot back: the taker's stays.
    await releaseLease(old);
    const slot = await Generation.findById(old.id).lean();
    expect(slot?.token).toBe(taker.token);
    expect(slot!.expiresAt.getTime()).toBe(takerUntil);
    await releaseLease(taker);
  });
});
