import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../errors.js';
import { isDuplicateKey } from './duplicate-key.js';
import mongoose, { Schema } from './mongoose.js';

/**
 * A named lock shared by every instance: holding it is owning the document with its name as
 * `_id`, taken by an insert (the one atomic claim MongoDB and FerretDB both serve). A holder that
 * crashed leaves its lock behind only until `expiresAt`.
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

/** Runs `work` while holding the lock `name`; 503 when another holder keeps it past `waitMs`. */
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
  try {
    return await work();
  } finally {
    await Lock.deleteOne({ _id: name, holder }).catch(() => undefined);
  }
}
