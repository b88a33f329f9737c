import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDuplicateKey } from '../../lib/db/duplicate-key.js';
import { Types } from '../../lib/db/mongoose.js';
import { AppError, ClientGoneError } from '../../lib/errors.js';
import { logger } from '../../lib/logger.js';
import { Renewal } from '../../lib/renewal.js';
import { Chat } from './chat.model.js';
import { IdempotencyKey, type IdempotencyDoc } from './idempotency.model.js';
import { Message } from './message.model.js';

/** Kept at least this long (the contract promises 24 h). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * A claim whose request has not renewed it for this long, its exchange not stored: the request
 * (or its instance) died first. One that is alive renews it every third of this (whileClaimed).
 */
const ABANDONED_MS = 10_000;
const RENEW_EVERY_MS = ABANDONED_MS / 3;
const PRINTABLE_ASCII = /^[\x20-\x7e]{1,200}$/;

/** The request's `Idempotency-Key`, or null without one; 400 when it is empty, too long or not printable ASCII. */
export function parseIdempotencyKey(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  if (!PRINTABLE_ASCII.test(raw))
    throw new AppError(
      'INVALID_IDEMPOTENCY_KEY',
      'Idempotency-Key must be 1 to 200 printable ASCII characters',
    );
  return raw;
}

const stable = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(stable)
    : value && typeof value === 'object'
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((k) => [k, stable((value as Record<string, unknown>)[k])]),
        )
      : value;

/**
 * The route a keyed request names, for its hash: the prefix lowercased, as every group declares it
 * (the router takes any case), and the route's template. A request sent in lower case hashes as
 * before this was so, so keys claimed then still match their repeats.
 */
export const keyedRoute = (req: Request): string =>
  `${req.baseUrl.toLowerCase()}${(req.route as { path?: string } | undefined)?.path ?? ''}`;

/** What makes two requests "the same": route, path parameters and body (key order aside). */
export function requestHash(route: string, params: unknown, body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(stable({ route, params, body: body ?? {} })))
    .digest('hex');
}

/**
 * `takenOver`: this request acts under the ids of an earlier one taken for dead, which may still
 * store the same exchange (claimIdempotencyKey).
 */
export type Claim = { fresh: boolean; record: IdempotencyDoc; takenOver?: boolean };

/** What a key's record names, chosen before anything is stored (see IdempotencyDoc). */
export interface IdempotentIds {
  chatId: Types.ObjectId;
  replyId: Types.ObjectId | null;
  userMessageId?: Types.ObjectId;
  appends?: boolean;
  copies?: boolean;
}

/**
 * The ids a request acts with: those its claim names. A claim taken over from a request taken for
 * dead names that request's ids (claimIdempotencyKey).
 */
export const idsOfClaim = <Ids extends IdempotentIds>(
  planned: Ids,
  record: IdempotencyDoc,
): Ids => ({
  ...planned,
  chatId: record.chatId,
  replyId: record.replyId,
  ...(record.userMessageId ? { userMessageId: record.userMessageId } : {}),
});

/**
 * Whether the request that claimed the key got as far as storing what it makes. Its own mark says
 * so even once the user has deleted it; without one (an older record, or a request that died
 * between storing and marking), what exists tells.
 */
async function exchangeStored(record: IdempotencyDoc): Promise<boolean> {
  // A saved answer (JSON) says so too, in records made before the mark.
  if (record.stored || record.response != null) return true;
  if (record.appends) return typeof record.appendFrom === 'number';
  if (record.copies) return false;
  // The reply is written with (after) the user message: once it exists, a repeat can answer with it.
  if (record.replyId) return (await Message.exists({ _id: record.replyId })) !== null;
  return (await Chat.exists({ _id: record.chatId })) !== null;
}

/**
 * Claims the key for this request, or finds the exchange an earlier request with it created.
 * `fresh` means this request acts (with `ids`); otherwise `record` names what to answer with.
 * The same key with another request is a 409; a request that is still starting is waited for,
 * until this request's client has gone (ClientGoneError).
 */
