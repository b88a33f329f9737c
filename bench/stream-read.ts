/**
 * Reading the provider's stream: CPU per content chunk and heap per open reply of
 * `OpenAiCompletion` (the SDK sends the request, we read its body) against the former reading
 * through the SDK's stream (bench/lib/sdk-stream-provider.ts), same client and pool, same run.
 *
 *   npx tsx bench/stream-read.ts [--rounds 5] [--json]
 *
 * The upstream (bench/upstream.ts) runs in a child process, so this process's CPU time is the
 * reader's alone. Modes: `paced` (one chunk per millisecond: nearly one network read per chunk, as
 * a model streams), `burst` (back to back: many chunks per read), `held` (open replies waiting
 * between chunks: heap per reply after a forced GC). Arms alternate order every round.
 */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import { createParser } from 'eventsource-parser';
import { Agent, request, fetch as undiciFetch } from 'undici';
import type { Config } from '../src/lib/config.js';
import OpenAI from 'openai';
import { closeOpenAiPool, OpenAiCompletion } from '../src/lib/llm/openai.provider.js';
import type { CompletionEvent, CompletionRequest, CompletionStream } from '../src/lib/llm/types.js';
import { sdkStreamCompletion } from './lib/sdk-stream-provider.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf('--rounds') + 1] || 5) || 5;

