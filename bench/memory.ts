/**
 * `npm run bench:memory [-- --rounds=3 --streams=300 --label=after]`: what one held SSE stream
 * costs, our server against the baseline relay, in the same run. Per round (fresh database and
 * processes, servers in alternating order): a few short streams warm each server up (first-use code
 * and pools are not a per-stream cost), then N streams from a slow endless upstream (first token at
 * once, a chunk every 2 s) are opened and held, and RSS and heap (after forced GC) are compared with
 * the warmed-up idle process. The first round also takes heap snapshots (idle and held) through the
 * bench probe and counts the retained objects per stream by kind. `--before-build=DIR` adds a third
 * arm in the same rounds: another build of our server (DIR/src/server.js, e.g. main compiled with
 * `tsc -p bench/tsconfig.json --outDir DIR`), for before/after figures from one run. Writes
 * bench/results/memory-<label>.json and prints a Markdown summary; commits nothing.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import type { StreamJob, StreamResult, StreamTarget } from './client.js';
import { sleep, spread, type Spread } from './lib/common.js';
import { chooseBackend, type Backend } from './lib/db.js';
import { censusOf, perStream, type PerStream } from './lib/heap.js';
import { rssParts } from './lib/rss-parts.js';
import { resetMessages, seed } from './lib/seed.js';
import {
  RESULTS_DIR,
  startBaseline,
  startClient,
  startOurs,
  startUpstream,
  type RunningServer,
} from './lib/servers.js';

const arg = (name: string, fallback: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const ROUNDS = Number(arg('rounds', '3'));
const N = Number(arg('streams', '300'));
const RATE = Number(arg('rate', '50'));
const LABEL = arg('label', 'latest');
/** Optional third arm: another build of our server (a folder holding src/server.js), e.g. main's. */
const BEFORE_BUILD = arg('before-build', '');
/** Leave the first round's snapshots in bench/results/tmp/heap (to open in DevTools). */
const KEEP_SNAPSHOTS = process.argv.includes('--keep-snapshots');
/** How long the streams are held open before measuring (a chunk arrives every 2 s meanwhile). */
const HOLD_MS = Number(arg('hold', '2.5')) * 1000;
const WARMUP = 10;
const SNAPSHOT_DIR = path.join(RESULTS_DIR, 'tmp/heap');

const started = Date.now();
const log = (m: string) =>
  console.log(`[memory +${((Date.now() - started) / 1000).toFixed(0)}s] ${m}`);

let client: ChildProcess;
let jobSeq = 0;
function streams(
  job: Omit<StreamJob, 'id' | 'kind'>,
  onProgress?: (firstDelta: number) => void,
): { id: number; done: Promise<StreamResult> } {
  const id = (jobSeq += 1);
  const done = new Promise<StreamResult>((resolve) => {
    const onMessage = (raw: unknown) => {
      const m = raw as { id?: number; progress?: number; firstDelta: number };
      if (m.progress === id) onProgress?.(m.firstDelta);
      else if (m.id === id) {
        client.off('message', onMessage);
        resolve(m as unknown as StreamResult);
      }
    };
    client.on('message', onMessage);
  });
  client.send({ ...job, kind: 'streams', id });
  return { id, done };
}

interface Arm {
  rssPerStreamKiB: number;
  heapPerStreamKiB: number;
  rssIdleMiB: number;
  rssHeldMiB: number;
  /**
   * The RSS growth per stream split by where it lives: each V8 space's pages, array buffers,
   * V8's malloc, and the rest (Node's and libuv's native memory, allocator slack).
   */
  rssPartsKiB: Record<string, number>;
  opened: number;
  failed: number;
  errors: string[];
  census?: PerStream[];
}

