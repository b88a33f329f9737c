/**
 * `npm run bench:memory [-- --rounds=3 --streams=300 --label=after]`: what one held SSE stream
 * costs, our server against the baseline relay, in the same run. Per round (fresh database and
 * processes, servers in alternating order): a few short streams warm each server up (first-use code
 * and pools are not a per-stream cost), then N streams from a slow endless upstream (first token at
 * once, a chunk every 2 s) are opened and held, and RSS and heap (after forced GC) are compared with
 * the warmed-up idle process. The first round also takes heap snapshots (idle and held) through the
 * bench probe and counts the retained objects per stream by kind. Writes
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
  opened: number;
  failed: number;
  errors: string[];
  census?: PerStream[];
}

async function measure(
  server: RunningServer,
  targets: StreamTarget[],
  upstream: Awaited<ReturnType<typeof startUpstream>>,
  uri: string,
  snapshot: boolean,
): Promise<Arm> {
  await resetMessages(uri);
  await upstream.script({ ttftMs: 0, gapMs: 5, chunks: 3, chunkSize: 16 });
  log(`  ${server.name}: warming up`);
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
  log(`  ${server.name}: warmed up`);
  await resetMessages(uri);
  log(`  ${server.name}: reset`);
  // Endless for the measurement: a chunk every 2 s for 20 minutes; the job is cancelled when done.
  await upstream.script({ ttftMs: 0, gapMs: 2000, chunks: 600, chunkSize: 16 });
  const idleFile = path.join(SNAPSHOT_DIR, `${server.name}-idle.heapsnapshot`);
  const heldFile = path.join(SNAPSHOT_DIR, `${server.name}-held.heapsnapshot`);
  // Writing a snapshot grows RSS by far more than the streams do, so RSS and heap are read from
  // plain probes first, and the idle snapshot is taken last, once the streams are closed again.
  const idle = await server.probe('gc');
  log(`  ${server.name}: idle, opening ${N} streams`);
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
  // Let every stream reach its held state (first checkpoint written, pings armed).
  await sleep(2500);
  const held = await server.probe('gc');
  log(`  ${server.name}: ${opened} held${snapshot ? ', taking snapshots' : ''}`);
  if (snapshot) await server.snapshot(heldFile);
  client.send({ cancel: job.id });
  const result = await job.done;
  // Our replies outlive their connection (DETACH_GRACE_SECONDS): the idle snapshot waits until
  // every upstream stream is gone, so it holds no generation of the measured streams.
  const settleBy = Date.now() + 120_000;
  while ((await upstream.stats()).active > 0 && Date.now() < settleBy) await sleep(500);
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
    rssIdleMiB: idle.memory.rss / 2 ** 20,
    rssHeldMiB: held.memory.rss / 2 ** 20,
    opened,
    failed: result.failed,
    errors: result.errors.slice(0, 3),
  };
  if (snapshot) {
    arm.census = perStream(censusOf(idleFile), censusOf(heldFile), N);
    rmSync(idleFile, { force: true });
    rmSync(heldFile, { force: true });
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

async function main() {
  mkdirSync(SNAPSHOT_DIR, { recursive: true });
  const node = process.execPath;
  const load = os.loadavg();
  log(`${ROUNDS} rounds × ${N} streams; load average ${load.map((l) => l.toFixed(2)).join(' ')}`);
  const backend: Backend = await chooseBackend({ warmupMs: 3000 });
  log(`database: ${backend.reason}`);
  const upstream = await startUpstream(node);
  client = startClient(node);
  const rows: { round: number; ours: Arm; baseline: Arm }[] = [];
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
      const servers = [
        await startOurs({ node, mongoUri: db.uri, upstreamPort: upstream.port }),
        await startBaseline({ node, mongoUri: db.uri, upstreamPort: upstream.port }),
      ];
      const arms: Partial<Record<'ours' | 'baseline', Arm>> = {};
      try {
        for (const server of round % 2 === 0 ? servers : [...servers].reverse()) {
          arms[server.name] = await measure(server, targets, upstream, db.uri, round === 0);
          const a = arms[server.name]!;
          log(
            `round ${round + 1} ${server.name}: ${a.opened}/${N} held, ${a.rssPerStreamKiB.toFixed(0)} KiB RSS, ${a.heapPerStreamKiB.toFixed(1)} KiB heap per stream (RSS ${a.rssIdleMiB.toFixed(0)} → ${a.rssHeldMiB.toFixed(0)} MiB)`,
          );
        }
      } finally {
        for (const s of servers) await s.stop();
        await db.stop();
      }
      rows.push({ round, ours: arms.ours!, baseline: arms.baseline! });
    }
  } finally {
    client.kill();
    await upstream.stop();
  }
  const sum = (pick: (r: (typeof rows)[number]) => number): Spread => spread(rows.map(pick));
  const summary = {
    label: LABEL,
    at: new Date().toISOString(),
    streams: N,
    rounds: ROUNDS,
    database: backend.label,
    loadAverageAtStart: load,
    loadAverageAtEnd: os.loadavg(),
    oursRssPerStreamKiB: sum((r) => r.ours.rssPerStreamKiB),
    baselineRssPerStreamKiB: sum((r) => r.baseline.rssPerStreamKiB),
    rssRatio: sum((r) => r.ours.rssPerStreamKiB / r.baseline.rssPerStreamKiB),
    oursHeapPerStreamKiB: sum((r) => r.ours.heapPerStreamKiB),
    baselineHeapPerStreamKiB: sum((r) => r.baseline.heapPerStreamKiB),
    heapRatio: sum((r) => r.ours.heapPerStreamKiB / r.baseline.heapPerStreamKiB),
    rows,
  };
  writeFileSync(path.join(RESULTS_DIR, `memory-${LABEL}.json`), JSON.stringify(summary, null, 1));
  console.log(report(summary, rows[0]!));
}

const f = (s: Spread, digits = 0) =>
  `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}…${s.max.toFixed(digits)})`;

/** Markdown: the per-stream figures, and per kind what ours keeps per stream beyond the relay. */
function report(
  s: {
    oursRssPerStreamKiB: Spread;
    baselineRssPerStreamKiB: Spread;
    rssRatio: Spread;
    oursHeapPerStreamKiB: Spread;
    baselineHeapPerStreamKiB: Spread;
    heapRatio: Spread;
  },
  first: { ours: Arm; baseline: Arm },
): string {
  const lines = [
    `| per held stream | ours | relay | ratio |`,
    `|---|---|---|---|`,
    `| RSS (KiB) | ${f(s.oursRssPerStreamKiB)} | ${f(s.baselineRssPerStreamKiB)} | ${f(s.rssRatio, 2)} |`,
    `| heap + array buffers (KiB) | ${f(s.oursHeapPerStreamKiB, 1)} | ${f(s.baselineHeapPerStreamKiB, 1)} | ${f(s.heapRatio, 2)} |`,
    '',
    `| kind (first round's snapshots) | ours /stream | relay /stream | ours B/stream | relay B/stream |`,
    `|---|---|---|---|---|`,
  ];
  const relay = new Map(first.baseline.census?.map((r) => [r.kind, r]));
  const ours = new Map(first.ours.census?.map((r) => [r.kind, r]));
  const kinds = new Set([...ours.keys(), ...relay.keys()]);
  const rows = [...kinds]
    .map((kind) => ({ kind, o: ours.get(kind), b: relay.get(kind) }))
    .filter(
      ({ o, b }) =>
        Math.abs((o?.bytesPerStream ?? 0) - (b?.bytesPerStream ?? 0)) >= 24 ||
        Math.abs((o?.perStream ?? 0) - (b?.perStream ?? 0)) >= 0.9,
    )
    .sort(
      (x, y) =>
        (y.o?.bytesPerStream ?? 0) -
        (y.b?.bytesPerStream ?? 0) -
        ((x.o?.bytesPerStream ?? 0) - (x.b?.bytesPerStream ?? 0)),
    );
  for (const { kind, o, b } of rows.slice(0, 40))
    lines.push(
      `| ${kind.replaceAll('|', '\\|')} | ${(o?.perStream ?? 0).toFixed(2)} | ${(b?.perStream ?? 0).toFixed(2)} | ${(o?.bytesPerStream ?? 0).toFixed(0)} | ${(b?.bytesPerStream ?? 0).toFixed(0)} |`,
    );
  return lines.join('\n');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
