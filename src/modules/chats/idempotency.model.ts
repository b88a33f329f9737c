import mongoose, { Schema, type Types } from '../../lib/db/mongoose.js';
import { ensureTtlIndex } from '../../lib/db/ttl.js';

/**
 * An `Idempotency-Key` a user sent with a request that makes an exchange (send, regenerate,
 * continue, a /v1 completion with `store: true`) or creates a chat (alone, or a fork): the unique (userId, key) index makes the first request the only one
 * that acts; a repeat finds the exchange it made by the ids chosen before anything was stored.
 * Expiry is checked in queries; the TTL index only cleans up where the server has one.
 */
export interface IdempotencyDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  key: string;
  /** SHA-256 of the route, its path parameters and the JSON body: a different request is a 409. */
  requestHash: string;
  chatId: Types.ObjectId;
  /** The reply a repeat answers with; null for a chat created without a message. */
  replyId: Types.ObjectId | null;
  /** A send's user message (absent for other exchanges, and in records made before it was kept). */
  userMessageId?: Types.ObjectId | null;
  /**
   * A continue: `replyId` names the answer it carries on, which existed before the request, so
   * its existence cannot tell that the request acted; `appendFrom` does.
   */
  appends?: boolean;
  /**
   * Set once a continue has claimed its answer: the length of the answer's text then, where the
   * continue's stream (and a repeat's) starts. Null while it has not.
   */
  appendFrom?: number | null;
  /**
   * A fork: its chat is stored after the messages copied into it, but checked after that (its
   * account deleted meanwhile) and removed again when the request fails, so the chat's existence
   * does not tell that the request made it; only its saved answer (`stored`) does.
   */
  copies?: boolean;
  /**
   * Set once the request that holds the key stored what it makes: a repeat then answers with that
   * (or 404 once its owner deleted it), never acting again. Records made before it existed tell
   * by what exists (idempotency.service.ts exchangeStored).
   */
  stored?: boolean;
  /** The 201 JSON body once one was sent, replayed as is. */
  response: unknown;
  createdAt: Date;
  /**
   * Until when the request holding the key is known to be alive: it pushes this back while it
   * acts (idempotency.service.ts whileClaimed), and a repeat takes the key over only once it has
   * passed. Absent in records made before it: `createdAt` and the abandonment wait tell.
   */
  heldUntil?: Date | null;
  expiresAt: Date;
}

const idempotencySchema = new Schema<IdempotencyDoc>(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    key: { type: String, required: true },
    requestHash: { type: String, required: true },
    chatId: { type: Schema.Types.ObjectId, required: true },
    replyId: { type: Schema.Types.ObjectId, default: null },
    userMessageId: { type: Schema.Types.ObjectId, default: null },
    appends: { type: Boolean, default: false },
    appendFrom: { type: Number, default: null },
    copies: { type: Boolean, default: false },
    stored: { type: Boolean, default: false },
    response: { type: Schema.Types.Mixed, default: null },
    createdAt: { type: Date, required: true },
    heldUntil: { type: Date, default: null },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);
idempotencySchema.index({ userId: 1, key: 1 }, { unique: true });

export const IdempotencyKey = mongoose.model<IdempotencyDoc>(
  'IdempotencyKey',
  idempotencySchema,
  'idempotency_keys',
);

export const initIdempotencyKeys = () => ensureTtlIndex(IdempotencyKey, 'expiresAt');

/**
 * Removes the records past their expiry. MongoDB's TTL index does
 * it there; FerretDB has none, where nothing else removed them but their chat's deletion, so the
 * collection grew with every keyed exchange for good. Run with the interrupted-reply sweep.
 */
export async function forgetExpiredIdempotencyKeys(now = new Date()): Promise<number> {
  // As a new claim of the same key does (claimIdempotencyKey): an expired record is free.
  const { deletedCount } = await IdempotencyKey.collection.deleteMany({ expiresAt: { $lte: now } });
  return deletedCount;
}
