/**
 * Figure 8's side of the load client (runs inside bench/client.ts): streamed sends that drop their
 * connection after k deltas and resume with Last-Event-ID, on the instance that generates the reply
 * or on another one, and fresh `GET /api/chats/:id` requests as the yardstick.
 *
 * Samples start at a fixed arrival rate and alternate same / other instance, so both meet the same
 * load. Each sample checks the whole stream: every delta's event id must be the offset reached by
 * exactly its text (a delta starting before the text already received is a duplicate, one starting
 * after it a gap), and the text of both connections must equal the reply the `done` event carries
 * and the text the scripted upstream sent.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface ResumeTarget {
  chatId: string;
  token: string;
}

export interface ResumeJob {
  kind: 'resume';
  id: number;
  /** Where the send goes (the instance that generates the reply) and the other instance. */
  sendPort: number;
  otherPort: number;
  /** One per sample slot; sample i uses targets[i % length] (one chat generates one reply at a time). */
  targets: ResumeTarget[];
  count: number;
  ratePerSec: number;
  /** Deltas read before dropping, cycled over the samples (each value once per instance in turn). */
  readDeltas: number[];
  /** Wait between dropping and reconnecting, so the reply has moved on and there is text to miss. */
  dropMs: number;
  expectedText: string;
  maxDurationMs: number;
}

export interface GetsJob {
  kind: 'gets';
  id: number;
  port: number;
  targets: ResumeTarget[];
  count: number;
  ratePerSec: number;
}

export interface ResumeSample {
  instance: 'same' | 'other';
  k: number;
  /** Fresh send: request sent → first content delta. */
  ttftMs: number;
  /** Reconnect request sent → first delta (the first missed text). */
  resumeMs: number;
  /** Characters the first delta after the reconnect carried (other instance: a checkpoint's worth). */
  firstChars: number;
  /** The first delta after the reconnect already reached the end of the reply (it had finished). */
  endedBeforeResume: boolean;
}

export interface ResumeResult {
  id: number;
  samples: ResumeSample[];
  started: number;
  failed: number;
  duplicates: number;
  gaps: number;
  textMismatch: number;
  statuses: Record<string, number>;
  errors: string[];
  elapsedMs: number;
}

export interface GetsResult {
  id: number;
  latencies: number[];
  failed: number;
  errors: string[];
}

interface SseBlock {
  event: string;
  id: string;
  data: string;
  at: number;
}

/** Splits an SSE body into events, each stamped with performance.now() when its bytes arrived. */
function onEvents(res: http.IncomingMessage, handle: (block: SseBlock) => void): void {
  res.setEncoding('utf8');
  let buffer = '';
  res.on('data', (text: string) => {
    const at = performance.now();
    buffer += text;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const raw = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const block: SseBlock = { event: 'message', id: '', data: '', at };
      for (const line of raw.split('\n')) {
        if (line.startsWith('event: ')) block.event = line.slice(7);
        else if (line.startsWith('id: ')) block.id = line.slice(4);
        else if (line.startsWith('data: ')) block.data += line.slice(6);
      }
      if (block.data || block.id) handle(block);
    }
  });
}

class SampleFailed extends Error {}

/** Text received so far, checked delta by delta against the cursor each event id carries. */
class ReplyText {
  text = '';
  lastId = '';
  duplicates = 0;
  gaps = 0;

  /** Applies one delta; false when it does not continue the text exactly. */
  add(block: SseBlock): boolean {
    const content = (JSON.parse(block.data) as { content: string }).content;
    const offset = Number(block.id.slice(block.id.lastIndexOf(':') + 1));
    const start = offset - content.length;
    this.lastId = block.id;
    if (start < this.text.length) {
      this.duplicates += 1;
      return false;
    }
    if (start > this.text.length) {
      this.gaps += 1;
      return false;
    }
    this.text += content;
    return true;
  }
}

