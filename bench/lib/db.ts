import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { startFerretdb } from '../../src/lib/db/embedded.js';
import { run } from './common.js';
import { checkEqualityIndexes } from './index-check.js';
import { PROJECT_ROOT } from './servers.js';

export interface BenchDatabase {
  uri: string;
  stop(): Promise<void>;
  /** CPU time (ms) the database process has used so far, where it runs as a process of its own here. */
  cpuMs?(): number;
  /**
   * CPU time (ms) the database's JIT compilers have used so far (mongo-java-server): work a
   * warmed-up database no longer does, and a mongod never does.
   */
  compilerCpuMs?(): number;
}

/** Which server the run's phases get, chosen once per run by {@link chooseBackend}. */
export interface Backend {
  kind: 'java' | 'ferretdb' | 'uri';
  /** One line for the report header: what ran, and what that means for the absolute figures. */
  label: string;
  /** Why this one (shown at the start of the run), e.g. the fallback's reason. */
  reason: string;
  start(): Promise<BenchDatabase>;
}

const log = (m: string) => console.error(`[db] ${m}`);

/**
 * The benchmark's database, chosen by BENCH_DB (`java`, `ferretdb`, `uri`), else: MONGODB_URI when
 * set (a real mongod), else mongo-java-server when Java and Maven can build and start it, else the
 * project's FerretDB. An explicit choice that cannot start fails the run instead of falling back.
 */
export async function chooseBackend(options: {
  warmupMs: number;
  /**
   * One mongo-java-server for the whole run, each phase on a database of its own (dropped at the
   * phase's end), instead of a fresh JVM per phase: for smoke, whose figures only prove the parts
   * work, and where starting a JVM per phase was a tenth of its time.
   */
  sharedJvm?: boolean;
}): Promise<Backend> {
  const wanted = process.env.BENCH_DB ?? (process.env.MONGODB_URI ? 'uri' : 'auto');
  if (!['auto', 'java', 'ferretdb', 'uri'].includes(wanted))
    throw new Error(`BENCH_DB=${wanted}: expected java, ferretdb or uri`);
  if (wanted === 'uri') {
    const uri = process.env.MONGODB_URI;
    if (!uri) throw new Error('BENCH_DB=uri needs MONGODB_URI');
    return uriBackend(uri);
  }
  if (wanted === 'ferretdb') return ferretdbBackend('chosen with BENCH_DB=ferretdb');
  try {
    return await javaBackend(options.warmupMs, options.sharedJvm ?? false);
  } catch (error) {
    if (wanted === 'java') throw error;
    const why = error instanceof Error ? error.message.trim().split('\n').at(-1) : String(error);
    return ferretdbBackend(
      `FALLBACK: mongo-java-server could not be built or started (${why}); using FerretDB, whose collection scans dominate figures 1, 2 and 4`,
    );
  }
}

/**
 * mongo-java-server's in-memory backend (bench/mongo-java-server), built once per machine into
 * ~/.cache/sigmagpt. A fresh JVM per phase, so every phase starts from an empty database (and
 * from the same JIT state); with `shared`, the JVM that proved the build serves every phase.
 */
async function javaBackend(warmupMs: number, shared: boolean): Promise<Backend> {
  log('locating mongo-java-server (the first run on a machine builds it with Maven, ~20 s)');
  const dir = (
    await run('bash', [path.join(PROJECT_ROOT, 'bench/mongo-java-server/build.sh')], {
      timeoutMs: 600_000,
    })
  )
    .trim()
    .split('\n')
    .at(-1)!;
  // One start proves the build runs here (Java version, classpath) and that its indexes answer as
  // scans would, before any phase relies on it.
  const proof = await startJava(dir, 0);
  try {
    await checkEqualityIndexes(proof.uri);
  } catch (error) {
    await proof.stop();
    throw error;
  }
  if (!shared) await proof.stop();
  return {
    kind: 'java',
    label: `mongo-java-server 1.47 (in-memory backend, announcing MongoDB 4.4), ${shared ? 'one instance for the whole run, a database per phase' : 'one instance per phase'}, shared by both servers. Its secondary indexes serve an equality on their first field (the bench’s EqualityIndex; the library itself keeps unique indexes only) and its _id index a filter giving _id one value beside other fields, anything else scans the documents so found or the whole collection, so absolute times are not a real mongod’s; the servers’ ratios are fair`,
    reason: 'mongo-java-server (in memory; BENCH_DB=ferretdb|uri to choose another)',
    start: shared ? () => Promise.resolve(phaseDatabase(proof)) : () => startJava(dir, warmupMs),
  };
}

