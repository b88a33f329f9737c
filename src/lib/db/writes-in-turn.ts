import { serverLosesConcurrentUpdates } from './connection.js';

/**
 * How long a write waits for the one before it, counted from when that one started: a write that
 * hangs (a pooled connection to a database that went away) holds the next one back only so long.
 * Longer than the embedded database's own wait for its write lock (30 s, embedded.ts), which a
 * loaded server's writes can spend in full: a write still waiting there is not hung, and the next
 * one must not start beside it.
 */
export const TURN_WAIT_MS = 35_000;

/** When the last write of each key gives up its turn (see takeTurns); gone once given up with none after. */
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
  const before = lastWriteOf.get(key) ?? Promise.resolve();
  // A promise of its own: a Mongoose query is a thenable that runs again each time it is awaited.
  const next = before.then(write);
  // This write's turn ends when it settles, or TURN_WAIT_MS after it started: a write queued
  // behind a hung one starts a turn later, and the next waits a full turn of its own again, so
  // the writes queued behind a slow one never start all at once.
  const turnEnds = before.then(() => settledOrLate(next, TURN_WAIT_MS));
  lastWriteOf.set(key, turnEnds);
  void turnEnds.then(() => {
    if (lastWriteOf.get(key) === turnEnds) lastWriteOf.delete(key);
  });
  return next;
}

/**
 * A document's key for writeInTurn: its collection and its id as the driver prints it (lower
 * case), whether the id came as an ObjectId or as a string from a URL (ids.ts accepts upper case).
 */
export const documentKey = (collection: string, id: unknown) =>
  `${collection}:${String(id).toLowerCase()}`;
