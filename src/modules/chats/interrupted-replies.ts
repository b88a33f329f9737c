import { config } from '../../lib/config.js';
import type { Types } from '../../lib/db/mongoose.js';
import { answerSoFar, fitToBudget, type ChatTurn } from '../../lib/llm/index.js';
import { recordUsage } from '../usage/index.js';
import { Tree, withContent } from './branch.tree.js';
import { Chat } from './chat.model.js';
import { Generation, type GenerationDoc } from './generation/generation.model.js';
import { dropFlagsOf, dropFlagsOfEndedLeases, type Lease } from './generation/leases.js';
import { logger } from '../../lib/logger.js';
import { runPeriodically, type PeriodicJob } from '../../lib/periodic.js';
import { textBytes } from './chats.quota.js';
import { inAnswerTurn, Message, type MessageDoc } from './message.model.js';
import { forgetExpiredIdempotencyKeys } from './idempotency.model.js';
import { forgetLapsedReaders } from './reply-reader.model.js';
import { liveReply } from './reply-stream.js';
import { searchKeys } from './search-terms.js';
import { hasText } from '../../lib/text.js';

export const INTERRUPTED = {
  code: 'INTERRUPTED',
  message: 'The reply was interrupted: the server generating it stopped',
} as const;

/**
 * The streaming replies among `replies` whose generation is alive: running here, or whose instance
 * still holds its lease. A crashed instance stops renewing it, so it lapses after
 * GENERATION_LEASE_SECONDS; one that finished normally stored the final state before releasing
 * it. The leases of them all in one read (the embedded database would scan them for each).
 */
async function aliveReplies(replies: MessageDoc[], now: Date): Promise<Set<MessageDoc>> {
  const alive = new Set(replies.filter((reply) => liveReply(String(reply._id))));
  const leased = replies.filter((reply) => reply.lease && !alive.has(reply));
  if (leased.length === 0) return alive;
  const leases = await Generation.collection
    .find<Pick<GenerationDoc, 'userId' | 'slot' | 'token'>>(
      { token: { $in: leased.map((reply) => reply.lease!.token) }, expiresAt: { $gt: now } },
      { projection: { userId: 1, slot: 1, token: 1 } },
    )
    .toArray();
  const held = new Map(leases.map((lease) => [lease.token, lease]));
  for (const reply of leased) {
    const found = held.get(reply.lease!.token);
    if (found?.userId.equals(reply.userId) && found.slot === reply.lease!.slot) alive.add(reply);
  }
  return alive;
}

/** Whether the generation of a streaming reply is alive (see aliveReplies). */
export async function isGenerationAlive(reply: MessageDoc, now = new Date()): Promise<boolean> {
  return (await aliveReplies([reply], now)).has(reply);
}

/**
 * Takes the lapsed lease of a reply taken for dead, before the reply is finished: false when its
 * lease is alive after all (renewed since it was read: a holder whose renewals had stalled). A
 * renewal that comes after this finds no lease to renew, so the holder's writes keep their guard
 * on the reply's state and find it finished (charged once, by whoever finished it).
 */
async function claimLapsedLease(reply: MessageDoc, now: Date): Promise<boolean> {
  if (!reply.lease) return true;
  const lease = { userId: reply.userId, slot: reply.lease.slot, token: reply.lease.token };
  const claimed = await Generation.deleteOne({ ...lease, expiresAt: { $lte: now } });
  return claimed.deletedCount > 0 || (await Generation.exists(lease)) === null;
}

/**
 * Finishes a reply whose instance died: `incomplete` with its last checkpoint and error
 * INTERRUPTED, and frees the user's slot. The update applies only while the reply is `streaming`,
 * so whichever instance notices first finishes it and the others change nothing (a repeat would
 * write the same values). It applies only while the reply holds the text it was read with: its
 * size and search keys are that text's, and a checkpoint that landed since (a writer that was
 * slow, not dead) leaves it streaming until the next look, which reads the newer text. Returns
 * the reply as stored afterwards.
 */
