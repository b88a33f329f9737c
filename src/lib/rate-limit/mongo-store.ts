import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import type { Collection } from 'mongodb';
import mongoose, { Schema } from '../db/mongoose.js';
import { ensureTtlIndex } from '../db/ttl.js';
import { isDuplicateKey } from '../db/duplicate-key.js';

/** One counted hit: the n-th hit of `key` in the window that ends at `resetAt`. */
interface Slot {
  _id: string;
  key: string;
  n: number;
  resetAt: Date;
}

const slotSchema = new Schema<Slot>(
  { _id: String, key: String, n: Number, resetAt: Date },
  { versionKey: false },
);
slotSchema.index({ key: 1, resetAt: 1 });
export const RateLimitSlot = mongoose.model<Slot>('RateLimitSlot', slotSchema, 'rate_limits');
/** The driver's collection, typed with the string `_id` the schema declares. */
const slots = () => RateLimitSlot.collection as unknown as Collection<Slot>;

export interface Counter {
  key: string;
  hits: number;
  resetAt: Date;
}

/** How long the counters of an ended window are kept, for hits stamped in it still counting. */
const ENDED_WINDOWS_KEPT_MS = 60_000;

/** Windows are aligned to multiples of their length, so every instance agrees on the current one. */
const windowEnd = (now: Date, windowMs: number) =>
  new Date(Math.floor(now.getTime() / windowMs) * windowMs + windowMs);

/**
 * Counts a hit in the counters every instance shares. A hit takes the next free numbered slot of
 * the window by inserting it under a unique `_id`; a duplicate means another hit took that number,
 * so the next one is tried. Only that insert is atomic on both MongoDB and FerretDB (FerretDB runs
 * `$inc`/findAndModify as read-modify-write and lost hits under parallel requests), and it makes
 * the slot number an exact count. Past `cap` nothing more is stored: the caller is over its limit.
 */
export async function hit(
  key: string,
  windowMs: number,
  now = new Date(),
  cap = Number.MAX_SAFE_INTEGER,
  /**
   * A number of this window the caller knows is taken (its own previous hit): the count is
   * skipped and numbers are tried from the next one. Only for keys whose slots are never removed
   * within a window (not the MongoStore's, which `decrement` removes): a gap below it would count
   * one hit too many, never one too few.
   */
  taken?: { resetAt: Date; n: number },
): Promise<Counter> {
  const resetAt = windowEnd(now, windowMs);
  let n: number;
  if (taken && taken.resetAt.getTime() === resetAt.getTime()) n = taken.n + 1;
  else {
    n = (await RateLimitSlot.countDocuments({ key, resetAt })) + 1;
    // The first hit of a key's window clears the windows of any key that ended a while ago (the
    // TTL index does it where the server has one): counters keyed by an address or an email are
    // not kept long past their window on FerretDB either. Not the ones that just ended: a hit
    // stamped in one before it ended may still be counting it, and would find it empty.
    if (n === 1)
      await RateLimitSlot.deleteMany({
        resetAt: { $lte: new Date(now.getTime() - ENDED_WINDOWS_KEPT_MS) },
      });
  }
  for (; n <= cap + 1; n += 1) {
    try {
      // Every message takes one: straight through the driver (the document is complete here).
      await slots().insertOne({
        _id: `${key}#${resetAt.getTime()}#${n}`,
        key,
        n,
        resetAt,
      });
      break;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }
  return { key, hits: n, resetAt };
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Removes every counter kept for these subjects (a user id, an email), whichever limiter counted
 * it: keys `<limiter>:<subject>` and `<limiter>:<subject>|<network>`. Account deletion calls it.
 */
export async function forgetRateLimitsOf(subjects: string[]): Promise<void> {
  const alternatives = subjects.map(escapeRegex).join('|');
  await RateLimitSlot.deleteMany({
    key: { $regex: `^[a-z-]+:(?:${alternatives})(?:\\|.*)?$` },
  });
}

export async function peek(key: string, windowMs: number, now = new Date()): Promise<Counter> {
  const resetAt = windowEnd(now, windowMs);
  return { key, hits: await RateLimitSlot.countDocuments({ key, resetAt }), resetAt };
}

export async function initRateLimitCounters(): Promise<void> {
  await ensureTtlIndex(RateLimitSlot, 'resetAt');
}

/** express-rate-limit store over the shared counters. */
export class MongoStore implements Store {
  windowMs = 60_000;
  limit = Number.MAX_SAFE_INTEGER;
  prefix: string;
  localKeys = false;

  constructor(prefix: string) {
    this.prefix = prefix;
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
    if (typeof options.limit === 'number') this.limit = options.limit;
  }

  private key(key: string) {
    return `${this.prefix}:${key}`;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const counter = await peek(this.key(key), this.windowMs);
    return counter.hits > 0 ? { totalHits: counter.hits, resetTime: counter.resetAt } : undefined;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const counter = await hit(this.key(key), this.windowMs, new Date(), this.limit);
    return { totalHits: counter.hits, resetTime: counter.resetAt };
  }

  async decrement(key: string): Promise<void> {
    const resetAt = windowEnd(new Date(), this.windowMs);
    const last = await RateLimitSlot.findOne({ key: this.key(key), resetAt })
      .sort({ n: -1 })
      .lean();
    if (last) await RateLimitSlot.deleteOne({ _id: last._id });
  }

  async resetKey(key: string): Promise<void> {
    await RateLimitSlot.deleteMany({ key: this.key(key) });
  }
}
