/**
 * Loopback SSE load client, run as a child process of the harness (jobs arrive over IPC).
 *
 * Streams start at a fixed arrival rate (start i is due at t0 + i/rate; never in bursts). Every SSE
 * `data:` event is timestamped with performance.now() when its bytes arrive. TTFT is the time from
 * sending the request to the first *content* delta (`event: delta` from the API, or the first chunk
 * with non-empty `delta.content` straight from the upstream); gaps are the times between
 * consecutive content deltas of one stream. Percentiles are exact (all samples are kept).
 */
import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { runGets, runResume, type GetsJob, type ResumeJob } from './resume-client.js';

export interface StreamTarget {
  path: string;
  token?: string;
  body: string;
}

export interface StreamJob {
  kind: 'streams';
  id: number;
  port: number;
  /** 'api': our server or the baseline (event: delta); 'direct': the upstream itself (OpenAI chunks). */
  mode: 'api' | 'direct';
  targets: StreamTarget[];
  count: number;
  ratePerSec: number;
  /** The first `warmup` streams are run but not counted. */
  warmup: number;
  expectedDeltas: number;
  maxDurationMs: number;
  /** Report progress (open streams with a first delta) every this many ms; 0 = never. */
  progressMs: number;
}

export interface SlowReaderJob {
  kind: 'slow';
  id: number;
  port: number;
  targets: StreamTarget[];
  count: number;
  bytesPerSec: number;
  durationMs: number;
}

export interface StreamResult {
  id: number;
  ttft: number[];
  gaps: number[];
  /** From the last content delta to the terminal event: what the server does once the model ends. */
  tails: number[];
  /** When each stream was sent (epoch ms, in launch order, warm-up included): see `Upstream.arrivals`. */
  sentAt: number[];
  /** From sending to the response's head, per counted stream. */
  heads: number[];
  started: number;
  ok: number;
  failed: number;
  statuses: Record<string, number>;
  deltaMismatch: number;
  errors: string[];
  maxOpen: number;
  elapsedMs: number;
}

export interface SlowResult {
  id: number;
  received: number[];
  statuses: Record<string, number>;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, keepAliveMsecs: 30_000 });

function contentIn(mode: 'api' | 'direct', block: string): 'delta' | 'done' | 'error' | null {
  if (mode === 'api') {
    if (block.startsWith('event: delta')) return 'delta';
    if (block.startsWith('event: done')) return 'done';
    if (block.startsWith('event: error')) return 'error';
    return null;
  }
  const dataAt = block.indexOf('data: ');
  if (dataAt === -1) return null;
  const raw = block.slice(dataAt + 6);
  if (raw === '[DONE]') return 'done';
  if (!raw.includes('"content":"')) return null;
  const chunk = JSON.parse(raw) as { choices?: { delta?: { content?: string } }[] };
  return chunk.choices?.[0]?.delta?.content ? 'delta' : null;
}

const cancels = new Map<number, () => void>();

