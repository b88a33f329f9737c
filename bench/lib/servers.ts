import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, sleep, waitForPort } from './common.js';

/** Folder of the compiled bench scripts (bench/results/tmp/build/bench). */
export const BUILD_BENCH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BUILD_ROOT = path.resolve(BUILD_BENCH, '..');
export const PROJECT_ROOT = path.resolve(BUILD_ROOT, '../../../..');
export const RESULTS_DIR = path.join(PROJECT_ROOT, 'bench/results');
export const PROFILE_DIR = path.join(RESULTS_DIR, 'tmp/profiles');
/** Our servers' logs (LOG_LEVEL=warn), one file per process, so a failed request can be explained. */
export const SERVER_LOG_DIR = path.join(RESULTS_DIR, 'tmp/logs');

export const JWT_SECRET = 'bench-secret-0123456789abcdef-0123456789abcdef';
export const JWT_ISSUER = 'sigmagpt-api';
export const JWT_AUDIENCE = 'sigmagpt-clients';
export const BCRYPT_COST = 10;

export interface ProbeStats {
  eventLoopDelayMs: { p50: number; p99: number; max: number; mean: number; samples: number };
  memory: {
    rss: number;
    heapUsed: number;
    external: number;
    arrayBuffers: number;
    heapTotal: number;
    /** Bytes in memory per V8 heap space (`physical_space_size`). */
    spaces: Record<string, number>;
    /** V8's own malloc'd memory. */
    malloced: number;
  };
  sockets: {
    accepted: number;
    acceptedWritableBytes: number;
    outgoing: number;
    outgoingUnreadBytes: number;
  };
  cpu: { user: number; system: number };
  loopActiveMs: number;
  /** Garbage-collection pauses since the last reset: how many, their total and the longest (ms). */
  gcPauses: { n: number; ms: number; maxMs: number; maxMsByKind: Record<string, number> };
  /** Database commands since the last reset, by name (ours and the thread relay: see probe.ts). */
  commands: Record<string, { n: number; ms: number; maxMs: number; failed: number }>;
  /** The same keyed `<command> <collection>`, e.g. `find chats`. */
  byCollection: Record<string, { n: number; ms: number; maxMs: number; failed: number }>;
  node: string;
}

export interface RunningServer {
  name: 'ours' | 'baseline' | 'thread-relay';
  port: number;
  child: ChildProcess;
  probe(cmd: 'stats' | 'reset' | 'gc' | 'alloc-start'): Promise<ProbeStats>;
  /** Stops the allocation sampling `alloc-start` began, and writes its profile to `file`. */
  probe(cmd: 'alloc-stop', file: string): Promise<ProbeStats>;
  /** Forced GC, then a heap snapshot written to `file` (bench/memory.ts). */
  snapshot(file: string): Promise<ProbeStats>;
  stop(): Promise<void>;
  /** Our server's log file (absent with BENCH_SERVER_LOG=1, which prints it instead). */
  logFile?: string;
}

/** The errors and warnings a server logged (pino's JSON lines at warn or above), newest last. */
export function loggedProblems(server: RunningServer, except: RegExp): string[] {
  if (!server.logFile || !existsSync(server.logFile)) return [];
  return readFileSync(server.logFile, 'utf8')
    .split('\n')
    .filter((line) => /"level":(40|50|60)/.test(line) && !except.test(line));
}

let probeSeq = 0;

function withProbe(child: ChildProcess) {
  return (
    cmd: 'stats' | 'reset' | 'gc' | 'snapshot' | 'alloc-start' | 'alloc-stop',
    file?: string,
  ) =>
    new Promise<ProbeStats>((resolve, reject) => {
      const id = (probeSeq += 1);
      const timer = setTimeout(() => reject(new Error(`probe ${cmd} timed out`)), 120_000);
      const onMessage = (message: unknown) => {
        const m = message as { probe?: number } & ProbeStats;
        if (m.probe !== id) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(m);
      };
      child.on('message', onMessage);
      child.send({ id, cmd, file });
    });
}

async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export interface ServerOptions {
  node: string;
  mongoUri: string;
  /** Another build of our server (bench/memory.ts --before-build): its compiled src/server.js. */
  serverJs?: string;
  upstreamPort: number;
  cpuProfile?: string;
  /** Further settings for our server (figure 8 names its checkpoint and poll intervals). */
  env?: Record<string, string>;
}

/** Our server, built by tsc from src/ (the same JS `npm start` runs), in production mode. */
export async function startOurs(options: ServerOptions): Promise<RunningServer> {
  const port = await freePort();
  const args = [`--import=${path.join(BUILD_BENCH, 'probe.js')}`];
  if (options.cpuProfile) {
    mkdirSync(PROFILE_DIR, { recursive: true });
    args.push(
      '--cpu-prof',
      `--cpu-prof-dir=${PROFILE_DIR}`,
      `--cpu-prof-name=${options.cpuProfile}`,
    );
  }
  args.push(options.serverJs ?? path.join(BUILD_ROOT, 'src/server.js'));
  // Our server's log (LOG_LEVEL=warn) goes to a file of its own, or with BENCH_SERVER_LOG=1 to the console.
  let logFile: string | undefined;
  if (process.env.BENCH_SERVER_LOG !== '1') {
    mkdirSync(SERVER_LOG_DIR, { recursive: true });
    logFile = path.join(SERVER_LOG_DIR, `ours-${port}-${Date.now()}.log`);
  }
  const child = spawn(options.node, args, {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', logFile ? openSync(logFile, 'w') : 'inherit', 'inherit', 'ipc'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      BENCH_PROBE: '1',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      MONGODB_URI: options.mongoUri,
      JWT_SECRET,
      JWT_ISSUER,
      JWT_AUDIENCE,
      BCRYPT_COST: String(BCRYPT_COST),
      OPENAI_BASE_URL: `http://127.0.0.1:${options.upstreamPort}/v1`,
      OPENAI_API_KEY: 'bench',
      MODELS: 'bench-model',
      RATE_LIMITS_ENABLED: 'false',
      // The login storm measures the hashing pool itself, not the fail-fast bound in front of it.
      BCRYPT_MAX_QUEUE: '10000',
      MESSAGES_PER_MINUTE: '1000000',
      MAX_CONCURRENT_STREAMS: '1000',
      UPSTREAM_MAX_SOCKETS: '20000',
      UPSTREAM_MAX_RETRIES: '0',
      DATA_DIR: path.join(RESULTS_DIR, 'tmp/data'),
      ...options.env,
      // An experiment's settings for our server alone, e.g. BENCH_OURS_ENV='{"STREAM_CHECKPOINT_MS":"60000"}'.
      ...(process.env.BENCH_OURS_ENV
        ? (JSON.parse(process.env.BENCH_OURS_ENV) as Record<string, string>)
        : {}),
    },
  });
  await waitForPort(port, child, 30_000);
  await waitReady(port);
  const probe = withProbe(child);
  return {
    name: 'ours',
    port,
    child,
    probe,
    snapshot: (file) => probe('snapshot', file),
    stop: () => stopChild(child),
    logFile,
  };
}

