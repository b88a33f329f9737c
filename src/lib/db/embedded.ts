import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { claimedProcess, processClaim } from './data-dir-lock.js';
import { indexFerretdbIds } from './ferretdb-id-index.js';

/**
 * The database used when no MONGODB_URI is given (development and tests): a real mongod through
 * mongodb-memory-server where it can be downloaded, otherwise FerretDB on SQLite, built once from
 * the Go module proxy. Never used in production.
 */
export interface EmbeddedDatabase {
  uri: string;
  kind: 'mongod' | 'ferretdb';
  /** FerretDB only: its process (the benchmark reads its CPU time). */
  pid?: number;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Folder for the data; omitted → in memory, gone when the process ends. */
  dataDir?: string;
  log: Pick<Logger, 'info' | 'warn'>;
  /** FerretDB only: listen here instead of a free port (a test restarts it where clients expect it). */
  port?: number;
  /**
   * FerretDB only: how long SQLite waits for the database's one write lock before refusing a
   * write (see sqliteUrl). A test shortens it to provoke that refusal.
   */
  sqliteBusyTimeoutMs?: number;
}

/**
 * SQLite lets one writer at a time into a database file; the others wait in a busy handler that
 * polls (sleeps of 1 to 100 ms) rather than queueing. FerretDB's default wait is 10 s. Beside a
 * process hogging both cores, with many writers at once (the soak's two instances), a waiter lost
 * every poll for 10 s and its update failed with `database is locked (5) (SQLITE_BUSY)`. The
 * refused statement was the first of its transaction, so the wait ran out: it was not SQLite's
 * no-wait rule for a read transaction that upgrades to a write. Measured with the same write mix
 * (100 writers, both cores hogged, 30 s) and a shortened wait: `_txlock=immediate` changes nothing
 * (at 300 ms, 727 refusals deferred and 826 immediate, now at BEGIN), a longer wait makes them
 * rarer (107 at 1 s, 5 at 3 s). So the embedded server waits 30 s, three times the stall that
 * failed; the writes that may be repeated are also retried (write-lock-retry.ts).
 */
const DEFAULT_SQLITE_BUSY_TIMEOUT_MS = 30_000;

const sqliteUrl = (dir: string, busyTimeoutMs = DEFAULT_SQLITE_BUSY_TIMEOUT_MS) =>
  `file:${dir}/?_pragma=busy_timeout(${busyTimeoutMs})`;

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const FERRETDB_BUILD_SCRIPT = path.join(projectRoot, 'scripts/build-ferretdb.sh');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Running, and not a zombie waiting for an init process that does not reap (Linux reports those in /proc). */
export const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return true;
  }
};

async function waitForPort(port: number, pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) throw new Error('exited before it listened');
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`did not listen on port ${port} within ${timeoutMs} ms`);
}

async function startMongod(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  // Offline the download host is unreachable: one attempt fails in milliseconds instead of ~7 s.
  process.env.MONGOMS_MAX_RETRIES ??= '1';
  const { MongoBinary, MongoMemoryServer } = await import('mongodb-memory-server-core');
  // Resolving (downloading) the binary first fails with one plain error, where create() would
  // also print the whole download stack to the console.
  await MongoBinary.getPath();
  const dbPath = options.dataDir ? path.join(options.dataDir, 'mongod') : undefined;
  if (dbPath) mkdirSync(dbPath, { recursive: true });
  const server = await MongoMemoryServer.create({
    // Own process group, as for FerretDB below: Ctrl-C must not stop the database before the API.
    spawn: { detached: true },
    instance: dbPath ? { dbPath, storageEngine: 'wiredTiger' } : {},
  });
  return {
    uri: server.getUri(),
    kind: 'mongod',
    stop: async () => {
      await server.stop({ doCleanup: !dbPath });
    },
  };
}

/** Path of the cached FerretDB binary, building it on first use (about a minute and a half). */
export async function ferretdbBinary(log: EmbeddedOptions['log']): Promise<string> {
  if (process.env.FERRETDB_BIN) return process.env.FERRETDB_BIN;
  // Said only when it is not found at once: a cached build answers in well under a second.
  const building = setTimeout(
    () =>
      log.info(
        'building FerretDB (once per machine, from the Go module proxy: about 1.5 min, up to 3 on a busy machine)',
      ),
    2000,
  );
  try {
    const { stdout } = await promisify(execFile)('bash', [FERRETDB_BUILD_SCRIPT], {
      maxBuffer: 1 << 20,
    });
    return stdout.trim().split('\n').at(-1)!;
  } finally {
    clearTimeout(building);
  }
}

/** Where a FerretDB on a kept data directory notes which process it is. */
const ferretdbClaimFile = (dir: string) => path.join(dir, 'ferretdb.pid');

