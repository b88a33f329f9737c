import { config } from '../../lib/config.js';
import { Generation } from './generation/generation.model.js';
import { logger } from '../../lib/logger.js';
import { textBytes } from './chats.quota.js';
import { Message, type MessageDoc } from './message.model.js';
import { liveReply } from './reply-stream.js';

export const INTERRUPTED = {
  code: 'INTERRUPTED',
  message: 'The reply was interrupted: the server generating it stopped',
};

/**
 * Whether the instance writing a streaming reply still holds its generation lease. A crashed
 * instance stops renewing it, so it lapses after GENERATION_LEASE_SECONDS; one that finished
 * normally stored the final state before releasing it.
 */
export async function isGenerationAlive(reply: MessageDoc, now = new Date()): Promise<boolean> {
  if (liveReply(String(reply._id))) return true;
  if (!reply.lease) return false;
  const lease = await Generation.exists({
    userId: reply.userId,
    slot: reply.lease.slot,
    token: reply.lease.token,
    expiresAt: { $gt: now },
  });
  return lease !== null;
}

/**
 * Finishes a reply whose instance died: `incomplete` with its last checkpoint and error
 * INTERRUPTED, and frees the user's slot. The update applies only while the reply is `streaming`,
 * so whichever instance notices first finishes it and the others change nothing (a repeat would
 * write the same values). Returns the reply as stored afterwards.
 */
export async function finishInterrupted(reply: MessageDoc, now = new Date()): Promise<MessageDoc> {
  const result = await Message.collection.updateOne(
    { _id: reply._id, status: 'streaming' },
    {
      $set: {
        status: 'incomplete',
        finishReason: null,
        error: INTERRUPTED,
        bytes: textBytes(reply.content),
      },
    },
  );
  if (result.modifiedCount > 0) {
    logger.info({ replyId: String(reply._id) }, 'reply interrupted: its instance stopped');
    if (reply.lease) {
      await Generation.deleteOne({
        userId: reply.userId,
        slot: reply.lease.slot,
        token: reply.lease.token,
        expiresAt: { $lte: now },
      });
    }
  }
  return (await Message.findById(reply._id).lean<MessageDoc>()) ?? reply;
}

/** The messages of a page, with any reply whose instance died finished on the way (readers see it final). */
export async function settleStreaming(messages: MessageDoc[]): Promise<MessageDoc[]> {
  if (!messages.some((m) => m.status === 'streaming')) return messages;
  return Promise.all(
    messages.map(async (m) =>
      m.status === 'streaming' && !(await isGenerationAlive(m)) ? finishInterrupted(m) : m,
    ),
  );
}

/** One pass of the sweep: every streaming reply whose lease lapsed is finished as interrupted. */
export async function sweepInterrupted(now = new Date()): Promise<number> {
  const streaming = await Message.find({ status: 'streaming' }).limit(500).lean<MessageDoc[]>();
  let finished = 0;
  for (const reply of streaming) {
    if (await isGenerationAlive(reply, now)) continue;
    const settled = await finishInterrupted(reply, now);
    if (settled.error?.code === INTERRUPTED.code) finished += 1;
  }
  return finished;
}

let sweeper: NodeJS.Timeout | undefined;

/** Runs the sweep every half lease on this instance, so no reply stays `streaming` for long after a crash. */
export function startInterruptedSweep(): void {
  if (sweeper) return;
  let busy = false;
  const everyMs = Math.max(1000, (config().GENERATION_LEASE_SECONDS * 1000) / 2);
  const sweep = async () => {
    if (busy) return;
    busy = true;
    try {
      await sweepInterrupted();
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'interrupted-reply sweep failed');
    } finally {
      busy = false;
    }
  };
  sweeper = setInterval(() => void sweep(), everyMs);
  sweeper.unref();
}

export function stopInterruptedSweep(): void {
  if (sweeper) clearInterval(sweeper);
  sweeper = undefined;
}