/**
 * A relay of bench/ (`script`, compiled) as a child process on a free port, with the probe, the
 * same token settings and the same upstream as ours; `env` adds what that relay reads.
 */
async function startRelay(
  name: RunningServer['name'],
  script: string,
  options: ServerOptions,
  env: Record<string, string> = {},
): Promise<RunningServer> {
  const port = await freePort();
  // A relay prints nothing of its own; with BENCH_TRACE_GC its V8 trace goes to a file as ours' does.
  let stdout: 'ignore' | number = 'ignore';
  if (process.env.BENCH_TRACE_GC) {
    mkdirSync(SERVER_LOG_DIR, { recursive: true });
    stdout = openSync(path.join(SERVER_LOG_DIR, `${name}-${port}-${Date.now()}.log`), 'w');
  }
  const child = spawn(
    options.node,
    [`--import=${path.join(BUILD_BENCH, 'probe.js')}`, path.join(BUILD_BENCH, script)],
    {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', stdout, 'inherit', 'ipc'],
      env: {
        PATH: process.env.PATH,
        BENCH_PROBE: '1',
        PORT: String(port),
        MONGODB_URI: options.mongoUri,
        JWT_SECRET,
        JWT_ISSUER,
        JWT_AUDIENCE,
        OPENAI_BASE_URL: `http://127.0.0.1:${options.upstreamPort}/v1`,
        OPENAI_API_KEY: 'bench',
        ...env,
        // An experiment's settings for the relays alone, as BENCH_OURS_ENV is for ours.
        ...(process.env.BENCH_RELAY_ENV
          ? (JSON.parse(process.env.BENCH_RELAY_ENV) as Record<string, string>)
          : {}),
      },
    },
  );
  await waitForPort(port, child, 30_000);
  const probe = withProbe(child);
  return {
    name,
    port,
    child,
    probe,
    snapshot: (file) => probe('snapshot', file),
    stop: () => stopChild(child),
  };
}

/** The baseline relay (bench/baseline.ts). */
export const startBaseline = (options: ServerOptions) =>
  startRelay('baseline', 'baseline.js', options);

/** The messages-in-the-thread relay (bench/thread-relay.ts): Express, Mongoose, the openai SDK. */
export const startThreadRelay = (options: ServerOptions) =>
  startRelay('thread-relay', 'thread-relay.js', options, {
    NODE_ENV: 'production',
    MODEL: 'bench-model',
  });

async function waitReady(port: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (res.ok) return;
    } catch {
      // not yet
    }
    await sleep(100);
  }
  throw new Error('our server did not become ready');
}

export interface Upstream {
  port: number;
  script(s: { ttftMs: number; gapMs: number; chunks: number; chunkSize: number }): Promise<void>;
  stats(): Promise<{
    started: number;
    completed: number;
    aborted: number;
    active: number;
    bytes: number;
    contentChunks: number;
  }>;
  reset(): Promise<void>;
  /** When each completion request arrived since the last reset (epoch ms, in arrival order). */
  arrivals(): Promise<number[]>;
  /** Waits (at most `withinMs`) until no stream through the upstream is open. */
  untilClosed(withinMs: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startUpstream(node: string): Promise<Upstream> {
  const port = await freePort();
  const child = spawn(node, [path.join(BUILD_BENCH, 'upstream.js')], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { PATH: process.env.PATH, PORT: String(port) },
  });
  await waitForPort(port, child, 10_000);
  const base = `http://127.0.0.1:${port}`;
  const stats: Upstream['stats'] = async () => (await fetch(`${base}/__stats`)).json() as never;
  return {
    port,
    script: async (s) => {
      await fetch(`${base}/__script`, { method: 'POST', body: JSON.stringify(s) });
    },
    stats,
    reset: async () => {
      await fetch(`${base}/__reset`, { method: 'POST' });
    },
    arrivals: async () => (await fetch(`${base}/__arrivals`)).json() as Promise<number[]>,
    untilClosed: async (withinMs) => {
      const by = Date.now() + withinMs;
      while ((await stats()).active > 0 && Date.now() < by) await sleep(250);
    },
    stop: () => stopChild(child),
  };
}

export function startClient(node: string): ChildProcess {
  return fork(path.join(BUILD_BENCH, 'client.js'), [], {
    execPath: node,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

export function node20(): string | null {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node'])
    if (existsSync(candidate)) return candidate;
  return null;
}
