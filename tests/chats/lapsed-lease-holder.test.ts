import { describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import {
  finishInterrupted,
  isGenerationAlive,
} from '../../src/modules/chats/interrupted-replies.js';
import { Message, type MessageDoc } from '../../src/modules/chats/message.model.js';
import { replies } from '../../src/lib/metrics.js';
import { useChatApp } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';
import { holdCall } from '../helpers/hold-call.js';

// A short lease, so a holder's renewals can be held past it; checkpoints often, so one lands
// while the sweep looks.
const ctx = useChatApp({ GENERATION_LEASE_SECONDS: '2', STREAM_CHECKPOINT_MS: '50' });

/** The renewal of this process's leases (an update of the generation slots by `_id` or token). */
const isRenewal = (args: unknown[]) => {
  const update = args[1] as { $set?: Record<string, unknown> } | undefined;
  return update?.$set !== undefined && 'expiresAt' in update.$set;
};

/** The interrupted sweep's finish of a reply: filtered on the lease the reply was read with. */
/** sigmagpt_replies_total for one outcome, summed over models. */
const repliesWith = async (outcome: string) =>
  (await replies.get()).values
    .filter((v) => v.labels.outcome === outcome)
    .reduce((sum, v) => sum + v.value, 0);

const isInterruptedFinish = (args: unknown[]) =>
  'lease.token' in ((args[0] as Record<string, unknown> | undefined) ?? {});

describe('a holder whose renewals stalled past its lease', () => {
  it('when the sweep takes its lease but a checkpoint lands before its finish, then the holder stops its reply at its next renewal, stored interrupted with its whole text, and holds no slot', async () => {
    ctx.upstream.script({ chunks: ['word '], endless: true, delayMs: 20 });
    const renewal = holdCall(Generation.collection, 'updateMany', isRenewal);
    const interruptedBefore = await repliesWith('interrupted');
    const s = ctx.stream('/api/chats', { message: 'a question', stream: true });
    try {
      await s.waitForEvent('delta');
      const meta = s.events.find((e) => e.event === 'meta')!.data as {
        assistantMessage: { id: string };
      };
      const replyId = new Types.ObjectId(meta.assistantMessage.id);
      // Its renewals stall (one write the database holds up): the lease lapses as it stands.
      await renewal.reached;
      const lease = (await Generation.findOne({ userId: ctx.user.id }).lean())!;
      await eventually(
        () => Promise.resolve(Date.now()),
        (now) => now > lease.expiresAt.getTime() + 100,
        10_000,
      );
      // The sweep of another instance reads the reply for dead (this process runs it, which
      // another would not see) and takes its lease; the holder, only slow, checkpoints before the
      // sweep's finish, which then finds newer text and leaves the reply streaming.
      const read = (await Message.findById(replyId).lean<MessageDoc>())!;
      expect(await isGenerationAlive({ ...read, _id: new Types.ObjectId() })).toBe(false);
      const finish = holdCall(Message.collection, 'updateOne', isInterruptedFinish);
      try {
        const swept = finishInterrupted(read);
        await finish.reached;
        await eventually(
          () => Message.findById(replyId).lean<MessageDoc>(),
          (m) => m !== null && m.content.length > read.content.length,
        );
        finish.release();
        expect(await swept).toMatchObject({ status: 'streaming' });
      } finally {
        finish.restore();
      }
      expect(await Message.findById(replyId).lean()).toMatchObject({ status: 'streaming' });
      expect(await Generation.countDocuments({ userId: ctx.user.id })).toBe(0);
      // The holder's renewals go on: it finds its lease gone, and stops generating.
      renewal.release();
      const stored = await eventually(
        () => Message.findById(replyId).lean<MessageDoc>(),
        (m) => m?.status !== 'streaming',
      );
      expect(stored).toMatchObject({
        status: 'incomplete',
        error: { code: 'INTERRUPTED' },
        stopReason: null,
      });
      await s.ended;
      expect(s.events.at(-1)).toMatchObject({
        event: 'error',
        data: { error: { code: 'INTERRUPTED' }, message: { status: 'incomplete' } },
      });
      const call = ctx.upstream.requests.find((r) => r.body.stream === true)!;
      await call.finished;
      expect(call.aborted).toBe(true);
      // Its whole text as it streamed, charged once (on the reply, by its holder's final write).
      expect(stored!.content.length).toBeGreaterThan(read.content.length);
      expect(stored!.charge).toBeDefined();
      // Counted as what it is (README, Metrics), not as an outcome the metric does not name.
      expect(await repliesWith('interrupted')).toBe(interruptedBefore + 1);
      expect(await repliesWith('incomplete')).toBe(0);
      expect(await Generation.countDocuments({ userId: ctx.user.id })).toBe(0);
    } finally {
      renewal.release();
      renewal.restore();
      s.close();
    }
  });
});