async function measure(
  name: string,
  server: RunningServer,
  targets: StreamTarget[],
  upstream: Awaited<ReturnType<typeof startUpstream>>,
  uri: string,
  snapshot: boolean,
): Promise<Arm> {
  await resetMessages(uri);
  await upstream.script({ ttftMs: 0, gapMs: 5, chunks: 3, chunkSize: 16 });
  log(`  ${name}: warming up`);
  await streams({
    port: server.port,
    mode: 'api',
    targets: targets.slice(0, WARMUP),
    count: WARMUP,
    warmup: 0,
    ratePerSec: 20,
    expectedDeltas: 3,
    maxDurationMs: 30_000,
    progressMs: 0,
  }).done;
  log(`  ${name}: warmed up`);
  await resetMessages(uri);
  log(`  ${name}: reset`);
  // Endless for the measurement: a chunk every 2 s for 20 minutes; the job is cancelled when done.
  await upstream.script({ ttftMs: 0, gapMs: 2000, chunks: 600, chunkSize: 16 });
  const idleFile = path.join(SNAPSHOT_DIR, `${name}-idle.heapsnapshot`);
  const heldFile = path.join(SNAPSHOT_DIR, `${name}-held.heapsnapshot`);
  // Writing a snapshot grows RSS by far more than the streams do, so RSS and heap are read from
  // plain probes first, and the idle snapshot is taken last, once the streams are closed again.
  const idle = await server.probe('gc');
  log(`  ${name}: idle, opening ${N} streams`);
  let opened = 0;
  const job = streams(
    {
      port: server.port,
      mode: 'api',
      targets: targets.slice(0, N),
      count: N,
      warmup: 0,
      ratePerSec: RATE,
      expectedDeltas: -1,
      maxDurationMs: 20 * 60_000,
      progressMs: 250,
    },
    (firstDelta) => (opened = Math.max(opened, firstDelta)),
  );
  const deadline = Date.now() + 5 * 60_000;
  while (opened < N && Date.now() < deadline) await sleep(200);
  // Let every stream reach its held state (first checkpoint written, pings armed), and hold.
  await sleep(HOLD_MS);
  const held = await server.probe('gc');
  log(`  ${name}: ${opened} held${snapshot ? ', taking snapshots' : ''}`);
  if (snapshot) await server.snapshot(heldFile);
  client.send({ cancel: job.id });
  const result = await job.done;
  // Our replies outlive their connection (DETACH_GRACE_SECONDS): the idle snapshot waits until
  // every upstream stream is gone, so it holds no generation of the measured streams.
  await upstream.untilClosed(120_000);
  await sleep(3000);
  if (snapshot) await server.snapshot(idleFile);
  const arm: Arm = {
    rssPerStreamKiB: (held.memory.rss - idle.memory.rss) / 1024 / N,
    heapPerStreamKiB:
      (held.memory.heapUsed +
        held.memory.arrayBuffers -
        idle.memory.heapUsed -
        idle.memory.arrayBuffers) /
      1024 /
      N,
    rssPartsKiB: rssParts(idle.memory, held.memory, N),
    rssIdleMiB: idle.memory.rss / 2 ** 20,
    rssHeldMiB: held.memory.rss / 2 ** 20,
    opened,
    failed: result.failed,
    errors: result.errors.slice(0, 3),
  };
  if (snapshot) {
    arm.census = perStream(censusOf(idleFile), censusOf(heldFile), N);
    if (!KEEP_SNAPSHOTS) {
      rmSync(idleFile, { force: true });
      rmSync(heldFile, { force: true });
    }
  }
  return arm;
}

/**
 * The seeded chats have no search keys, so our server would fill them in at start (one bulk write
 * per 500 chats) while the warm-up streams write; FerretDB stalled on that here (every later query
 * timed out). Empty keys make the backfill a no-op; search is not part of this measurement.
 */
async function withSearchTerms(uri: string): Promise<void> {
  const mongo = await MongoClient.connect(uri);
  try {
    await mongo
      .db()
      .collection('chats')
      .updateMany({ terms: { $exists: false } }, { $set: { terms: [] } });
  } finally {
    await mongo.close();
  }
}

type ArmName = 'ours' | 'before' | 'baseline';

async function main() {
  mkdirSync(SNAPSHOT_DIR, { recursive: true });
  const node = process.execPath;
  const load = os.loadavg();
  const beforeJs = BEFORE_BUILD ? path.resolve(BEFORE_BUILD, 'src/server.js') : undefined;
  log(`${ROUNDS} rounds × ${N} streams; load average ${load.map((l) => l.toFixed(2)).join(' ')}`);
  const backend: Backend = await chooseBackend({ warmupMs: 3000 });
  log(`database: ${backend.reason}`);
  const upstream = await startUpstream(node);
  client = startClient(node);
  const rows: Row[] = [];
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      const db = await backend.start();
      const seeded = await seed(db.uri, { users: N, chatsPerUser: 1, loginUser: false });
      await withSearchTerms(db.uri);
      const targets = seeded.users.map((u) => ({
        path: `/api/chats/${u.chatIds[0]}/messages`,
        token: u.token,
        body: JSON.stringify({ content: 'Hello, benchmark! Please answer briefly.', stream: true }),
      }));
      const common = { node, mongoUri: db.uri, upstreamPort: upstream.port };
      const servers: [ArmName, RunningServer][] = [
        ['ours', await startOurs(common)],
        ['baseline', await startBaseline(common)],
      ];
      if (beforeJs) servers.push(['before', await startOurs({ ...common, serverJs: beforeJs })]);
      // A different order each round (rotated), so drift in the machine hits every arm.
      const order = servers.map((_, i) => servers[(i + round) % servers.length]!);
      const row: Row = { round };
      try {
        for (const [name, server] of order) {
          const a = await measure(name, server, targets, upstream, db.uri, round === 0);
          row[name] = a;
          log(
            `round ${round + 1} ${name}: ${a.opened}/${N} held, ${a.rssPerStreamKiB.toFixed(0)} KiB RSS, ${a.heapPerStreamKiB.toFixed(1)} KiB heap per stream (RSS ${a.rssIdleMiB.toFixed(0)} → ${a.rssHeldMiB.toFixed(0)} MiB), failed ${a.failed}`,
          );
        }
      } finally {
        for (const [, s] of servers) await s.stop();
        await db.stop();
      }
      rows.push(row);
    }
  } finally {
    client.kill();
    await upstream.stop();
  }
  const arms: ArmName[] = beforeJs ? ['ours', 'before', 'baseline'] : ['ours', 'baseline'];
  const per = (name: ArmName, pick: (a: Arm) => number): Spread =>
    spread(rows.map((r) => pick(r[name]!)));
  const summary = {
    label: LABEL,
    at: new Date().toISOString(),
    streams: N,
    rounds: ROUNDS,
    holdSeconds: HOLD_MS / 1000,
    database: backend.label,
    node: process.version,
    loadAverageAtStart: load,
    loadAverageAtEnd: os.loadavg(),
    rssPerStreamKiB: Object.fromEntries(arms.map((a) => [a, per(a, (x) => x.rssPerStreamKiB)])),
    heapPerStreamKiB: Object.fromEntries(arms.map((a) => [a, per(a, (x) => x.heapPerStreamKiB)])),
    rssRatioToRelay: Object.fromEntries(
      arms.map((a) => [
        a,
        spread(rows.map((r) => r[a]!.rssPerStreamKiB / r.baseline!.rssPerStreamKiB)),
      ]),
    ),
    heapRatioToRelay: Object.fromEntries(
      arms.map((a) => [
        a,
        spread(rows.map((r) => r[a]!.heapPerStreamKiB / r.baseline!.heapPerStreamKiB)),
      ]),
    ),
    rows,
  };
  writeFileSync(path.join(RESULTS_DIR, `memory-${LABEL}.json`), JSON.stringify(summary, null, 1));
  console.log(report(summary, arms, rows));
}

