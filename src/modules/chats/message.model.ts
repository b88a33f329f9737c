import { insertThroughSchema, type Insertable } from '../../lib/db/insert.js';
import { ERROR_STATUS, type ErrorCode } from '../../lib/errors.js';
import mongoose, { Schema, type Types } from '../../lib/db/mongoose.js';
import { documentKey, writeInTurn } from '../../lib/db/writes-in-turn.js';
import { chargeFields, type Charge } from '../usage/index.js';
import { surelyHeld, type Lease } from './generation/leases.js';
import { ABORT_KINDS, type AbortKind } from './generation/registry.js';
import { searchKeys } from './search-terms.js';

export type MessageStatus = 'complete' | 'streaming' | 'incomplete' | 'error';

/** Why a reply was cut from outside (registry.ts AbortKind): set with status `incomplete`. */
export type StopReason = AbortKind;
export const STOP_REASONS: readonly StopReason[] = ABORT_KINDS;

/**
 * What a reply's `error.code` can be: the code of the error that ended it (an API error code), or
 * INTERRUPTED, which no request answers with: the instance generating it stopped (interrupted-replies.ts).
 */
export type ReplyErrorCode = ErrorCode | 'INTERRUPTED';
export const REPLY_ERROR_CODES = [
  ...(Object.keys(ERROR_STATUS) as ErrorCode[]),
  'INTERRUPTED',
] as const satisfies readonly ReplyErrorCode[];

/**
 * Internal: the provider's HTTP answer that failed a reply (its status, the wait its Retry-After
 * asked for, in seconds, and when it came). The chats routes answer every provider failure 502;
 * /v1 answers its own status for it (a 429, a 503 with that wait), and a repeat of a stored
 * completion under an Idempotency-Key answers it again from here.
 */
export interface ProviderFailure {
  status: number;
  retryAfterSeconds?: number;
  at: Date;
}

/** How a reply failed: the error code and message it published, and what the provider answered. */
export interface ReplyError {
  code: ReplyErrorCode;
  message: string;
  /** Absent when no provider answered with a failure (a timeout, a broken stream, our side). */
  provider?: ProviderFailure;
}

export interface MessageDoc {
  _id: Types.ObjectId;
  chatId: Types.ObjectId;
  userId: Types.ObjectId;
  /** The message this one answers or follows; the thread is a tree. */
  parentId: Types.ObjectId | null;
  role: 'user' | 'assistant';
  content: string;
  /**
   * UTF-8 size of the content, for the user's storage cap (chats.quota.ts) and where a page of
   * messages ends (branch.service.ts).
   */
  bytes?: number;
  /**
   * Internal: the content's search keys (search-terms.ts), written with every final content. A
   * streaming reply's checkpoints leave them as they were; absent only on messages stored before
   * search keys existed, until the backfill (search-backfill.ts) reaches them.
   */
  terms?: string[];
  /**
   * Internal: the form `terms` were made in (TERMS_VERSION), written with them; absent or older on
   * messages whose terms the backfill has still to make again.
   */
  termsVersion?: number;
  status: MessageStatus;
  model: string | null;
  finishReason: string | null;
  usage: { promptTokens: number; completionTokens: number; totalTokens: number } | null;
  error: ReplyError | null;
  /** A reply cut from outside: why (absent on messages stored before it existed). */
  stopReason?: StopReason | null;
  /** Internal timing of a reply: time to first token and total duration (ms). */
  ttftMs: number | null;
  durationMs: number | null;
  createdAt: Date;
  /**
   * Internal, replies only: what the call that produced it cost, written with its final state. It
   * is the call's entry in the token ledger while the reply exists (usage.model.ts Charge), so the
   * exchange writes no ledger entry of its own; deleting the reply moves it into the ledger first
   * (message-removal.ts). Absent on replies whose call is in the ledger (stored before, ended by
   * the sweep, or not charged), and never set by a continue (its call has a ledger entry).
   */
  charge?: Charge;
  /**
   * Internal, replies only: the generation lease (slot and token) of the instance writing it while
   * `status` is `streaming`; when that lease has lapsed, the instance died and the reply is finished
   * as interrupted by whoever notices. A continue adds its own call's id and the length the answer
   * had when it began (`callId`, `from`), so that the sweep charges what it added under that id.
   * `at`: when the budget admitted the call: the day its charge counts on, whether the runner or
   * the sweep records it (a call that ends past midnight counts within its day's overshoot bound).
   * `unsent`: a regenerate or a continue stores its answer before its model call goes out (a plain
   * send sends it first); set until the runner has sent it, so that one left by a failure before
   * then is not charged for a call never made.
   */
  lease?: {
    slot: number;
    token: string;
    callId?: Types.ObjectId;
    from?: number;
    at?: Date;
    unsent?: boolean;
  } | null;
}

