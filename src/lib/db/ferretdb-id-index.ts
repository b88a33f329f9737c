import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import type { Logger } from 'pino';

/**
 * Lets the embedded FerretDB find a document by `_id` through an index instead of reading its
 * whole collection.
 *
 * FerretDB 1.24 keeps each collection in a SQLite table of JSON documents. It looks a lone `_id`
 * filter up with `WHERE _ferretdb_sjson->'$._id' = ?` (find, update, delete), but the unique index
 * it creates for `_id` is on the expression `_ferretdb_sjson->"_id"`: SQLite uses an expression
 * index only for the same expression, so every lookup by `_id` parses every document of the
 * collection (`EXPLAIN QUERY PLAN`: `SCAN`). Measured on 3,000 documents of 1 KB: an update by
 * `_id` 13.4 ms, 0.53 ms with an index on FerretDB's own expression (`SEARCH ... USING INDEX`).
 *
 * So the process that starts FerretDB adds that index to each of its tables, from a second SQLite
 * connection to the same files (SQLite serves several processes). FerretDB's statements use it from
 * their next run (a statement that finds the schema changed is prepared again); only its
 * `explain`, which runs nothing, can show a connection's older plan until that connection ran a
 * query. It is not unique (FerretDB's own index keeps `_id` unique) and not in FerretDB's
 * catalogue: listIndexes does not show it, and dropping the collection drops it with the table.
 * New collections get theirs within a sweep period. Without `node:sqlite` (Node 20) nothing is
 * added and FerretDB scans, as before.
 */
const SWEEP_MS = 1000;
const INDEX_SUFFIX = '_ferretdb_id_path';

export async function indexFerretdbIds(
  dir: string,
  log: Pick<Logger, 'info' | 'warn'>,
): Promise<{ stop(): void }> {
  let sqlite: typeof import('node:sqlite');
  try {
    sqlite = await import('node:sqlite');
  } catch {
    log.warn('node:sqlite is not available: the embedded FerretDB reads whole collections by _id');
    return { stop: () => undefined };
  }
  const sweep = () => {
    let files: string[];
    try {
      files = readdirSync(dir).filter((name) => name.endsWith('.sqlite'));
    } catch {
      return; // The folder went with a database being stopped.
    }
    for (const file of files) {
      // Opened afresh each time: a database dropped and created again is a new file.
      let db: DatabaseSync | undefined;
      try {
        // No wait for FerretDB's write lock: a busy moment is tried again at the next sweep.
        db = new sqlite.DatabaseSync(path.join(dir, file), { timeout: 0 });
        addMissing(db);
      } catch {
        // Locked, or the database is being created or dropped: the next sweep tries again.
      } finally {
        db?.close();
      }
    }
  };
  const timer = setInterval(sweep, SWEEP_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

function addMissing(db: DatabaseSync): void {
  const missing = db
    .prepare(
      `SELECT table_name FROM _ferretdb_collections WHERE table_name || '${INDEX_SUFFIX}' NOT IN
        (SELECT name FROM sqlite_master WHERE type = 'index')`,
    )
    .all() as { table_name: string }[];
  for (const { table_name: table } of missing)
    db.exec(
      `CREATE INDEX IF NOT EXISTS ${quoted(table + INDEX_SUFFIX)} ON ${quoted(table)} (_ferretdb_sjson->'$._id')`,
    );
}