/**
 * Stops a FerretDB that a server which died without stopping it (SIGKILL, out of memory) left
 * serving `dir`: this server holds the data directory now (data-dir-lock.ts), and a second
 * database on the same files would serve them beside it. Only the process its note names, still
 * running since then, and still serving `dir`, is stopped.
 */
async function stopOrphanedFerretdb(dir: string, log: EmbeddedOptions['log']): Promise<void> {
  let claim: string;
  try {
    claim = readFileSync(ferretdbClaimFile(dir), 'utf8');
  } catch {
    return;
  }
  const pid = claimedProcess(claim);
  if (pid === null) return;
  const { stdout: args } = await promisify(execFile)('ps', [
    '-o',
    'args=',
    '-p',
    String(pid),
  ]).catch(() => ({ stdout: '' }));
  if (!args.includes(`--state-dir=${dir}`)) return;
  log.warn(
    { ferretdbPid: pid },
    'stopping the FerretDB a previous server left running on this data directory',
  );
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; isAlive(pid); waited += 20) {
    if (waited === 5000) process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function startFerretdb(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const binary = await ferretdbBinary(options.log);
  const port = options.port ?? (await freePort());
  // SQLite's shared in-memory mode deadlocks FerretDB's findAndModify, so even throwaway data
  // gets a real folder (in RAM where /dev/shm exists), removed again on stop.
  const dir = options.dataDir
    ? path.join(options.dataDir, 'ferretdb')
    : mkdtempSync(
        path.join(existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'sigmagpt-ferretdb-'),
      );
  mkdirSync(dir, { recursive: true });
  if (options.dataDir) await stopOrphanedFerretdb(dir, options.log);
  const args = [
    '--handler=sqlite',
    `--sqlite-url=${sqliteUrl(dir, options.sqliteBusyTimeoutMs)}`,
    `--listen-addr=127.0.0.1:${port}`,
    `--state-dir=${dir}`,
    '--debug-addr=-',
    '--telemetry=disable',
    '--log-level=error',
  ];
  // Started outside the API's process tree (the shell that launches it exits at once) and, where
  // `setsid` exists (Linux), in a session of its own: a Ctrl-C (the terminal signals its whole
  // foreground process group), or a watcher such as nodemon signalling every descendant, reaches
  // only the API, which stores the answers of its open streams and then stops the database itself.
  const launched = await promisify(execFile)(
    'sh',
    [
      '-c',
      `$(command -v setsid) "$0" "$@" </dev/null >/dev/null 2>>"${dir}/ferretdb.log" & echo $!`,
      binary,
      ...args,
    ],
    { env: { ...process.env, DO_NOT_TRACK: '1' } },
  );
  const pid = Number(launched.stdout.trim());
  if (options.dataDir) writeFileSync(ferretdbClaimFile(dir), processClaim(pid));
  // Whatever way the API process ends, the database it started ends with it.
  const killOnExit = () => {
    if (isAlive(pid)) process.kill(pid, 'SIGTERM');
  };
  process.once('exit', killOnExit);
  try {
    await waitForPort(port, pid, 15_000);
  } catch (error) {
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    throw error;
  }
  // Its lookups by `_id` read whole collections without this (ferretdb-id-index.ts).
  const idIndexer = await indexFerretdbIds(dir, options.log);
  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    kind: 'ferretdb',
    pid,
    stop: async () => {
      idIndexer.stop();
      process.off('exit', killOnExit);
      killOnExit();
      for (let waited = 0; isAlive(pid); waited += 20) {
        if (waited === 5000) process.kill(pid, 'SIGKILL');
        await new Promise((r) => setTimeout(r, 20));
      }
      if (!options.dataDir) rmSync(dir, { recursive: true, force: true });
      else rmSync(ferretdbClaimFile(dir), { force: true });
    },
  };
}

export async function startEmbeddedDatabase(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const failures: string[] = [];
  try {
    return await startMongod(options);
  } catch (error) {
    failures.push(`mongod via mongodb-memory-server: ${(error as Error).message.split('\n')[0]}`);
    // The usual way on a machine without internet access, where the download cannot be made.
    options.log.info('using FerretDB: mongod could not be started (offline?)');
  }
  try {
    if (!process.env.FERRETDB_BIN && !existsSync(FERRETDB_BUILD_SCRIPT))
      throw new Error('build script missing');
    return await startFerretdb(options);
  } catch (error) {
    failures.push(`FerretDB: ${(error as Error).message.split('\n')[0]}`);
  }
  throw new Error(
    [
      'No database could be started. Tried:',
      ...failures.map((f) => `  - ${f}`),
      'Ways out:',
      '  1. Set MONGODB_URI to a MongoDB you run (local mongod, Docker `compose up mongo`, or Atlas).',
      '  2. Connect to the internet once so mongodb-memory-server can download mongod.',
      '  3. Install Go (https://go.dev) so FerretDB can be built, or set FERRETDB_BIN to a ferretdb binary.',
    ].join('\n'),
  );
}
