import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { isDatabaseDown } from '../http/error-handler.js';
import { logger } from '../logger.js';

/**
 * True when the embedded FerretDB's SQLite refused a write because another writer held the
 * database's one write lock for longer than SQLite's busy timeout (FerretDB answers it as
 * `database is locked (5) (SQLITE_BUSY)`). SQLite's busy handler polls instead of queueing, so
 * under many concurrent writers on a starved CPU one waiter can lose every poll until it gives up.
 * The statement that failed was rolled back: nothing of it was written. MongoDB never says this.
 */
export const isWriteLockTimeout = (error: unknown): boolean => {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message.includes('(SQLITE_BUSY)');
};

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts?: number;
  /** Pause before the second attempt; doubled for each further one, with jitter. */
  delayMs?: number;
  log?: Pick<Logger, 'warn'>;
}

/**
 * Runs `write` again when the embedded database refused it for a write-lock timeout (above), a
 * bounded number of times, and logs each retry at warn. Only for writes that give the same result
 * when repeated — a `$set`/`$unset` update, an insert under a fixed `_id` whose duplicate key the
 * caller reads as "already there" — never an `$inc` or an insert with a generated key: a failed
 * attempt wrote nothing, but a caller that cannot tell may still count twice.
 */
export async function retryIdempotentWrite<T>(
  what: string,
  write: () => Promise<T>,
  { attempts = 4, delayMs = 100, log = logger }: RetryOptions = {},
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= attempts || !isWriteLockTimeout(error)) throw error;
      // Jittered, so writers refused together do not come back together.
      const pause = Math.round(delayMs * 2 ** (attempt - 1) * (0.5 + Math.random()));
      log.warn(
        { err: error, write: what, attempt, nextInMs: pause },
        'the database was locked by other writers; retrying the write',
      );
      await sleep(pause);
    }
  }
}

export interface AwayRetryOptions {
  /** How long after the first failure a further attempt may start. */
  forMs: number;
  /** An epoch ms after which no attempt starts either, read before each pause (a lease's expiry). */
  notAfter?: () => number;
  /** Pause before the second attempt; doubled for each further one, up to a second. */
  delayMs?: number;
  log?: Pick<Logger, 'warn'>;
}

/**
 * Runs `write` again while it fails for want of the database (isDatabaseDown: a connection reset,
 * no server to select), for a bounded time, and logs each retry at warn: a blip of the database
 * costs a moment, not the write. The same rule as retryIdempotentWrite: only for writes that give
 * the same result when repeated, as an attempt whose answer was lost may have landed.
 */
export async function retryWhileDatabaseAway<T>(
  what: string,
  write: () => Promise<T>,
  { forMs, notAfter = () => Infinity, delayMs = 100, log = logger }: AwayRetryOptions,
): Promise<T> {
  let giveUpAt: number | undefined;
  for (let delay = delayMs, attempt = 1; ; delay = Math.min(delay * 2, 1000), attempt += 1) {
    try {
      return await write();
    } catch (error) {
      giveUpAt ??= Date.now() + forMs;
      const left = Math.min(giveUpAt, notAfter()) - Date.now();
      if (!isDatabaseDown(error) || left <= 0) throw error;
      // The last attempt goes out when the time is up, not a pause before it.
      const pause = Math.min(delay, left);
      log.warn(
        { err: error, write: what, attempt, nextInMs: pause },
        'the database could not be reached; retrying the write',
      );
      await sleep(pause);
    }
  }
}