export async function claimIdempotencyKey(
  userId: string,
  key: string,
  /** The request's hash, stored with a new claim; and others an earlier record may hold for it. */
  { hash, alsoMatches = [] }: { hash: string; alsoMatches?: string[] },
  ids: IdempotentIds,
  /** Whether the request's client has gone: a repeat then stops waiting for the first request. */
  clientGone: () => boolean = () => false,
): Promise<Claim> {
  const owner = new Types.ObjectId(userId);
  let claimed = ids;
  let takenOver = false;
  for (;;) {
    const now = new Date();
    const record: IdempotencyDoc = {
      _id: new Types.ObjectId(),
      userId: owner,
      key,
      requestHash: hash,
      chatId: claimed.chatId,
      replyId: claimed.replyId,
      userMessageId: claimed.userMessageId ?? null,
      appends: claimed.appends === true,
      appendFrom: null,
      ...(claimed.copies ? { copies: true } : {}),
      stored: false,
      response: null,
      createdAt: now,
      heldUntil: new Date(now.getTime() + ABANDONED_MS),
      expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
    };
    try {
      await IdempotencyKey.collection.insertOne(record);
      return { fresh: true, record, takenOver };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const existing = await IdempotencyKey.findOne({ userId: owner, key }).lean<IdempotencyDoc>();
    if (!existing) continue;
    if (existing.expiresAt <= now) {
      await IdempotencyKey.deleteOne({ _id: existing._id, expiresAt: { $lte: now } });
      continue;
    }
    if (existing.requestHash !== hash && !alsoMatches.includes(existing.requestHash))
      throw new AppError(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was already used with a different request',
      );
    if (await exchangeStored(existing)) return { fresh: false, record: existing };
    // The first request is still starting (limits, chat checks), or it failed and is giving the
    // key back, or it died before storing anything: wait, and take the key over if it was abandoned.
    // Taken over with the ids it names: a first request that was only slow (a database that made
    // it wait) and stores after all collides with this one on them, and one of the two answers
    // as a repeat of the other (exchange.controller.ts exchangeOnce). A record made before it
    // kept a send's user message id is taken over with fresh ids, as before.
    if (heldUntilOf(existing) <= now.getTime()) {
      await IdempotencyKey.deleteOne({ _id: existing._id });
      if (existing.userMessageId || !ids.userMessageId) {
        claimed = idsOfClaim(ids, existing);
        takenOver = true;
      }
    } else {
      // Nobody would read this repeat's answer: rather than read the key ten times a second for
      // as long as the first request renews its claim (a long fork), it ends as a request whose
      // client left does.
      if (clientGone()) throw new ClientGoneError();
      await sleep(100);
    }
  }
}

/** Until when the claim is its request's (a record made before `heldUntil`: by its age). */
const heldUntilOf = (record: IdempotencyDoc) =>
  record.heldUntil?.getTime() ?? record.createdAt.getTime() + ABANDONED_MS;

/**
 * The claims this process's requests hold while they act, by record id (whileClaimed): one write
 * for all of them every RENEW_EVERY_MS, on the process's shared ticker. A claim that lapsed all
 * the same (renewals failing, the process stalled) is not taken back: a repeat may be taking it
 * over, and the first request, if it stores after all, meets the repeat on the same ids
 * (claimIdempotencyKey).
 */
const held = new Renewal<Types.ObjectId>(RENEW_EVERY_MS, (ids) => {
  const now = Date.now();
  return IdempotencyKey.collection
    .updateMany(
      { _id: { $in: ids }, heldUntil: { $gt: new Date(now) } },
      { $set: { heldUntil: new Date(now + ABANDONED_MS) } },
    )
    .catch((error: unknown) =>
      logger.warn({ err: (error as Error).message }, 'could not renew idempotency claims'),
    );
});

/**
 * Runs `work`, what the request holding the key does before a repeat can answer with it (a fork
 * copying a long branch, an exchange's limits and inserts on a slow database), with its claim
 * renewed meanwhile: however long that takes, a repeat waits for it rather than take the key
 * over and act a second time. A request that died stops renewing, and its claim lapses after
 * ABANDONED_MS. Without a claim (no key), `work` runs alone.
 */
export async function whileClaimed<T>(
  record: IdempotencyDoc | undefined,
  work: () => Promise<T>,
): Promise<T> {
  if (!record) return work();
  const id = String(record._id);
  held.add(id, record._id);
  try {
    return await work();
  } finally {
    held.delete(id);
  }
}

/** Whether the key is still held under this claim (a repeat that took it over replaced it). */
export async function claimStillHeld(record: IdempotencyDoc): Promise<boolean> {
  return (await IdempotencyKey.exists({ _id: record._id })) !== null;
}

/** Gives the key back when the request failed before storing anything (a retry may then act). */
export async function releaseIdempotencyKey(record: IdempotencyDoc): Promise<void> {
  await IdempotencyKey.deleteOne({ _id: record._id });
}

/**
 * Gives the key back after the request failed, unless it stored its exchange before failing (its
 * chat write failed after its messages were stored, the database away): a retry then answers
 * with that exchange rather than store the question a second time. When that cannot be read the
 * key stays, and a retry finds out once the claim counts as abandoned (claimIdempotencyKey).
 */
export async function releaseUnlessStored(record: IdempotencyDoc): Promise<void> {
  if (!(await exchangeStored(record))) await releaseIdempotencyKey(record);
}

/**
 * The request stored what it makes: repeats answer with it from now on, even once it is deleted.
 * A continue also names the length its answer's text had (`appendFrom`), where its stream starts.
 */
export async function markStored(record: IdempotencyDoc, appendFrom?: number): Promise<void> {
  const set = appendFrom === undefined ? { stored: true } : { stored: true, appendFrom };
  await IdempotencyKey.collection.updateOne({ _id: record._id }, { $set: set });
  Object.assign(record, set);
}

export async function saveIdempotentResponse(
  record: IdempotencyDoc,
  response: unknown,
): Promise<void> {
  await IdempotencyKey.collection.updateOne(
    { _id: record._id },
    { $set: { response, stored: true } },
  );
}
