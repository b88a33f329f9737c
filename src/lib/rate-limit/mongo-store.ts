import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import mongoose, { Schema } from '../db/mongoose.js';
import { ensureTtlIndex } from '../db/ttl.js';

interface Counter {
  _id: string;
  hits: number;
  resetAt: Date;
}

const counterSchema = new Schema<Counter>({ _id: String, hits: Number, resetAt: Date }, { versionKey: false });
export const RateLimitCounter = mongoose.model<Counter>('RateLimitCounter', counterSchema, 'rate_limits');

const DUPLICATE_KEY = 11000;

/**
 * Fixed-window counters kept in the database, so every instance shares the same buckets.
 * Each step is one atomic single-document operation; the loop settles the race between two
 * instances opening the same window (MongoDB and FerretDB both serve these operations).
 */
export async function hit(key: string, windowMs: number, now = new Date()): Promise<Counter> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const current = await RateLimitCounter.findOneAndUpdate(
      { _id: key, resetAt: { $gt: now } },
      { $inc: { hits: 1 } },
      { returnDocument: 'after' },
    ).lean<Counter>();
    if (current) return current;
    const resetAt = new Date(now.getTime() + windowMs);
    const renewed = await RateLimitCounter.findOneAndUpdate(
      { _id: key, resetAt: { $lte: now } },
      { $set: { hits: 1, resetAt } },
      { returnDocument: 'after' },
    ).lean<Counter>();
    if (renewed) return renewed;
    try {
      await RateLimitCounter.create({ _id: key, hits: 1, resetAt });
      return { _id: key, hits: 1, resetAt };
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
    }
  }
  throw new Error(`rate-limit counter ${key} is contended`);
}

export async function peek(key: string, now = new Date()): Promise<Counter | null> {
  return RateLimitCounter.findOne({ _id: key, resetAt: { $gt: now } }).lean<Counter>();
}

export async function initRateLimitCounters(): Promise<void> {
  await ensureTtlIndex(RateLimitCounter, 'resetAt');
}

/** express-rate-limit store over the shared counters. */
export class MongoStore implements Store {
  windowMs = 60_000;
  prefix: string;
  localKeys = false;

  constructor(prefix: string) {
    this.prefix = prefix;
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  private key(key: string) {
    return `${this.prefix}:${key}`;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const counter = await peek(this.key(key));
    return counter ? { totalHits: counter.hits, resetTime: counter.resetAt } : undefined;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const counter = await hit(this.key(key), this.windowMs);
    return { totalHits: counter.hits, resetTime: counter.resetAt };
  }

  async decrement(key: string): Promise<void> {
    await RateLimitCounter.updateOne({ _id: this.key(key), hits: { $gt: 0 } }, { $inc: { hits: -1 } });
  }

  async resetKey(key: string): Promise<void> {
    await RateLimitCounter.deleteOne({ _id: this.key(key) });
  }
}