export async function finishInterrupted(reply: MessageDoc, now = new Date()): Promise<MessageDoc> {
  if (!(await claimLapsedLease(reply, now)))
    return (await Message.findById(reply._id).lean<MessageDoc>()) ?? reply;
  const result = await inAnswerTurn(reply._id, () =>
    Message.collection.updateOne(
      // Under the lease it was read with: a reply that ended since and was continued is
      // streaming again with the same text, under a lease of its own that is alive.
      {
        _id: reply._id,
        status: 'streaming',
        content: reply.content,
        'lease.token': reply.lease?.token ?? null,
      },
      {
        $set: {
          status: 'incomplete',
          finishReason: null,
          error: INTERRUPTED,
          // Its instance died: the error says so (a continue's claim cleared an earlier cut's).
          stopReason: null,
          bytes: textBytes(reply.content),
          // Its last checkpoint is now its final text: searchable by its words from here on.
          ...searchKeys(reply.content),
        },
      },
    ),
  );
  if (result.modifiedCount > 0) {
    logger.info({ replyId: String(reply._id) }, 'reply interrupted: its instance stopped');
    // Flags raised for the instance that died: none will read them.
    if (reply.lease) await dropFlagsOf(reply.lease.token);
  }
  const stored = (await Message.findById(reply._id).lean<MessageDoc>()) ?? reply;
  // Only the instance whose update won charges the ledger, with the text as it was finished: a
  // continue's call (named on the lease) for what it added, whatever holds the call that began
  // the answer; a reply's call for its text, unless the reply holds that charge.
  if (result.modifiedCount > 0) {
    const continued = stored.lease?.callId ? stored.lease : undefined;
    if (continued?.callId && continued.from !== undefined)
      await recordInterruptedUsage(
        stored,
        continued.callId,
        stored.content.slice(0, continued.from),
      );
    else if (!stored.charge) await recordInterruptedUsage(stored, stored._id, '');
  }
  return stored;
}

/**
 * Finishes the reply whose lapsed lease `lease` took the slot over from (its instance died), as
 * the sweep would: the user's send that took it checks the day's budget under the slot next, and
 * that total must hold the dead reply's tokens, or a retry after the crash passed on a day that
 * lacks them (README "Budgets": every call records before its slot is used again). The takeover
 * replaced the lapsed lease, which is the sweep's claim too (claimLapsedLease finds it gone), and
 * the reply's finish applies only while it streams: charged once, by the sweep or by this. A lease
 * that held no stored reply (a title, an unstored /v1 call) finds none. Never fails the send: a
 * reply not finished here is the sweep's.
 */
export async function finishTakenOver<L extends Lease | null>(lease: L): Promise<L> {
  if (!lease?.tookOver) return lease;
  try {
    const reply = await Message.findOne({
      chatId: lease.tookOver.chatId,
      status: 'streaming',
      'lease.token': lease.tookOver.token,
    }).lean<MessageDoc>();
    if (reply) await finishInterrupted(reply);
  } catch (error) {
    logger.warn(
      { err: (error as Error).message, chatId: String(lease.tookOver.chatId) },
      'could not finish the reply of a lapsed slot; the sweep will',
    );
  }
  return lease;
}

/**
 * What the model was most likely sent for a reply: the stored thread from the root to its
 * question, under the chat's system prompt and history budget, as the exchange built it. The
 * prompt itself is not stored, so this is an estimate (an edit since then would change it).
 */
async function promptOf(reply: MessageDoc, before: string): Promise<ChatTurn[]> {
  const chat = await Chat.findById(reply.chatId).lean();
  if (!chat || !reply.parentId) return [];
  const tree = await Tree.load(reply.chatId);
  const path = await withContent(tree.pathTo(reply.parentId));
  const turns: ChatTurn[] = path
    .filter((m) => hasText(m.content) && m.status !== 'error')
    .map((m) => ({ role: m.role, content: m.content }));
  const budget = config().HISTORY_TOKEN_BUDGET;
  // A continue's, as it sent it: the answer so far last, the history fitted around it.
  if (before) turns.push({ role: 'assistant', content: answerSoFar(before, budget) });
  return fitToBudget(chat.systemPrompt, turns, budget);
}

/**
 * Charges the ledger for a call whose instance died before it could (the runner records usage
 * only once the call ends): both sides estimated, the prompt from the stored thread and the
 * completion from the last checkpoint. A reply's call goes under the reply's id, the id of the
 * call that began it; a continue's under its own id, named on the answer's lease, for the text it
 * added after `before` (the answer as it began). A runner that was not dead after all finds the
 * reply settled and charges nothing (generation.runner.ts); one whose final write failed records
 * under the same id, which the ledger takes once: never twice.
 */
