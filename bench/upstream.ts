/**
 * Scripted OpenAI-compatible streaming upstream for the benchmark (loopback only).
 *
 * POST /v1/chat/completions with `stream: true` answers with `chat.completion.chunk` SSE events exactly
 * as OpenAI sends them: a role chunk, one chunk per content piece, a finish chunk, a final usage chunk
 * (`choices: []`) and `data: [DONE]`. The script — time to first token, gap between chunks, chunk count,
 * chunk size — is set by the harness with POST /__script (JSON) and read back with GET /__stats.
 * Chunks are scheduled on absolute times (no drift) and writes honour backpressure.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { piece, scriptedText } from './lib/scripted-text.js';

export interface UpstreamScript {
  ttftMs: number;
  gapMs: number;
  chunks: number;
  chunkSize: number;
}

let script: UpstreamScript = { ttftMs: 5, gapMs: 2, chunks: 10, chunkSize: 8 };
const stats = { started: 0, completed: 0, aborted: 0, active: 0, bytes: 0, contentChunks: 0 };
/** When each completion request arrived (epoch ms), since the last reset; capped. */
const arrivals: number[] = [];
const MAX_ARRIVALS = 100_000;

function chunkJson(
  id: string,
  created: number,
  model: string,
  choices: unknown[],
  usage: unknown,
): string {
  return `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_bench', choices, usage })}\n\n`;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

let seq = 0;
async function completion(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (arrivals.length < MAX_ARRIVALS) arrivals.push(performance.timeOrigin + performance.now());
  const body = JSON.parse(await readBody(req)) as {
    model?: string;
    stream?: boolean;
    messages?: { content?: string }[];
    stream_options?: { include_usage?: boolean };
  };
  const s = script;
  const model = body.model ?? 'bench-model';
  const id = `chatcmpl-bench${(seq += 1)}`;
  const created = Math.floor(Date.now() / 1000);
  const promptTokens = (body.messages ?? []).reduce(
    (n, m) => n + Math.ceil(String(m.content ?? '').length / 4),
    0,
  );
  if (!body.stream) {
    const content = scriptedText(s.chunks, s.chunkSize);
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created,
          model,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content, refusal: null },
              logprobs: null,
              finish_reason: 'stop',
            },
          ],
          usage: {
            prompt_tokens: promptTokens,
            completion_tokens: s.chunks,
            total_tokens: promptTokens + s.chunks,
          },
        }),
      );
    }, s.ttftMs);
    return;
  }
  stats.started += 1;
  stats.active += 1;
  let closed = false;
  res.on('close', () => {
    if (!res.writableFinished) closed = true;
  });
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  res.flushHeaders();
  const write = (text: string): Promise<void> | undefined => {
    stats.bytes += Buffer.byteLength(text);
    if (res.write(text)) return undefined;
    return new Promise((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  };
  const t0 = performance.now();
  const waitUntil = (t: number) => {
    const delay = t - performance.now();
    return delay > 0 ? new Promise<void>((r) => setTimeout(r, delay)) : undefined;
  };
  try {
    await waitUntil(t0 + s.ttftMs);
    if (closed) return;
    await write(
      chunkJson(
        id,
        created,
        model,
        [
          {
            index: 0,
            delta: { role: 'assistant', content: '', refusal: null },
            logprobs: null,
            finish_reason: null,
          },
        ],
        null,
      ),
    );
    for (let i = 0; i < s.chunks; i += 1) {
      if (i > 0) {
        const wait = waitUntil(t0 + s.ttftMs + i * s.gapMs);
        if (wait) await wait;
        else if (i % 64 === 0) await new Promise<void>((r) => setImmediate(r));
      }
      if (closed) return;
      const pending = write(
        chunkJson(
          id,
          created,
          model,
          [
            {
              index: 0,
              delta: { content: piece(i, s.chunkSize) },
              logprobs: null,
              finish_reason: null,
            },
          ],
          null,
        ),
      );
      stats.contentChunks += 1;
      if (pending) await pending;
    }
    if (closed) return;
    await write(
      chunkJson(
        id,
        created,
        model,
        [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }],
        null,
      ),
    );
    await write(
      chunkJson(id, created, model, [], {
        prompt_tokens: promptTokens,
        completion_tokens: s.chunks,
        total_tokens: promptTokens + s.chunks,
      }),
    );
    stats.bytes += 14;
    res.end('data: [DONE]\n\n');
    stats.completed += 1;
  } finally {
    stats.active -= 1;
    if (closed) stats.aborted += 1;
  }
}

const server = http.createServer((req, res) => {
  const url = req.url ?? '/';
  if (req.method === 'POST' && url.endsWith('/chat/completions')) {
    completion(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(error), type: 'server_error' } }));
    });
    return;
  }
  if (req.method === 'POST' && url === '/__script') {
    void readBody(req).then((text) => {
      script = { ...script, ...(JSON.parse(text) as Partial<UpstreamScript>) };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(script));
    });
    return;
  }
  if (req.method === 'GET' && url === '/__stats') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...stats, script }));
    return;
  }
  if (req.method === 'GET' && url === '/__arrivals') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(arrivals));
    return;
  }
  if (req.method === 'POST' && url === '/__reset') {
    Object.assign(stats, { started: 0, completed: 0, aborted: 0, bytes: 0, contentChunks: 0 });
    arrivals.length = 0;
    res.writeHead(204).end();
    return;
  }
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
});
server.keepAliveTimeout = 120_000;
server.headersTimeout = 130_000;
server.maxConnections = 30_000;
const port = Number(process.env.PORT ?? 0);
server.listen(port, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  console.log(`READY ${address.port}`);
});
process.on('SIGTERM', () => process.exit(0));