function request(
  port: number,
  method: 'GET' | 'POST',
  path: string,
  headers: Record<string, string>,
  body?: string,
): http.ClientRequest {
  // A new connection each time: a client that lost its connection has no socket left to reuse.
  const req = http.request({
    host: '127.0.0.1',
    port,
    method,
    path,
    agent: false,
    headers: {
      accept: 'text/event-stream',
      ...headers,
      ...(body
        ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
        : {}),
    },
  });
  req.end(body);
  return req;
}

async function oneSample(
  job: ResumeJob,
  i: number,
  text: ReplyText,
  count: (status: string) => void,
): Promise<{ sample?: ResumeSample; error?: string; mismatch?: boolean }> {
  const target = job.targets[i % job.targets.length]!;
  const instance = i % 2 === 0 ? 'same' : 'other';
  const k = job.readDeltas[Math.floor(i / 2) % job.readDeltas.length]!;
  const auth = { authorization: `Bearer ${target.token}` };
  const sample: ResumeSample = {
    instance,
    k,
    ttftMs: Number.NaN,
    resumeMs: Number.NaN,
    firstChars: 0,
    endedBeforeResume: false,
  };

  // 1. The send: read `meta` and k deltas, then drop the connection.
  const sent = performance.now();
  const replyId = await new Promise<string>((resolve, reject) => {
    const req = request(
      job.sendPort,
      'POST',
      `/api/chats/${target.chatId}/messages`,
      auth,
      JSON.stringify({ content: 'Hello, benchmark! Please answer at length.', stream: true }),
    );
    let id = '';
    let deltas = 0;
    req.on('error', (e) => reject(new SampleFailed(`send: ${e.message}`)));
    req.on('response', (res) => {
      count(String(res.statusCode));
      if (res.statusCode !== 200) {
        res.resume();
        reject(new SampleFailed(`send: HTTP ${res.statusCode}`));
        return;
      }
      res.on('end', () => reject(new SampleFailed(`send: the reply ended before ${k} deltas`)));
      // Dropping the connection on purpose aborts this response; that is no failure.
      res.on('error', (e) => reject(new SampleFailed(`send: ${e.message}`)));
      onEvents(res, (block) => {
        if (block.event === 'meta') id = block.id.slice(0, block.id.lastIndexOf(':'));
        if (block.event === 'error') reject(new SampleFailed(`send: error event ${block.data}`));
        if (block.event !== 'delta' || deltas >= k) return;
        if (!text.add(block)) reject(new SampleFailed('send: a delta did not continue the text'));
        deltas += 1;
        if (deltas === 1) sample.ttftMs = block.at - sent;
        if (deltas === k) {
          req.destroy();
          resolve(id);
        }
      });
    });
  });
  await new Promise((r) => setTimeout(r, job.dropMs));

  // 2. The reconnect, with the id of the last event received.
  const port = instance === 'same' ? job.sendPort : job.otherPort;
  const reconnected = performance.now();
  const final = await new Promise<{ event: string; data: string }>((resolve, reject) => {
    const req = request(port, 'GET', `/api/chats/${target.chatId}/messages/${replyId}/stream`, {
      ...auth,
      'last-event-id': text.lastId,
    });
    let first = true;
    let ended: { event: string; data: string } | null = null;
    req.on('error', (e) => reject(new SampleFailed(`resume: ${e.message}`)));
    req.on('response', (res) => {
      count(String(res.statusCode));
      if (res.statusCode !== 200) {
        res.resume();
        reject(new SampleFailed(`resume: HTTP ${res.statusCode}`));
        return;
      }
      res.on('end', () =>
        ended ? resolve(ended) : reject(new SampleFailed('resume: no final event')),
      );
      res.on('error', (e) => reject(new SampleFailed(`resume: ${e.message}`)));
      onEvents(res, (block) => {
        if (block.event === 'done' || block.event === 'error') ended = block;
        if (block.event !== 'delta') return;
        const ok = text.add(block);
        if (first) {
          first = false;
          sample.resumeMs = block.at - reconnected;
          sample.firstChars = (JSON.parse(block.data) as { content: string }).content.length;
          sample.endedBeforeResume = text.text.length === job.expectedText.length;
        }
        if (!ok) {
          req.destroy();
          reject(new SampleFailed('resume: a delta did not continue the text'));
        }
      });
    });
  });
  if (final.event !== 'done') return { error: `resume: final event ${final.event}` };
  const stored = (JSON.parse(final.data) as { message: { content: string } }).message.content;
  if (text.text !== stored || text.text !== job.expectedText)
    return { mismatch: true, error: 'the text received is not the reply' };
  if (!Number.isFinite(sample.resumeMs)) return { error: 'resume: no delta after the reconnect' };
  return { sample };
}

