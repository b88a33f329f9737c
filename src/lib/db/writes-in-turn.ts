import { serverLosesConcurrentUpdates } from './connection.js';

/**
 * How long a write waits for the one before it, at most: a write that hangs (a pooled connection
 * to a database that went away) holds the next one back only so long.
 */
export const TURN_WAIT_MS = 2000;

/** The last write of each key in this process, settled or not; gone once settled with none after. */
const lastWriteOf = new Map<string, Promise<void>>();

/** Resolves when `write` settles, or after `ms` (whichever comes first). */
function settledOrLate(write: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const late = setTimeout(resolve, ms);
    late.unref();
    const done = () => {
      clearTimeout(late);
      resolve();
    };
    write.then(done, done);
  });
}

/**
 * Runs `write` once this process's earlier writes under the same key (a document's, or a group's)
 * have settled, where the server can lose one of two concurrent updates of a document
 * (serverLosesConcurrentUpdates); elsewhere at once, since the server's own updates are atomic.
 * One instance is all the embedded database serves, so this covers every writer it has. A write
 * that reads the document before it writes (a check, then the update) is one turn: nothing of
 * this process writes the document between the two.
 */
export function writeInTurn<T>(key: string, write: () => PromiseLike<T>): Promise<T> {
  return serverLosesConcurrentUpdates() ? takeTurns(key, write) : Promise.resolve(write());
}

/** Runs `write` after the earlier writes under `key` (see writeInTurn), on any server. */
export function takeTurns<T>(key: string, write: () => PromiseLike<T>): Promise<T> {
  const before = lastWriteOf.get(key);
  // A promise of its own: a Mongoose query is a thenable that runs again each time it is awaited.
  const next = before ? settledOrLate(before, TURN_WAIT_MS).then(write) : Promise.resolve(write());
  const settled = next.then(
    () => undefined,
    () => undefined,
  );
  lastWriteOf.set(key, settled);
  void settled.then(() => {
    if (lastWriteOf.get(key) === settled) lastWriteOf.delete(key);
  });
  return next;
}