async function recordInterruptedUsage(
  reply: MessageDoc,
  callId: Types.ObjectId,
  /** The answer as the call began it: a continue's, sent last in its prompt (empty for a reply). */
  before: string,
): Promise<void> {
  let prompt: ChatTurn[] = [];
  try {
    prompt = await promptOf(reply, before);
  } catch (error) {
    // The completion is still worth charging; the prompt then counts as empty.
    logger.warn({ err: (error as Error).message }, 'could not rebuild an interrupted prompt');
  }
  await recordUsage({
    id: callId,
    userId: reply.userId,
    chatId: reply.chatId,
    model: reply.model ?? 'unknown',
    prompt,
    completion: reply.content.slice(before.length),
    usage: null,
    // A reply under a lease was admitted by the budget and its call went out (a plain send sends
    // it before storing, the others as they start): with nothing checkpointed, its prompt is
    // still charged, as a stopped reply's is. One whose call had not gone out (`unsent`: a
    // regenerate or a continue that a failure, or its instance's end, stopped before it was
    // sent), or one stored before leases were kept, has nothing to charge without text.
    failed: !reply.lease || reply.lease.unsent === true,
    // Charged to the day the budget admitted the call, as a call that ended is (replies stored
    // before the lease said so: when the reply was created, or a continue's call id was made).
    at: reply.lease?.at ?? (callId.equals(reply._id) ? reply.createdAt : callId.getTimestamp()),
  });
}

/**
 * Notes that the model call of a regenerate or a continue, stored before it was sent (`unsent`),
 * has gone out: from now on an interrupted finish charges its prompt. Under the lease that sent
 * it, in the answer's turn; never fails (a note that could not be written leaves such a reply,
 * should it die before any text, uncharged rather than charged for a call never made).
 */
export async function noteCallSent(replyId: Types.ObjectId, token: string): Promise<void> {
  try {
    await inAnswerTurn(replyId, () =>
      Message.collection.updateOne(
        { _id: replyId, 'lease.token': token },
        { $unset: { 'lease.unsent': '' } },
      ),
    );
  } catch (error) {
    logger.warn(
      { err: (error as Error).message, replyId: String(replyId) },
      'could not note that a call went out',
    );
  }
}

/** The messages of a page, with any reply whose instance died finished on the way (readers see it final). */
export async function settleStreaming(messages: MessageDoc[]): Promise<MessageDoc[]> {
  const streaming = messages.filter((m) => m.status === 'streaming');
  if (streaming.length === 0) return messages;
  const alive = await aliveReplies(streaming, new Date());
  return Promise.all(
    messages.map((m) =>
      m.status === 'streaming' && !alive.has(m) ? finishInterrupted(m) : Promise.resolve(m),
    ),
  );
}

/**
 * One pass of the sweep: every streaming reply whose lease lapsed is finished as interrupted. Read
 * a page at a time in `_id` order, to the end: while more replies stream than a page holds, the
 * live ones would otherwise fill every pass and hide a dead one behind them. Then the stop and
 * yield flags of generations that have ended go (dropFlagsOfEndedLeases): those of a reply
 * deleted with its chat, of a title or an unstored /v1 reply, which no reply's finish drops, and
 * those that reached their instance after its generation had ended.
 */
export async function sweepInterrupted(now = new Date(), pageSize = 500): Promise<number> {
  let finished = 0;
  let after: Types.ObjectId | null = null;
  for (;;) {
    const page: MessageDoc[] = await Message.find({
      status: 'streaming',
      ...(after ? { _id: { $gt: after } } : {}),
    })
      .sort({ _id: 1 })
      .limit(pageSize)
      .lean<MessageDoc[]>();
    const alive = await aliveReplies(page, now);
    for (const reply of page) {
      if (alive.has(reply)) continue;
      const settled = await finishInterrupted(reply, now);
      if (settled.error?.code === INTERRUPTED.code) finished += 1;
    }
    if (page.length < pageSize) break;
    after = page.at(-1)!._id;
  }
  await dropFlagsOfEndedLeases(now);
  return finished;
}

let sweeper: PeriodicJob | undefined;

/** Runs the sweep every half lease on this instance, so no reply stays `streaming` for long after a crash. */
export function startInterruptedSweep(): void {
  const everyMs = Math.max(1000, (config().GENERATION_LEASE_SECONDS * 1000) / 2);
  // The readers' lapsed heartbeats and expired idempotency keys go with the same pass (no TTL
  // index on FerretDB).
  sweeper ??= runPeriodically('interrupted-reply sweep', everyMs, () =>
    Promise.all([sweepInterrupted(), forgetLapsedReaders(), forgetExpiredIdempotencyKeys()]),
  );
}

export function stopInterruptedSweep(): void {
  sweeper?.stop();
  sweeper = undefined;
}
