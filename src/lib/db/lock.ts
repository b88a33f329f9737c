import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../errors.js';
import { logger } from '../logger.js';
import { Renewal } from '../renewal.js';
import { isDuplicateKey } from './duplicate-key.js';
import mongoose, { Schema } from './mongoose.js';

/**
 * A named lock shared by every instance: holding it is owning the document with its name as
 * `_id`, taken by an insert (the one atomic claim MongoDB and FerretDB both serve). Its holder
 * pushes `expiresAt` back while it works (keepLockAlive); a holder that crashed leaves its lock
 * behind only until then.
 */
interface LockDoc {
  _id: string;
  holder: string;
  expiresAt: Date;
}

const lockSchema = new Schema<LockDoc>(
  { _id: String, holder: String, expiresAt: Date },
  { versionKey: false },
);
export const Lock = mongoose.model<LockDoc>('Lock', lockSchema, 'locks');

/**
 * Keeps a held lock's lease: every third of it, on the process's shared ticker, the lease is
 * pushed back by a whole one. Work that outlasts the lease (a database slow to answer) then keeps
 * the lock, so an administrator's change never runs beside another one it was meant to exclude
 * (both demoting the last two administrators); a lease that lapsed anyway (renewals failing) is
 * not taken back, being another holder's to take.
 */
function keepLockAlive(name: string, holder: string, ttlMs: number): Renewal<string> {
  const renewal = new Renewal<string>(ttlMs / 3, () => {
    const now = Date.now();
    return Lock.updateOne(
      { _id: name, holder, expiresAt: { $gt: new Date(now) } },
      { $set: { expiresAt: new Date(now + ttlMs) } },
    ).catch((error: unknown) =>
      logger.warn({ err: (error as Error).message, lock: name }, 'lock renewal failed'),
    );
  });
  renewal.add(name, holder);
  return renewal;
}

/**
 * Runs `work` while holding the lock `name` (its lease of `ttlMs` renewed meanwhile); 503 when
 * another holder keeps it past `waitMs`.
 */
export async function withLock<T>(
  name: string,
  work: () => Promise<T>,
  { ttlMs = 10_000, waitMs = 5_000 } = {},
): Promise<T> {
  const holder = randomUUID();
  const giveUpAt = Date.now() + waitMs;
  for (;;) {
    try {
      await Lock.create({
        _id: name,
        holder,
        expiresAt: new Date(Date.now() + ttlMs),
      });
      break;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    await Lock.deleteOne({ _id: name, expiresAt: { $lte: new Date() } });
    if (Date.now() > giveUpAt)
      throw new AppError('SERVICE_UNAVAILABLE', 'Another change is in progress; retry shortly', {
        headers: { 'Retry-After': '1' },
      });
    await sleep(10 + Math.random() * 40);
  }
  const renewal = keepLockAlive(name, holder, ttlMs);
  try {
    return await work();
  } finally {
    // No renewal from now on, and none still in flight when the lock is given back.
    renewal.delete(name);
    await renewal.settled();
    await Lock.deleteOne({ _id: name, holder }).catch(() => undefined);
  }
}
