import { config } from '../../../lib/config.js';
import { AppError } from '../../../lib/errors.js';
import { toAppError } from '../../../lib/http/error-handler.js';
import { cutText, isHighSurrogate, wellFormed } from '../../../lib/text.js';
import { releaseLeaseSurely } from './leases.js';
import { keepLeaseAlive, stopRenewing } from './lease-renewal.js';
import {
  GenerationAbort,
  LeaseLost,
  registerGeneration,
  unregisterGeneration,
} from './registry.js';
import { logger } from '../../../lib/logger.js';
import {
  describeUpstreamFailure,
  upstreamError,
  type CompletionEvent,
} from '../../../lib/llm/index.js';
import { afterRequestLeaves, startCompletion } from './started-completion.js';
import { CheckpointWriter } from '../checkpoint-writer.js';
import { watchRemoteFollowers, type FollowerAware } from '../remote-followers.js';
import type { ChatDoc } from '../chat.model.js';
import type { Exchange } from '../exchange.service.js';
import { storeReply } from '../exchange.service.js';
import { unlinkIfChatGone } from '../chats.cleanup.js';
import { INTERRUPTED, noteCallSent } from '../interrupted-replies.js';
import { replyHoldsCharge, type MessageDoc, type ProviderFailure } from '../message.model.js';
import type { ReplyStream } from '../reply-stream.js';
import { observeReply } from '../../../lib/metrics.js';
import {
  chargeOf,
  countCharge,
  entryOf,
  recordEntries,
  recordUsage,
  type ModelCall,
} from '../../usage/index.js';

export interface GenerationOptions {
  /**
   * Every provider event but the text (finish, usage, tool calls, a reasoning model's thinking,
   * and a refusal where it is not shown as the text: /v1), for protocols that relay them (/v1, the
   * AI SDK route's reasoning parts); none once the reply reached MAX_REPLY_CHARS. Called in order
   * with the text: a pushed chunk has reached the pacing readers first.
   */
  onEvent?: (event: CompletionEvent, interrupt: AbortSignal) => Promise<void> | void;
}

export interface GenerationResult {
  /** The assistant message as stored (or as it would have been, when storing failed). */
  message: MessageDoc;
  /** Set when the reply failed or could not be stored; the stream ends with an `error` event. */
  error: AppError | null;
  /** The chat as stored once the reply settled it, for its `done` event (absent: not stored). */
  storedChat?: ChatDoc;
}

/**
 * Sends an exchange's model call ahead of its reply, and holds it as a running generation while
 * it is awaited (registered, its lease renewed): a /v1 stream waits for the provider's answer
 * before it chooses between a stream and a JSON error, for as long as the call's timeout and
 * retries allow, and stop, shutdown and the slot's lease must reach it meanwhile as they reach a
 * reply. runGeneration takes both over: the caller runs the reply (runReply) whatever the answer.
 */
export function startHeldCompletion(exchange: Exchange): Exchange {
  const completion = exchange.completion ?? startCompletion(exchange);
  registerGeneration(exchange.lease.token, completion.controller);
  keepLeaseAlive(exchange.lease);
  return { ...exchange, completion };
}

/**
 * Calls the model and hands each content chunk to the reply's readers as it arrives; nothing
 * touches the database per chunk: the text is checkpointed at most every STREAM_CHECKPOINT_MS (less
 * often when more replies stream here than STREAM_CHECKPOINTS_PER_SECOND).
 * The reply (stored `streaming` when the exchange began) is finished once at the end: `complete`,
 * `incomplete` (no reader left, stop, shutdown) or `error`. The generation slot is released
 * whatever happens.
 */