type Row = { round: number } & Partial<Record<ArmName, Arm>>;

/** The RSS parts per stream, median over the rounds, each arm. */
function partRows(arms: ArmName[], rows: Row[]): string[] {
  const names = new Set(rows.flatMap((r) => arms.flatMap((a) => Object.keys(r[a]!.rssPartsKiB))));
  const median = (a: ArmName, part: string) =>
    f(spread(rows.map((r) => r[a]!.rssPartsKiB[part] ?? 0)), 1);
  return [...names].map(
    (part) => `| RSS part: ${part} (KiB) | ${arms.map((a) => median(a, part)).join(' | ')} |`,
  );
}

const f = (s: Spread, digits = 0) =>
  `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}…${s.max.toFixed(digits)})`;

/** Markdown: the per-stream figures per arm, and per kind what each arm keeps per stream. */
function report(
  s: {
    rssPerStreamKiB: Record<string, Spread>;
    heapPerStreamKiB: Record<string, Spread>;
    rssRatioToRelay: Record<string, Spread>;
    heapRatioToRelay: Record<string, Spread>;
  },
  arms: ArmName[],
  rows: Row[],
): string {
  const first = rows[0]!;
  const lines = [
    `| per held stream, median (min…max) | ${arms.join(' | ')} |`,
    `|---|${arms.map(() => '---|').join('')}`,
    `| RSS (KiB) | ${arms.map((a) => f(s.rssPerStreamKiB[a]!)).join(' | ')} |`,
    `| RSS ÷ relay | ${arms.map((a) => f(s.rssRatioToRelay[a]!, 2)).join(' | ')} |`,
    `| heap + array buffers (KiB) | ${arms.map((a) => f(s.heapPerStreamKiB[a]!, 1)).join(' | ')} |`,
    `| heap ÷ relay | ${arms.map((a) => f(s.heapRatioToRelay[a]!, 2)).join(' | ')} |`,
    ...partRows(arms, rows),
    '',
    `| kind (first round's snapshots), objects / bytes per stream | ${arms.join(' | ')} |`,
    `|---|${arms.map(() => '---|').join('')}`,
  ];
  const census = Object.fromEntries(
    arms.map((a) => [a, new Map(first[a]?.census?.map((r) => [r.kind, r]))]),
  );
  const kinds = new Set(arms.flatMap((a) => [...census[a]!.keys()]));
  const bytes = (a: ArmName, kind: string) => census[a]!.get(kind)?.bytesPerStream ?? 0;
  const count = (a: ArmName, kind: string) => census[a]!.get(kind)?.perStream ?? 0;
  // The kinds where an arm of ours differs most from the relay, largest first.
  const spreadOf = (kind: string) =>
    Math.max(...arms.map((a) => Math.abs(bytes(a, kind) - bytes('baseline', kind))));
  const differing = [...kinds]
    .filter((kind) => spreadOf(kind) >= 32)
    .sort((x, y) => spreadOf(y) - spreadOf(x));
  for (const kind of differing.slice(0, 45))
    lines.push(
      `| ${kind.replaceAll('|', '\\|')} | ${arms.map((a) => `${count(a, kind).toFixed(1)} / ${bytes(a, kind).toFixed(0)}`).join(' | ')} |`,
    );
  return lines.join('\n');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