/** A phase's own database on a server that outlives the phase: dropped when the phase stops. */
function phaseDatabase(server: BenchDatabase): BenchDatabase {
  const uri = withDatabase(server.uri, `sigmagpt_bench_${randomBytes(4).toString('hex')}`);
  return {
    uri,
    stop: () => dropDatabase(uri),
    ...(server.cpuMs ? { cpuMs: () => server.cpuMs!() } : {}),
    ...(server.compilerCpuMs ? { compilerCpuMs: () => server.compilerCpuMs!() } : {}),
  };
}

/** The URI with another database: its path, replaced (or added) between the hosts and the options. */
const withDatabase = (uri: string, name: string) =>
  uri.replace(/^(mongodb(?:\+srv)?:\/\/[^/?]+)(\/[^?]*)?/, `$1/${name}`);

async function dropDatabase(uri: string): Promise<void> {
  const client = await MongoClient.connect(uri);
  try {
    await client.db().dropDatabase();
  } finally {
    await client.close();
  }
}

/**
 * A fresh JVM interprets before its JIT compiles: the first thousands of commands are several
 * times slower, and in round 1 that would land on whichever server runs first (ours). So each
 * instance first runs the kinds of commands both servers send — inserts, indexed finds with sort
 * and limit, counts, $group aggregates, updates, findAndModify, deletes — from 16 clients at once
 * for `ms`, on a scratch database dropped afterwards.
 */
async function warmUp(uri: string, ms: number): Promise<void> {
  const client = await MongoClient.connect(uri);
  try {
    const db = client.db();
    const docs = db.collection('docs');
    await docs.createIndex({ k: 1, at: -1 });
    await docs.createIndex({ u: 1 }, { unique: true });
    const end = Date.now() + ms;
    let seq = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (Date.now() < end) {
          const u = (seq += 1);
          const k = u % 50;
          await docs.insertOne({ u, k, at: new Date(), text: 'warm up '.repeat(8) });
          await docs.find({ k }).sort({ at: -1 }).limit(20).toArray();
          await docs.findOne({ u });
          await docs.countDocuments({ k });
          await docs
            .aggregate([{ $match: { k } }, { $group: { _id: '$k', n: { $sum: 1 } } }])
            .toArray();
          await docs.updateOne({ u }, { $set: { at: new Date() } });
          await docs.findOneAndUpdate({ u }, { $inc: { n: 1 } }, { returnDocument: 'after' });
          if (u % 10 === 0) await docs.deleteMany({ k, u: { $lt: u - 500 } });
        }
      }),
    );
    await db.dropDatabase();
  } finally {
    await client.close();
  }
}

async function startJava(dir: string, warmupMs: number): Promise<BenchDatabase> {
  // Serial GC: one collector thread, so the database takes as little CPU from the two cores as it
  // can; 2 GiB is far more than the largest phase stores.
  const child = spawn(
    'java',
    [
      '-Xms256m',
      '-Xmx2g',
      '-XX:+UseSerialGC',
      // An experiment's JVM options, e.g. BENCH_JAVA_OPTS='-Xlog:gc:file=/tmp/db-gc-%p.log'.
      ...(process.env.BENCH_JAVA_OPTS?.split(' ').filter(Boolean) ?? []),
      '-cp',
      `${path.join(dir, 'bench-mongo-server.jar')}:${path.join(dir, 'lib/*')}`,
      'sigmagpt.bench.BenchMongoServer',
      '0',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('mongo-java-server did not listen within 30 s'));
    }, 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`mongo-java-server exited with ${code ?? signal} before it listened`));
    });
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  await warmUp(`mongodb://127.0.0.1:${port}/bench_warmup`, warmupMs);
  return {
    uri: `mongodb://127.0.0.1:${port}/sigmagpt`,
    stop: async () => {
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
    },
    cpuMs: () => (child.pid ? processCpuMs(child.pid) : NaN),
    compilerCpuMs: () => (child.pid ? threadsCpuMs(child.pid, /^C[12] CompilerThre/) : NaN),
  };
}