export async function runGeneration(
  exchange: Exchange,
  reply: ReplyStream,
  options: GenerationOptions = {},
): Promise<GenerationResult> {
  const c = config();
  const { lease } = exchange;
  const { controller } = reply;
  // The reply's chunks are its text (a continued answer's stored text first, see openReply): it
  // is joined when needed, not kept as one growing string.
  const textSoFar = () => reply.text();
  registerGeneration(lease.token, controller);
  // Its chat written beside its first events (Exchange.chatWritten): when that failed (its chat or
  // branch deleted meanwhile and the exchange taken back, or the database unavailable), the reply
  // stops and ends with that error; its final write then finds a taken-back reply gone.
  // Mapped as a request's error is (the same write fails a JSON answer with that status).
  let chatFailure: AppError | null = null;
  exchange.chatWritten?.catch((error: unknown) => {
    if (!(error instanceof AppError))
      logger.error({ err: error, chatId: lease.chatId }, 'could not write the chat of a reply');
    chatFailure = toAppError(error);
    controller.abort(new GenerationAbort('stop'));
  });
  // An exchange that is not stored has no document to checkpoint.
  const checkpoints =
    exchange.persist === false
      ? null
      : new CheckpointWriter(exchange.assistant._id, c.STREAM_CHECKPOINT_MS, textSoFar, lease, {
          followedIntervalMs: c.RESUME_POLL_MS,
          writesPerSecond: c.STREAM_CHECKPOINTS_PER_SECOND,
        });
  // Checkpointed as often as they poll while readers on other instances follow it.
  const unwatch = checkpoints
    ? watchRemoteFollowers(exchange.assistant._id, new FollowedReply(reply, checkpoints))
    : () => undefined;
  // Renewed with every other lease of this process on one shared timer (see lease-renewal).
  keepLeaseAlive(lease);

  // A plain send started its model call while storing its messages (started-completion.ts).
  const completion = exchange.completion ?? startCompletion(exchange, controller);
  // A regenerate's or a continue's answer was stored before its call: it says so until now.
  if (exchange.assistant.lease?.unsent)
    void afterRequestLeaves(completion).then(() =>
      noteCallSent(exchange.assistant._id, lease.token),
    );
  const started = completion.startedAt;
  let ttftMs: number | null = null;
  let finishReason: string | null = null;
  let usage: MessageDoc['usage'] = null;
  let failure: AppError | null = null;
  let provider: ProviderFailure | undefined;
  // What the model wrote besides the reply's text (/v1: tool calls' names and arguments, a
  // refusal; a reasoning model's thinking, which the reply leaves out), charged as output like
  // text.
  const otherOutput: string[] = [];
  // Kept in memory (and by /v1's relays) as the text is: bounded by MAX_REPLY_CHARS as it is.
  let otherChars = 0;
  // A chat's reply shows a refusal as its text; a /v1 caller gets it apart (`refusal`), by onEvent.
  const refusalIsText = exchange.passthrough === undefined;
  // Set once the model call is over: its last writes are then what shutdown waits for.
  let settled: () => void;
  // Past MAX_REPLY_CHARS the model is left: the reply ends there, as one the token limit cut.
  let capped = false;
  const leaveAtCap = () => {
    capped = true;
    finishReason = 'length';
    completion.reply.close();
  };
  // The first half of a character the provider split between two deltas (a surrogate pair sent
  // as two JSON escapes), held for the next one: the reply's text never ends inside a character,
  // so a checkpoint (stored as UTF-8) and an event id's offset are always whole characters, and a
  // reader on another instance gets the same text. A half left at the end is no character: dropped.
  let heldHalf = '';
  // Called as each event is read: nothing is awaited per chunk unless a reader's socket is full.
  const onModelEvent = (event: CompletionEvent): Promise<void> | void => {
    if (capped) return;
    if (event.type === 'delta' || (event.type === 'refusal' && refusalIsText)) {
      completion.timing.delta();
      ttftMs ??= Math.round(performance.now() - started);
      let content = heldHalf + event.content;
      heldHalf = '';
      if (isHighSurrogate(content.charCodeAt(content.length - 1))) {
        heldHalf = content.slice(-1);
        content = content.slice(0, -1);
      }
      // A half the next delta did not complete (or a low half alone) is no character: U+FFFD, as
      // the database would store it, so live readers see what the stored reply and a replay hold.
      content = wellFormed(content);
      const room = c.MAX_REPLY_CHARS - reply.length;
      const text = content.length > room ? cutText(content, room) : content;
      if (text !== content) leaveAtCap();
      if (text.length === 0) return;
      // Held only while a reader's socket is full (backpressure).
      const pushed = reply.push(text);
      checkpoints?.grew(reply.length);
      return pushed;
    }
    if (event.type === 'finish') finishReason = event.finishReason;
    else if (event.type === 'usage') usage = event.usage;
    else {
      const other =
        event.type === 'toolCalls'
          ? event.toolCalls.flatMap((call) => [
              call.function?.name ?? '',
              call.function?.arguments ?? '',
            ])
          : [event.content];
      otherChars += other.reduce((sum, text) => sum + text.length, 0);
      // A model that thinks (or calls tools) past the cap is left as one whose text reaches it.
      if (otherChars > c.MAX_REPLY_CHARS) return leaveAtCap();
      otherOutput.push(...other);
    }
    return options.onEvent?.(event, controller.signal);
  };
  try {
    await completion.reply.read(onModelEvent);
  } catch (error) {
    // Counted apart from the aborts of our side (the relays of /v1's events do not fail).
    completion.timing.failed(error, controller.signal);
    const reason: unknown = controller.signal.reason;
    if (!(reason instanceof GenerationAbort) && !(reason instanceof LeaseLost)) {
      failure = upstreamError(error);
      const upstream = describeUpstreamFailure(error);
      // Kept with the reply: /v1 answers with the provider's status (and its wait), and so does
      // a repeat of a stored completion.
      if (upstream.status !== undefined)
        provider = {
          status: upstream.status,
          ...(upstream.retryAfterSeconds !== undefined
            ? { retryAfterSeconds: upstream.retryAfterSeconds }
            : {}),
          at: new Date(),
        };
      logger.warn({ upstream, code: failure.code, chatId: lease.chatId }, 'model reply failed');
    }
  } finally {
    // Left before its end (aborted, or a reader's error): the model's connection is dropped.
    completion.reply.close();
    settled = unregisterGeneration(lease.token, lease.userId);
    unwatch();
  }
  // How the call ended is decided now: a cut that comes later (its last reader leaving while the
  // chat's write is slow) cuts nothing, and must not store a finished reply as `incomplete`.
  const abort =
    controller.signal.reason instanceof GenerationAbort ? controller.signal.reason : null;
  // Its lease taken while this process stalled (lease-renewal.ts): it ends as the interrupted
  // sweep ends a reply whose instance died, with the text it has here.
  const interrupted = controller.signal.reason instanceof LeaseLost;
  try {
    // The reply settles the chat's kept turns after the chat's own write, and finds it gone
    // after its exchange was taken back. Its lease is renewed until the slot goes back (release,
    // in storeOutcome): a chat write the database holds up (its write lock retried), or a final
    // write tried again while the database is away, may take a good part of the lease, and the
    // reply is not settled before it.
    await exchange.chatWritten?.catch(() => undefined);
    return await storeOutcome(exchange, reply, checkpoints, {
      abort,
      interrupted,
      failure: failure ?? chatFailure,
      provider,
      finishReason,
      usage,
      ttftMs,
      durationMs: Math.round(performance.now() - started),
      otherOutput: otherOutput.join(''),
    });
  } finally {
    // Stopped already when the slot went back; not left renewed by a storeOutcome that threw.
    stopRenewing(lease);
    // Shutdown closes the database only after this (registry.ts runningGenerations).
    settled();
  }
}