const upstream = spawn(process.execPath, ['--import', 'tsx', 'bench/upstream.ts'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const port = await new Promise<number>((resolve, reject) => {
  upstream.stdout.on('data', (d: Buffer) => {
    const m = /READY (\d+)/.exec(String(d));
    if (m) resolve(Number(m[1]));
  });
  upstream.once('exit', () => reject(new Error('upstream exited')));
});
const base = `http://127.0.0.1:${port}`;
const script = (s: Record<string, number>) =>
  fetch(`${base}/__script`, { method: 'POST', body: JSON.stringify(s) }).then((r) => r.text());

const config = {
  OPENAI_BASE_URL: `${base}/v1`,
  OPENAI_API_KEY: 'bench',
  UPSTREAM_TIMEOUT_MS: 30_000,
  UPSTREAM_IDLE_TIMEOUT_MS: 60_000,
  UPSTREAM_MAX_RETRIES: 0,
  UPSTREAM_MAX_SOCKETS: 1024,
} as Config;
// The client as it was before: undici fetch over a keep-alive pool (the former clientFor).
const fetchPool = new Agent({
  keepAliveTimeout: 30_000,
  keepAliveMaxTimeout: 120_000,
  connections: config.UPSTREAM_MAX_SOCKETS,
});
const fetchClient = new OpenAI({
  apiKey: 'bench',
  baseURL: config.OPENAI_BASE_URL,
  timeout: config.UPSTREAM_TIMEOUT_MS,
  maxRetries: 0,
  fetch: ((url: string, init?: Record<string, unknown>) =>
    undiciFetch(url, { ...init, dispatcher: fetchPool })) as unknown as typeof fetch,
});

type Arm = (request: CompletionRequest) => CompletionStream;
/** An arm written as an async generator, read as ours is: its events pushed to a handler. */
const pushed = (events: AsyncGenerator<CompletionEvent, void, undefined>): CompletionStream => ({
  answered: Promise.resolve(true),
  read: async (handle) => {
    for await (const event of events) await handle(event);
  },
  close: () => void events.return(undefined),
});
const arms: Record<string, Arm> = {
  'sdk stream (before)': (r) => pushed(sdkStreamCompletion(fetchClient, r, config)),
  'node stream (after)': (r) => new OpenAiCompletion(r, config),
  'node stream, no SDK (ref)': (r) => pushed(nodeStreamCompletion(r)),
};

const pool = new Agent({ keepAliveTimeout: 30_000, connections: 1024 });
/**
 * Reference only, not a candidate: the same parsing over undici.request's Node stream on a
 * keep-alive pool, without the SDK (no retries, no error classes, no idle timer): what a
 * Node-stream path could at best save.
 */
async function* nodeStreamCompletion(
  r: CompletionRequest,
): AsyncGenerator<CompletionEvent, void, undefined> {
  const res = await request(`${base}/v1/chat/completions`, {
    method: 'POST',
    dispatcher: pool,
    signal: r.signal,
    headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
    body: JSON.stringify({ model: r.model, messages: r.messages, stream: true }),
  });
  const events: string[] = [];
  const parser = createParser({ onEvent: (e) => events.push(e.data) });
  const decoder = new TextDecoder();
  try {
    for await (const bytes of res.body as AsyncIterable<Buffer>) {
      parser.feed(decoder.decode(bytes, { stream: true }));
      for (const data of events) {
        if (data === '[DONE]') continue;
        const chunk = JSON.parse(data) as { choices?: { delta?: { content?: string } }[] };
        const content = chunk.choices?.[0]?.delta?.content;
        if (content) yield { type: 'delta', content };
      }
      events.length = 0;
    }
  } catch (error) {
    if (!r.signal.aborted) throw error;
  }
}

const completionRequest = (signal = new AbortController().signal): CompletionRequest => ({
  model: 'bench-model',
  messages: [{ role: 'user', content: 'hi' }],
  signal,
});

/** Consumes one reply as the runner does; returns its content chunks. */
async function consume(arm: Arm): Promise<number> {
  let deltas = 0;
  await arm(completionRequest()).read((event) => {
    if (event.type === 'delta') deltas += 1;
  });
  return deltas;
}

/** CPU µs per content chunk over `streams` replies of `chunks` chunks read at once. */
async function cpuPerChunk(arm: Arm, streams: number, chunks: number) {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const counts = await Promise.all(Array.from({ length: streams }, () => consume(arm)));
  const used = process.cpuUsage(cpu);
  const total = counts.reduce((a, b) => a + b, 0);
  if (total !== streams * chunks)
    throw new Error(`expected ${streams * chunks} chunks, got ${total}`);
  return { cpuUs: (used.user + used.system) / total, wallMs: performance.now() - t0 };
}

/** Heap held per open reply: `n` replies each past its first chunk, waiting for the next. */
async function heapPerReply(arm: Arm, n: number) {
  await script({ ttftMs: 0, gapMs: 60_000, chunks: 2, chunkSize: 8 });
  gc();
  await sleep(50);
  gc();
  const before = process.memoryUsage().heapUsed;
  const aborts: AbortController[] = [];
  const pending: Promise<unknown>[] = [];
  let started = 0;
  await new Promise<void>((allStarted) => {
    for (let i = 0; i < n; i += 1) {
      const abort = new AbortController();
      aborts.push(abort);
      const stream = arm(completionRequest(abort.signal));
      pending.push(
        stream
          .read((event) => {
            if (event.type === 'delta' && (started += 1) === n) allStarted();
          })
          .catch(() => undefined),
      );
    }
  });
  gc();
  await sleep(50);
  gc();
  const held = (process.memoryUsage().heapUsed - before) / n;
  for (const a of aborts) a.abort();
  await Promise.all(pending);
  return held;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results: Record<string, Record<string, number[]>> = {};
const record = (mode: string, arm: string, value: number) =>
  ((results[mode] ??= {})[arm] ??= []).push(value);

const modes = [
  {
    mode: 'paced: µs CPU per chunk (1 stream × 2,000 chunks, 1 ms apart)',
    streams: 1,
    chunks: 2000,
    gapMs: 1,
  },
  {
    mode: 'paced: µs CPU per chunk (20 streams × 500 chunks, 1 ms apart)',
    streams: 20,
    chunks: 500,
    gapMs: 1,
  },
  {
    mode: 'burst: µs CPU per chunk (1 stream × 10,000 chunks, back to back)',
    streams: 1,
    chunks: 10_000,
    gapMs: 0,
  },
];

// Warm-up: both arms, every path compiled before anything counts.
await script({ ttftMs: 0, gapMs: 0, chunks: 2000, chunkSize: 8 });
for (const arm of Object.values(arms)) for (let i = 0; i < 3; i += 1) await consume(arm);

for (let round = 0; round < rounds; round += 1) {
  const order = Object.entries(arms);
  if (round % 2 === 1) order.reverse();
  for (const m of modes) {
    await script({ ttftMs: 0, gapMs: m.gapMs, chunks: m.chunks, chunkSize: 8 });
    for (const [name, arm] of order) {
      record(m.mode, name, (await cpuPerChunk(arm, m.streams, m.chunks)).cpuUs);
    }
  }
  for (const [name, arm] of order) {
    record('held: heap bytes per open reply (500 replies)', name, await heapPerReply(arm, 500));
  }
  process.stderr.write(`round ${round + 1}/${rounds} done\n`);
}

const lines = [`Node ${process.version}, ${rounds} interleaved rounds; median [min–max]`, ''];
for (const [mode, byArm] of Object.entries(results)) {
  lines.push(mode);
  for (const [arm, xs] of Object.entries(byArm)) {
    const f = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(2));
    lines.push(
      `  ${arm.padEnd(26)} ${f(median(xs))} [${f(Math.min(...xs))}–${f(Math.max(...xs))}]`,
    );
  }
}
console.log(lines.join('\n'));
if (args.includes('--json')) console.log(JSON.stringify(results));

await closeOpenAiPool();
await pool.close();
await fetchPool.close();
upstream.kill('SIGTERM');