/**
 * The project's embedded FerretDB (SQLite backend) with its data on /dev/shm, so disk speed does
 * not enter the figures.
 */
export function ferretdbBackend(reason: string): Backend {
  return {
    kind: 'ferretdb',
    label:
      'FerretDB 1.24 (SQLite backend, data on /dev/shm), one instance per phase, shared by both servers. A lookup by `_id` alone searches the index the project adds (src/lib/db/ferretdb-id-index.ts); every other filter scans its collection (~40 µs per document), so figures 1, 2 and 4 measure mostly FerretDB',
    reason,
    start: async () => {
      // The project's build script caches the binary per machine (built once from the Go module proxy).
      process.env.FERRETDB_BIN ??= (
        await run('bash', [path.join(PROJECT_ROOT, 'scripts/build-ferretdb.sh')], {
          timeoutMs: 600_000,
        })
      )
        .trim()
        .split('\n')
        .at(-1);
      const dir = mkdtempSync(path.join('/dev/shm', 'sigmagpt-bench-'));
      const db = await startFerretdb({ dataDir: dir, log: { info: log, warn: log } as never });
      return {
        uri: `${db.uri}sigmagpt`,
        stop: async () => {
          await db.stop();
          rmSync(dir, { recursive: true, force: true });
        },
        cpuMs: () => (db.pid ? processCpuMs(db.pid) : NaN),
      };
    },
  };
}

/** A server someone runs (a real mongod): a fresh database per phase, dropped at its end. */
function uriBackend(uri: string): Backend {
  const redacted = uri.replace(/\/\/[^@/]*@/, '//***@');
  return {
    kind: 'uri',
    label: `MONGODB_URI (${redacted}), a fresh database per phase, shared by both servers`,
    reason: `MONGODB_URI (${redacted})`,
    start: () => Promise.resolve(phaseDatabase({ uri, stop: () => Promise.resolve() })),
  };
}

/** User + system CPU time of a process, from /proc (clock ticks of 10 ms on Linux). */
function processCpuMs(pid: number): number {
  return statCpuMs(`/proc/${pid}/stat`);
}

/** User + system CPU time of a process's threads whose names match, alive now. */
function threadsCpuMs(pid: number, name: RegExp): number {
  let total = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = `/proc/${pid}/task/${task}/stat`;
      if (name.test(readFileSync(`/proc/${pid}/task/${task}/comm`, 'utf8')))
        total += statCpuMs(stat);
    } catch {
      // A thread that ended while being read.
    }
  }
  return total;
}

/** utime + stime of a `stat` file of /proc, in ms. */
function statCpuMs(file: string): number {
  const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
  // After the command: state is field 3, utime 14 and stime 15 (1-based, as in proc(5)).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** One kind of command's share of the database's CPU over a stretch (BENCH_DB_PROFILE=1). */
export interface CommandCost {
  kind: string;
  count: number;
  cpuMs: number;
  bytesIn: number;
  bytesOut: number;
}

/** What the database's CPU went to over a stretch: its commands, and its threads by group. */
export interface DatabaseCosts {
  commands: CommandCost[];
  threads: { name: string; cpuMs: number }[];
}

/**
 * With BENCH_DB_PROFILE=1 on mongo-java-server: the CPU each kind of command and each group of
 * the database's threads took since the last call (the first call only starts the count),
 * costliest first. Empty when off or on another database.
 */
export async function takeDatabaseCosts(uri: string): Promise<DatabaseCosts> {
  const none = { commands: [], threads: [] };
  if (process.env.BENCH_DB_PROFILE !== '1') return none;
  const client = await MongoClient.connect(uri);
  try {
    const answer = await client.db().command({ benchProfile: 1 });
    return {
      commands: answer.commands as CommandCost[],
      threads: answer.threads as DatabaseCosts['threads'],
    };
  } catch {
    return none;
  } finally {
    await client.close();
  }
}