function runStreams(
  job: StreamJob,
  progress: (open: number, firstDelta: number, finished: number) => void,
): Promise<StreamResult> {
  return new Promise((resolve) => {
    const result: StreamResult = {
      id: job.id,
      ttft: [],
      gaps: [],
      tails: [],
      sentAt: [],
      heads: [],
      started: 0,
      ok: 0,
      failed: 0,
      statuses: {},
      deltaMismatch: 0,
      errors: [],
      maxOpen: 0,
      elapsedMs: 0,
    };
    const live = new Set<http.ClientRequest>();
    let finished = 0;
    let withDelta = 0;
    let open = 0;
    const t0 = performance.now();
    const interval = 1000 / job.ratePerSec;
    let next = 0;
    let timer: NodeJS.Timeout | undefined;
    let progressTimer: NodeJS.Timeout | undefined;

    const finish = () => {
      cancels.delete(job.id);
      clearTimeout(timer);
      clearInterval(progressTimer);
      clearTimeout(deadline);
      result.elapsedMs = performance.now() - t0;
      resolve(result);
    };
    const deadline = setTimeout(() => {
      result.errors.push(
        `time limit ${job.maxDurationMs} ms reached with ${live.size} streams open`,
      );
      for (const req of live) req.destroy();
      finish();
    }, job.maxDurationMs);

    let cancelled = false;
    cancels.set(job.id, () => {
      // The harness has measured what it needed (figure 4): close every stream; they are not failures.
      cancelled = true;
      for (const req of live) req.destroy();
      finish();
    });
    const settle = (i: number, ok: boolean, error?: string) => {
      if (cancelled) return;
      finished += 1;
      if (i >= job.warmup) {
        if (ok) result.ok += 1;
        else result.failed += 1;
      }
      if (error && result.errors.length < 20) result.errors.push(error);
      if (finished === job.count) finish();
    };

    const launch = (i: number) => {
      const target = job.targets[i % job.targets.length]!;
      const counted = i >= job.warmup;
      if (counted) result.started += 1;
      const sent = performance.now();
      result.sentAt[i] = performance.timeOrigin + sent;
      let first = -1;
      let last = -1;
      let deltas = 0;
      let ended = false;
      let terminalAt = -1;
      let gotDelta = false;
      const localGaps: number[] = [];
      const req = http.request({
        host: '127.0.0.1',
        port: job.port,
        method: 'POST',
        path: target.path,
        agent,
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          'content-length': Buffer.byteLength(target.body),
          ...(target.token ? { authorization: `Bearer ${target.token}` } : {}),
        },
      });
      live.add(req);
      open += 1;
      result.maxOpen = Math.max(result.maxOpen, open);
      const done = (ok: boolean, error?: string) => {
        if (ended) return;
        ended = true;
        live.delete(req);
        open -= 1;
        if (gotDelta) withDelta -= 1;
        if (counted && ok) {
          if (first >= 0) result.ttft.push(first - sent);
          if (last >= 0 && terminalAt >= 0) result.tails.push(terminalAt - last);
          for (const g of localGaps) result.gaps.push(g);
          if (deltas !== job.expectedDeltas) result.deltaMismatch += 1;
        }
        settle(i, ok, error);
      };
      req.on('response', (res) => {
        if (counted) result.heads.push(performance.now() - sent);
        const status = String(res.statusCode);
        if (counted) result.statuses[status] = (result.statuses[status] ?? 0) + 1;
        if (res.statusCode !== 200) {
          res.resume();
          res.on('end', () => done(false, `HTTP ${status}`));
          return;
        }
        res.setEncoding('utf8');
        let buffer = '';
        let terminal: 'done' | 'error' | null = null;
        res.on('data', (text: string) => {
          const at = performance.now();
          buffer += text;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) !== -1) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const kind = contentIn(job.mode, block);
            if (kind === 'delta') {
              deltas += 1;
              if (first < 0) {
                first = at;
                gotDelta = true;
                withDelta += 1;
              } else localGaps.push(at - last);
              last = at;
            } else if (kind) {
              terminal = kind;
              terminalAt = at;
            }
          }
        });
        res.on('end', () =>
          done(
            terminal === 'done',
            terminal === 'done'
              ? undefined
              : `stream ended with ${terminal ?? 'no terminal event'}`,
          ),
        );
        res.on('error', (e) => done(false, e.message));
      });
      req.on('error', (e) => done(false, e.message));
      req.end(target.body);
    };

    const tick = () => {
      const t = performance.now();
      while (next < job.count && t0 + next * interval <= t) launch(next++);
      if (next < job.count)
        timer = setTimeout(tick, Math.max(0, t0 + next * interval - performance.now()));
    };
    if (job.progressMs > 0)
      progressTimer = setInterval(() => progress(open, withDelta, finished), job.progressMs);
    tick();
  });
}

/** Opens streams with raw sockets and reads them at a fixed byte rate (100 ms steps). */
function runSlow(job: SlowReaderJob): Promise<SlowResult> {
  return new Promise((resolve) => {
    const received: number[] = new Array<number>(job.count).fill(0);
    const statuses: Record<string, number> = {};
    const sockets: net.Socket[] = [];
    const step = Math.max(1, Math.round(job.bytesPerSec / 10));
    for (let i = 0; i < job.count; i += 1) {
      const target = job.targets[i % job.targets.length]!;
      const socket = net.connect(job.port, '127.0.0.1');
      sockets.push(socket);
      socket.on('error', () => undefined);
      socket.write(
        `POST ${target.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\n` +
          `${target.token ? `Authorization: Bearer ${target.token}\r\n` : ''}Content-Length: ${Buffer.byteLength(target.body)}\r\n\r\n${target.body}`,
      );
      socket.pause();
    }
    const reader = setInterval(() => {
      sockets.forEach((socket, i) => {
        if (socket.readableLength === 0) {
          socket.read(0);
          return;
        }
        const chunk = socket.read(Math.min(step, socket.readableLength)) as Buffer | null;
        if (!chunk) return;
        if (received[i] === 0) {
          const status = /^HTTP\/1\.1 (\d+)/.exec(chunk.toString('latin1'))?.[1] ?? '?';
          statuses[status] = (statuses[status] ?? 0) + 1;
        }
        received[i]! += chunk.length;
      });
    }, 100);
    setTimeout(() => {
      clearInterval(reader);
      for (const s of sockets) s.destroy();
      resolve({ id: job.id, received, statuses });
    }, job.durationMs);
  });
}

process.on('message', (raw: unknown) => {
  const cancel = (raw as { cancel?: number }).cancel;
  if (cancel !== undefined) {
    cancels.get(cancel)?.();
    return;
  }
  const job = raw as StreamJob | SlowReaderJob | ResumeJob | GetsJob;
  if (job.kind === 'streams') {
    void runStreams(job, (open, firstDelta, finished) =>
      process.send?.({ progress: job.id, open, firstDelta, finished }),
    ).then((r) => process.send?.(r));
  } else if (job.kind === 'slow') {
    void runSlow(job).then((r) => process.send?.(r));
  } else if (job.kind === 'resume') {
    void runResume(job).then((r) => process.send?.(r));
  } else if (job.kind === 'gets') {
    void runGets(job).then((r) => process.send?.(r));
  }
});
process.on('disconnect', () => process.exit(0));