export function runResume(job: ResumeJob): Promise<ResumeResult> {
  const result: ResumeResult = {
    id: job.id,
    samples: [],
    started: 0,
    failed: 0,
    duplicates: 0,
    gaps: 0,
    textMismatch: 0,
    statuses: {},
    errors: [],
    elapsedMs: 0,
  };
  const t0 = performance.now();
  const count = (status: string) => {
    result.statuses[status] = (result.statuses[status] ?? 0) + 1;
  };
  const fail = (error: string) => {
    result.failed += 1;
    if (result.errors.length < 20) result.errors.push(error);
  };
  const runs: Promise<void>[] = [];
  return new Promise((resolve) => {
    let next = 0;
    const deadline = setTimeout(() => {
      fail(`time limit ${job.maxDurationMs} ms reached`);
      finish();
    }, job.maxDurationMs);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      result.elapsedMs = performance.now() - t0;
      resolve(result);
    };
    const launch = (i: number) => {
      result.started += 1;
      const text = new ReplyText();
      runs.push(
        oneSample(job, i, text, count)
          .then(
            (r) => {
              if (r.mismatch) result.textMismatch += 1;
              if (r.sample) result.samples.push(r.sample);
              else fail(r.error ?? 'failed');
            },
            (error: unknown) => fail((error as Error).message),
          )
          .finally(() => {
            // Counted however the sample ended (a duplicated or missing delta also fails it).
            result.duplicates += text.duplicates;
            result.gaps += text.gaps;
          }),
      );
      if (runs.length === job.count) void Promise.all(runs).then(finish);
    };
    const tick = () => {
      const interval = 1000 / job.ratePerSec;
      while (next < job.count && t0 + next * interval <= performance.now()) launch(next++);
      if (next < job.count) setTimeout(tick, Math.max(0, t0 + next * interval - performance.now()));
    };
    tick();
  });
}

/** `GET /api/chats/:id` at a fixed arrival rate: time from sending to the whole JSON body. */
export function runGets(job: GetsJob): Promise<GetsResult> {
  const result: GetsResult = { id: job.id, latencies: [], failed: 0, errors: [] };
  const t0 = performance.now();
  const interval = 1000 / job.ratePerSec;
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const target = job.targets[i % job.targets.length]!;
      const sent = performance.now();
      const req = request(job.port, 'GET', `/api/chats/${target.chatId}`, {
        accept: 'application/json',
        authorization: `Bearer ${target.token}`,
      });
      const fail = (error: string) => {
        result.failed += 1;
        if (result.errors.length < 20) result.errors.push(error);
        resolve();
      };
      req.on('error', (e) => fail(e.message));
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) result.latencies.push(performance.now() - sent);
          else fail(`HTTP ${res.statusCode}`);
          resolve();
        });
      });
    });
  return (async () => {
    const runs: Promise<void>[] = [];
    for (let i = 0; i < job.count; i += 1) {
      const due = t0 + i * interval - performance.now();
      if (due > 0) await new Promise((r) => setTimeout(r, due));
      runs.push(one(i));
    }
    await Promise.all(runs);
    return result;
  })();
}