const messageSchema = new Schema<MessageDoc>(
  {
    chatId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    parentId: { type: Schema.Types.ObjectId, default: null },
    role: { type: String, enum: ['user', 'assistant'], required: true },
    content: { type: String, default: '' },
    bytes: { type: Number, default: 0 },
    // No default: a message without terms is one the backfill has still to reach.
    terms: { type: [String], default: undefined },
    termsVersion: { type: Number, default: undefined },
    status: {
      type: String,
      enum: ['complete', 'streaming', 'incomplete', 'error'],
      required: true,
    },
    model: { type: String, default: null },
    finishReason: { type: String, default: null },
    usage: {
      type: new Schema(
        { promptTokens: Number, completionTokens: Number, totalTokens: Number },
        { _id: false },
      ),
      default: null,
    },
    error: {
      type: new Schema(
        {
          code: String,
          message: String,
          provider: {
            type: new Schema(
              { status: Number, retryAfterSeconds: Number, at: Date },
              { _id: false },
            ),
            default: undefined,
          },
        },
        { _id: false },
      ),
      default: null,
    },
    stopReason: { type: String, enum: [...STOP_REASONS, null], default: null },
    ttftMs: { type: Number, default: null },
    durationMs: { type: Number, default: null },
    // Set by the service, not by timestamps: a reply's time is when it started, right after its question.
    createdAt: { type: Date, required: true },
    lease: {
      type: new Schema(
        {
          slot: Number,
          token: String,
          callId: Schema.Types.ObjectId,
          from: Number,
          at: Date,
          unsent: Boolean,
        },
        { _id: false },
      ),
      default: undefined,
    },
    charge: { type: new Schema(chargeFields, { _id: false }), default: undefined },
  },
  { versionKey: false },
);
messageSchema.index({ chatId: 1, createdAt: 1, _id: 1 });
// Search over a user's message text, deleting everything of a user, and the sum of the sizes of
// a user's messages (chats.quota.ts), which this index covers on MongoDB.
messageSchema.index({ userId: 1, bytes: 1 });
// Word search: one range of this multikey index per searched word prefix (chats.search.ts).
messageSchema.index({ userId: 1, terms: 1 });
// The backfill's look for terms of an older form, at every start: once all are made again, an
// empty range of this index rather than a read of every message (search-backfill.ts).
messageSchema.index({ termsVersion: 1 });
// The charges of a day, of one user (budgets, /api/usage) or of everyone (the admin totals).
messageSchema.index({ 'charge.day': 1, userId: 1 });
// The sweep for replies whose instance died looks for the few that are still streaming.
messageSchema.index({ status: 1 });

export const Message = mongoose.model<MessageDoc>('Message', messageSchema);

/** A new message: what a reply fills in later (or never, for a user message) defaults to null. */
export type NewMessageDoc = Insertable<
  MessageDoc,
  'parentId' | 'content' | 'model' | 'finishReason' | 'usage' | 'error' | 'ttftMs' | 'durationMs'
>;

/** A new message with the search keys of its content (whatever the caller passed for them). */
const withTerms = (message: NewMessageDoc): NewMessageDoc => ({
  ...message,
  ...searchKeys(message.content ?? ''),
});

/** The one write path of a message (see insertThroughSchema); returns it as stored. */
export const insertMessage = (message: NewMessageDoc): Promise<MessageDoc> =>
  insertThroughSchema(Message, withTerms(message));

/**
 * What the schema fills in for a message that leaves a field out, read from the schema once
 * (every default there is a constant: null, '' or 0).
 */
const SCHEMA_DEFAULTS = (({ _id, ...defaults }: MessageDoc) => defaults)(new Message().toObject());

/**
 * A new message as the schema would store it, built in code: its defaults filled, the search keys
 * of its content set, fields left undefined dropped. Every field is typed here, so nothing needs
 * casting or checking at run time.
 */
function asStored(message: NewMessageDoc): MessageDoc {
  const stored: MessageDoc = { ...SCHEMA_DEFAULTS, ...withTerms(message) };
  for (const key of Object.keys(stored) as (keyof MessageDoc)[])
    if (stored[key] === undefined) delete stored[key];
  return stored;
}

/**
 * Several messages in one round trip (an exchange's question and its reply, stored together),
 * straight through the driver: building Mongoose documents for them cost ~0.4 ms of CPU per
 * exchange, spent while a plain send's model request is going out (started-completion.ts).
 * tests/chats/message-insert.test.ts holds them equal to what insertMessage stores.
 */
export async function insertMessages(messages: NewMessageDoc[]): Promise<MessageDoc[]> {
  const stored = messages.map(asStored);
  await Message.collection.insertMany(stored);
  return stored;
}

/**
 * The filter of a reply's own writes while it generates (its checkpoints, its final state). While
 * its lease is surely held no one else writes it, so `_id` alone: every backend serves that from
 * the primary key, where the embedded FerretDB scans the whole collection for any other filter.
 * Otherwise only while it is still `streaming`, so a late write never overwrites a state another
 * instance stored (it finishes replies whose lease lapsed: interrupted-replies.ts).
 */
export const ownReply = (replyId: Types.ObjectId, lease?: Lease) =>
  lease && surelyHeld(lease) ? { _id: replyId } : { _id: replyId, status: 'streaming' as const };

/**
 * The writes of an answer that check its state as they write it go through here: a reply's final
 * write, the interrupted sweep's and a continue's claim. On the embedded database this process's
 * such writes of one answer go one after another (writeInTurn): each is an update filtered on the
 * answer's state, which that server runs as a read and then a write, so two at once both matched
 * (a final text lost to the sweep while its writer counted it stored; two continues of one answer).
 */
export const inAnswerTurn = <T>(answerId: unknown, write: () => PromiseLike<T>): Promise<T> =>
  writeInTurn(documentKey('messages', answerId), write);

/** Whether the reply holds its call's charge (its final write landed), read by `_id` alone. */
export async function replyHoldsCharge(replyId: Types.ObjectId): Promise<boolean> {
  const reply = await Message.collection.findOne<Pick<MessageDoc, 'charge'>>(
    { _id: replyId },
    { projection: { _id: 0, charge: 1 } },
  );
  return Boolean(reply?.charge);
}