/**
 * Told whether a reader on another instance follows the reply: its checkpoints are written as
 * often as that reader polls, and it counts as one of the reply's readers here, so a reply
 * followed from elsewhere does not wait for a reader (reply-detach.ts): it is not cut when its
 * grace ends, nor for a new send of its user.
 */
class FollowedReply implements FollowerAware {
  private countedOut: ((waitedOut?: boolean) => void) | null = null;

  constructor(
    private readonly reply: ReplyStream,
    private readonly checkpoints: CheckpointWriter,
  ) {}

  followedElsewhere(followed: boolean): void {
    this.checkpoints.followedElsewhere(followed);
    if (followed) this.countedOut ??= this.reply.attach();
    else {
      // Its heartbeat lapsed (or the reply ended): its client has been gone for a grace.
      this.countedOut?.(true);
      this.countedOut = null;
    }
  }
}

/** What the model call left: how it ended and what it cost. */
interface ReadOutcome {
  /** Why the call was cut from outside before it ended (null: it ended by itself or failed). */
  abort: GenerationAbort | null;
  /** Cut because its lease was taken (LeaseLost): stored as the interrupted sweep finishes one. */
  interrupted: boolean;
  failure: AppError | null;
  /** What the provider answered, when its answer was the failure. */
  provider?: ProviderFailure;
  finishReason: string | null;
  usage: MessageDoc['usage'];
  ttftMs: number | null;
  durationMs: number;
  /** What the model wrote besides the reply's text (tool calls, a refusal), as text: output too. */
  otherOutput: string;
}

/**
 * A fallback ledger entry's check once it is in: one that lands after its chat (or account) was
 * deleted is unlinked as the deletion would have (it lands late when the database was away at its
 * first attempt). Built only on those failure paths.
 */
const unlinkedIfLate = (call: ModelCall, message: MessageDoc) => () =>
  unlinkIfChatGone(call.id, message.chatId, message.userId);

/**
 * Stores how a reply ended: its final state once, with what the call cost (on the reply, or in the
 * ledger), the slot given back; what it returns is what the readers' last event says.
 */
