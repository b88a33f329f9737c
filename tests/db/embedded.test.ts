import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/lib/config.js';
import { startFerretdb } from '../../src/lib/db/embedded.js';
import { resolveDatabase } from '../../src/lib/db/resolve.js';
import { logger } from '../../src/lib/logger.js';

describe('the embedded database’s address', () => {
  it('when the server starts without MONGODB_URI, then it names the embedded database’s URI with its database, and a tool given that URI sees what the server stores', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sigmagpt-embedded-uri-'));
    const database = await resolveDatabase(
      loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir, JWT_SECRET: 'x'.repeat(40) }),
      logger,
    );
    const server = new MongoClient(database.uri);
    const tool = new MongoClient(database.embeddedUri!);
    try {
      expect(database.dbName).toBe('sigmagpt');
      expect(database.embeddedUri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/sigmagpt$/);
      // Written where the server writes (its URI and database name), read through the tool's URI.
      await server.db(database.dbName).collection('probe').insertOne({ seen: 'by the tool' });
      expect(
        await tool
          .db()
          .collection('probe')
          .findOne({}, { projection: { _id: 0 } }),
      ).toEqual({
        seen: 'by the tool',
      });
    } finally {
      await Promise.all([server.close(), tool.close()]);
      await database.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

/** A process's group and session ids, as `ps` shows them. */
const groupOf = (pid: number) =>
  execFileSync('ps', ['-o', 'pgid=,sid=', '-p', String(pid)], { encoding: 'utf8' })
    .trim()
    .split(/\s+/)
    .map(Number);

/** A process's state letter (`Z` for a zombie), or `gone`. */
const stateOf = (pid: number) => {
  try {
    return execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim();
  } catch {
    return 'gone';
  }
};

describe('the embedded FerretDB’s process', () => {
  it.runIf(process.platform === 'linux')(
    'when it is started, then it runs in a process group and session of its own, so a Ctrl-C to the terminal reaches the API, not the database, and it stops with the API',
    async () => {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sigmagpt-embedded-group-'));
      const database = await startFerretdb({ dataDir, log: { info: () => {}, warn: () => {} } });
      const pid = database.pid!;
      try {
        const [group, session] = groupOf(pid);
        const [ourGroup, ourSession] = groupOf(process.pid);
        expect(group).not.toBe(ourGroup);
        expect(session).not.toBe(ourSession);
        // The pid it notes is the database itself, which the API stops.
        expect(
          execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }),
        ).toMatch(/ferretdb/);
      } finally {
        await database.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
      // Gone, or a zombie left to an init process that does not reap (as in some containers).
      expect(stateOf(pid)).toMatch(/^(gone|Z)/);
    },
    120_000,
  );
});
