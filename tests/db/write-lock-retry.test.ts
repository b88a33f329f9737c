import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, disconnectDatabase } from '../../src/lib/db/connection.js';
import { startFerretdb, type EmbeddedDatabase } from '../../src/lib/db/embedded.js';
import mongoose from '../../src/lib/db/mongoose.js';
import { isWriteLockTimeout, retryIdempotentWrite } from '../../src/lib/db/write-lock-retry.js';

/**
 * A FerretDB of this file's own whose SQLite waits only 50 ms for the write lock, and a second
 * SQLite connection (node:sqlite, on the same file) that holds that lock: the refusal the soak
 * met under load, on demand.
 */
const DB_NAME = 'write_lock_retry_test';
const log = { info: () => undefined, warn: () => undefined };
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sigmagpt-write-lock-'));
let database: EmbeddedDatabase;
let holder: DatabaseSync | undefined;

const things = () => mongoose.connection.db!.collection<{ _id: number; n?: number }>('things');

/** Takes the database's write lock from outside FerretDB, as another writer would. */
function holdWriteLock() {
  holder = new DatabaseSync(path.join(dataDir, 'ferretdb', `${DB_NAME}.sqlite`));
  holder.exec('BEGIN IMMEDIATE');
  return () => {
    holder?.exec('COMMIT');
    holder?.close();
    holder = undefined;
  };
}

beforeAll(async () => {
  database = await startFerretdb({ dataDir, log, sqliteBusyTimeoutMs: 50 });
  await connectDatabase(database.uri, DB_NAME);
  await things().insertOne({ _id: 0 });
});

afterEach(() => {
  if (holder?.isTransaction) holder.exec('ROLLBACK');
  holder?.close();
  holder = undefined;
});

afterAll(async () => {
  await disconnectDatabase();
  await database?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('retrying a write the embedded database refused for its write lock', () => {
  it('when another writer holds the lock past the busy timeout, then the write is refused as a lock timeout and nothing of it is stored', async () => {
    const release = holdWriteLock();
    const error = await things()
      .updateOne({ _id: 0 }, { $set: { n: 1 } })
      .catch((e: unknown) => e);
    release();
    expect(isWriteLockTimeout(error)).toBe(true);
    expect(await things().findOne({ _id: 0 })).toEqual({ _id: 0 });
  });

  it('when the lock is released after the first refusal, then the $set update is applied on a retry and the retry is logged at warn', async () => {
    await things().insertOne({ _id: 1, n: 0 });
    const release = holdWriteLock();
    const warnings: unknown[] = [];
    const result = await retryIdempotentWrite(
      'test update',
      () => things().updateOne({ _id: 1 }, { $set: { n: 5 } }),
      {
        delayMs: 10,
        log: {
          warn: (fields: unknown) => {
            warnings.push(fields);
            release();
          },
        },
      },
    );
    expect(result.modifiedCount).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ write: 'test update', attempt: 1 });
    expect(await things().findOne({ _id: 1 })).toEqual({ _id: 1, n: 5 });
  });

  it('when the lock is held through every attempt, then the refusal is thrown after the bounded number of attempts', async () => {
    await things().insertOne({ _id: 2, n: 0 });
    const release = holdWriteLock();
    let warnings = 0;
    const error = await retryIdempotentWrite(
      'test update',
      () => things().updateOne({ _id: 2 }, { $set: { n: 7 } }),
      { attempts: 3, delayMs: 10, log: { warn: () => (warnings += 1) } },
    ).catch((e: unknown) => e);
    release();
    expect(isWriteLockTimeout(error)).toBe(true);
    expect(warnings).toBe(2);
    expect(await things().findOne({ _id: 2 })).toEqual({ _id: 2, n: 0 });
  });

  it('when a write fails for another reason, then it is not retried', async () => {
    let calls = 0;
    let warnings = 0;
    const error = await retryIdempotentWrite(
      'test insert',
      () => {
        calls += 1;
        return things().insertOne({ _id: 0 });
      },
      { delayMs: 10, log: { warn: () => (warnings += 1) } },
    ).catch((e: unknown) => e);
    expect((error as { code?: number }).code).toBe(11000);
    expect(isWriteLockTimeout(error)).toBe(false);
    expect([calls, warnings]).toEqual([1, 0]);
  });
});