async function storeOutcome(
  exchange: Exchange,
  reply: ReplyStream,
  checkpoints: CheckpointWriter | null,
  {
    abort,
    interrupted,
    failure,
    provider,
    finishReason,
    usage,
    ttftMs,
    durationMs,
    otherOutput,
  }: ReadOutcome,
): Promise<GenerationResult> {
  const { lease } = exchange;
  const aborted = abort !== null || interrupted;
  const content = reply.text();
  const message: MessageDoc = {
    ...exchange.assistant,
    content,
    status: failure ? 'error' : aborted ? 'incomplete' : 'complete',
    finishReason: failure || aborted ? null : finishReason,
    usage,
    error: failure
      ? { code: failure.code, message: failure.message, ...(provider ? { provider } : {}) }
      : interrupted
        ? { ...INTERRUPTED }
        : null,
    stopReason: !failure && abort ? abort.kind : null,
    ttftMs,
    durationMs,
  };
  observeReply(exchange.model, {
    status: message.status,
    abortedBy: abort?.kind,
    errorCode: failure?.code,
    interrupted,
  });
  const call: ModelCall = {
    id: exchange.callId ?? message._id,
    userId: message.userId,
    chatId: exchange.persist === false ? null : message.chatId,
    model: exchange.model,
    prompt: exchange.turns,
    // A continue is charged for what it added, not for the text it started from; tool calls and
    // a refusal are output too (a call that wrote only those generated something: charged).
    completion: content.slice(exchange.assistant.content.length) + otherOutput,
    usage,
    failed: failure !== null,
    // The day the budget admitted it (on the reply's lease), even when it ends after midnight.
    at: exchange.assistant.lease?.at,
  };
  // A stored reply's own call is charged on the reply, in its final write (message.model.ts
  // `charge`): no ledger write of its own. Any other call (an unstored /v1 one, a continue, whose
  // answer is charged already) gets a ledger entry beside that write. The slot is given back once
  // the tokens are where budgets read them (the reply's write, or both), beside the write that
  // settles the chat (storeReply's `onceStored`). recordUsage does not fail (a ledger it cannot
  // reach is retried in the background); the slot goes back even if the reply's write did.
  const chargedOnReply = exchange.persist !== false && exchange.callId === undefined;
  // chargeOf does not fail (a count it cannot make is no charge).
  const charging = chargeOf(call);
  const recorded = chargedOnReply
    ? Promise.resolve()
    : recordUsage(call, {}, charging).catch(() => undefined);
  let releasing: Promise<void> | undefined;
  const release = () =>
    (releasing ??= recorded.then(() => {
      // Renewed until now, through a final write tried again while the database was away.
      stopRenewing(lease);
      return releaseLeaseSurely(lease);
    }));
  try {
    const [charge] = await Promise.all([charging, checkpoints?.close()]);
    // The reply's own call carries its charge, also when the reply is not stored (an unstored /v1
    // call answers with it when its provider reported no usage); a continue's never does.
    if (charge && exchange.callId === undefined) message.charge = charge;
    // An exchange that asked not to be stored (/v1 without `store`) keeps nothing but its lease.
    const stored: Awaited<ReturnType<typeof storeReply>> =
      exchange.persist === false
        ? { error: null }
        : await storeReply(
            message,
            // A continue has a call id of its own (the answer's id names the first call).
            { context: exchange.context, answerChanged: exchange.callId !== undefined },
            lease,
            release,
          );
    // Someone else finished it first: its lease had lapsed, so it was taken for interrupted (and
    // charged: interrupted-replies.ts).
    if (stored.settled) return { message: stored.settled, error: failure };
    if (charge && chargedOnReply) {
      // The write failed: the call goes into the ledger instead, retried until the database is
      // back. The reply, still `streaming`, is finished by the interrupted sweep, whose entry under
      // the same id the ledger then refuses (or this one, when the sweep was first): charged once,
      // whether the reply is deleted before or after. A write that landed with only its answer
      // lost left the charge on the reply: each attempt reads it first and then writes nothing.
      // (One still on its way to the database when that read is answered would count twice.)
      // The metrics count the call where its charge lands: on the reply, or as a new entry (the
      // sweep's counts itself when it is first).
      if (stored.unwritten)
        await recordEntries([entryOf(call, charge)], true, {
          heldElsewhere: async () => {
            const held = await replyHoldsCharge(message._id);
            if (held) countCharge(charge);
            return held;
          },
          afterRecorded: unlinkedIfLate(call, message),
        });
      else {
        countCharge(charge);
        // Deleted before this write: the call goes into the ledger before the slot is given back
        // (a chat's deletion waits for that: chats.service.ts endReplies), without the chat when
        // that went too; a branch's deletion leaves the call in its chat's usage, as it leaves the
        // calls of the replies it deletes.
        if (stored.gone)
          await recordEntries(
            [entryOf(stored.gone === 'chat' ? { ...call, chatId: null } : call, charge)],
            false,
            { afterRecorded: unlinkedIfLate(call, message) },
          );
      }
    }
    const storeError = stored.error;
    // An answer that was not stored must not look finished to the client.
    if (storeError && !failure) {
      return {
        message: {
          ...message,
          status: 'error',
          finishReason: null,
          error: { code: storeError.code, message: storeError.message },
          stopReason: null,
        },
        error: storeError,
      };
    }
    return { message, error: failure ?? storeError, storedChat: stored.chat };
  } finally {
    await release();
  }
}
