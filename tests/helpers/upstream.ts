import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What one request to the scripted upstream does. */
export interface UpstreamScript {
  /** Answer with this HTTP status and a JSON error body instead of streaming. */
  status?: number;
  /** With `status`: the Retry-After header sent with it. */
  retryAfter?: string;
  /** The error body's message with the status; `{authorization}` is replaced by the received header (a provider or proxy that echoes it). */
  errorMessage?: string;
  /** Content chunks to stream, one SSE event each. */
  chunks?: string[];
  /**
   * A reasoning model's thinking, streamed before the content chunks (one SSE event each, with
   * `content: null`), in `reasoning.field` (default `reasoning_content`, DeepSeek's and vLLM's).
   */
  reasoning?: { pieces: string[]; field?: string };
  /** Repeat `chunks` until the client goes away: a reply that never ends by itself. */
  endless?: boolean;
  /** After the chunks, keep the reply open until this settles: a reply still streaming for as long as a test needs. */
  holdUntil?: Promise<unknown>;
  /** Content chunks sent once `holdUntil` has settled: a reply whose final text differs from its text while held. */
  afterHold?: string[];
  /** Delay before the headers, and between chunks (ms). */
  headerDelayMs?: number;
  delayMs?: number;
  /** Usage sent in a final chunk with `choices: []`; `'null-choices'` sends it with `choices: null`; false omits it. */
  usage?:
    | false
    | 'null-choices'
    | { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  /** The finish chunk's reason (default `stop`); null sends no finish chunk. */
  finishReason?: string | null;
  /** End with `data: [DONE]` (default true); false just ends the response, as some servers do. */
  done?: boolean;
  /** Tool-call deltas streamed after the content chunks (one SSE event each), as OpenAI sends them. */
  toolCalls?: Record<string, unknown>[];
  /** `delta.refusal` pieces, sent after the content chunks (a model refusing a structured answer). */
  refusal?: string[];
  /**
   * After this many chunks: send an error event (`data: {"error": …}`), an event named `error`
   * whose data is the bare error object, an `error:` field line with it instead of `data:` (as
   * llama.cpp's server does), stall forever, send garbage, or destroy the socket; or keep the
   * answer open forever with a sign of life every 50 ms that is no text: a keep-alive comment (as
   * OpenRouter sends while a model thinks) or a chunk whose content is empty.
   */
  failAfter?: number;
  failWith?:
    | 'error-event'
    | 'named-error-event'
    | 'error-field'
    | 'stall'
    | 'garbage'
    | 'close'
    | 'comments'
    | 'empty-chunks';
  /**
   * Answer 200 with exactly these bytes instead of a scripted stream: each piece is written
   * `delayMs` apart, so it reaches the client as a read of its own. `contentType` null sends none.
   */
  raw?: { contentType?: string | null; pieces: (string | Uint8Array)[] };
}

/** The request id a scripted stream's head carries (an error event mid-stream is logged with it). */
export const STREAM_REQUEST_ID = 'req_upstream_stream_7';

/** How `eventStream` lays out a whole reply. */
export interface EventStreamOptions {
  /** What ends each line (default LF). */
  lineEnd?: string;
  /** Usage chunk: its `choices` as `[]` (default), `null` or left out; or no usage chunk at all. */
  usage?: 'empty-choices' | 'null-choices' | 'no-choices' | false;
  /** Send `data: [DONE]` at the end (default true). */
  done?: boolean;
}

/**
 * A whole streamed reply as an OpenAI-compatible server writes it (role and content chunks, the
 * finish chunk, the usage chunk, `[DONE]`), for `raw` scripts that take it apart byte by byte.
 * Usage is 11 prompt tokens and one completion token per chunk.
 */
export function eventStream(model: string, chunks: string[], options: EventStreamOptions = {}) {
  const { lineEnd = '\n', usage = 'empty-choices', done = true } = options;
  const base = { id: 'chatcmpl-raw', object: 'chat.completion.chunk', created: 1, model };
  const events: unknown[] = chunks.map((content, i) => ({
    ...base,
    choices: [
      {
        index: 0,
        delta: i === 0 ? { role: 'assistant', content } : { content },
        finish_reason: null,
      },
    ],
  }));
  events.push({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
  if (usage !== false) {
    const counts = {
      prompt_tokens: 11,
      completion_tokens: chunks.length,
      total_tokens: 11 + chunks.length,
    };
    const choices =
      usage === 'null-choices' ? { choices: null } : usage === 'no-choices' ? {} : { choices: [] };
    events.push({ ...base, ...choices, usage: counts });
  }
  const lines = events.map((e) => `data: ${JSON.stringify(e)}${lineEnd}${lineEnd}`);
  if (done) lines.push(`data: [DONE]${lineEnd}${lineEnd}`);
  return lines.join('');
}

/** `text` as UTF-8 cut every `size` bytes: lines, line ends and multi-byte characters fall apart. */
export function splitBytes(text: string, size: number): Uint8Array[] {
  const bytes = Buffer.from(text, 'utf8');
  const pieces: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.subarray(i, i + size));
  return pieces;
}

export interface RecordedRequest {
  model: string;
  messages: { role: string; content: string }[];
  body: Record<string, unknown>;
  /** The body's bytes exactly as received, and what the request's Content-Length said of them. */
  rawBody: Buffer;
  contentLength: number | undefined;
  /** The Authorization header the upstream received. */
  authorization: string;
  /** The client went away before the response ended. */
  aborted: boolean;
  /** Resolves when the request is over (ended or aborted). */
  finished: Promise<void>;
  /** When the whole response had been taken by the client (0 until then): late when the client applied backpressure. */
  endedAt: number;
  /** Content chunks written so far. */
  chunksSent: number;
}

/**
 * An OpenAI-compatible `/v1/chat/completions` server on 127.0.0.1 with per-request scripts,
 * so tests exercise the real SDK, real streaming and real failures.
 */
export async function startUpstream() {
  const queue: UpstreamScript[] = [];
  let fallback: UpstreamScript = { chunks: ['Hello', ' world', '!'] };
  const requests: RecordedRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();

  const server = http.createServer((req, res) => {
    const pieces: Buffer[] = [];
    req.on('data', (chunk: Buffer) => pieces.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404).end();
        return;
      }
      const rawBody = Buffer.concat(pieces);
      const body = JSON.parse(rawBody.toString('utf8')) as Record<string, unknown>;
      let settle!: () => void;
      const record: RecordedRequest = {
        model: String(body.model),
        messages: body.messages as RecordedRequest['messages'],
        body,
        rawBody,
        contentLength:
          req.headers['content-length'] === undefined
            ? undefined
            : Number(req.headers['content-length']),
        authorization: String(req.headers.authorization ?? ''),
        aborted: false,
        finished: new Promise((resolve) => (settle = resolve)),
        endedAt: 0,
        chunksSent: 0,
      };
      res.on('finish', () => (record.endedAt = Date.now()));
      requests.push(record);
      res.on('close', () => {
        if (!res.writableFinished) record.aborted = true;
        settle();
      });
      void play(queue.shift() ?? fallback, res, record);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** Like a real server, stop producing while the socket is full (until 'drain', or the client is gone). */
  const drained = (res: http.ServerResponse) =>
    new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.once('drain', done);
      res.once('close', done);
    });

  async function play(script: UpstreamScript, res: http.ServerResponse, record: RecordedRequest) {
    if (script.headerDelayMs) await sleep(script.headerDelayMs);
    if (res.destroyed) return;
    if (script.status) {
      res.writeHead(script.status, {
        'content-type': 'application/json',
        'x-request-id': 'req_upstream_42',
        ...(script.retryAfter ? { 'retry-after': script.retryAfter } : {}),
      });
      const message = (script.errorMessage ?? 'secret upstream detail sk-leak-123').replace(
        '{authorization}',
        record.authorization,
      );
      res.end(
        JSON.stringify({ error: { message, type: 'server_error', code: 'invalid_api_key' } }),
      );
      return;
    }
    if (script.raw) return playRaw(script, script.raw, res);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': STREAM_REQUEST_ID });
    // On the wire at once, as a provider's: a stream's head does not wait for its first token.
    res.flushHeaders();
    const base = {
      id: 'chatcmpl-test',
      object: 'chat.completion.chunk',
      created: 1,
      model: record.model,
    };
    const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
    const chunks = script.chunks ?? [];
    for (const [i, piece] of (script.reasoning?.pieces ?? []).entries()) {
      const field = script.reasoning?.field ?? 'reasoning_content';
      const delta = { content: null, [field]: piece };
      send({
        ...base,
        choices: [
          {
            index: 0,
            delta: i === 0 ? { role: 'assistant', ...delta } : delta,
            finish_reason: null,
          },
        ],
      });
    }
    for (let i = 0; i < chunks.length || (script.endless && chunks.length > 0); i += 1) {
      if (script.failAfter === i) return fail(script, res);
      if (script.delayMs) await sleep(script.delayMs);
      if (res.destroyed) return;
      const content = chunks[i % chunks.length];
      const written = send({
        ...base,
        choices: [
          {
            index: 0,
            delta: i === 0 ? { role: 'assistant', content } : { content },
            finish_reason: null,
          },
        ],
      });
      record.chunksSent += 1;
      if (!written) await drained(res);
    }
    if (script.holdUntil) {
      await Promise.race([script.holdUntil, new Promise((resolve) => res.once('close', resolve))]);
      if (res.destroyed) return;
      for (const content of script.afterHold ?? []) {
        send({ ...base, choices: [{ index: 0, delta: { content }, finish_reason: null }] });
        record.chunksSent += 1;
      }
    }
    if (script.failAfter === chunks.length) return fail(script, res);
    for (const refusal of script.refusal ?? [])
      send({ ...base, choices: [{ index: 0, delta: { refusal }, finish_reason: null }] });
    for (const call of script.toolCalls ?? []) {
      send({
        ...base,
        choices: [{ index: 0, delta: { tool_calls: [call] }, finish_reason: null }],
      });
    }
    if (script.finishReason !== null)
      send({
        ...base,
        choices: [{ index: 0, delta: {}, finish_reason: script.finishReason ?? 'stop' }],
      });
    if (script.usage !== false) {
      const usage =
        typeof script.usage === 'object'
          ? script.usage
          : {
              prompt_tokens: 11,
              completion_tokens: chunks.length,
              total_tokens: 11 + chunks.length,
            };
      send({ ...base, choices: script.usage === 'null-choices' ? null : [], usage });
    }
    res.end(script.done === false ? undefined : 'data: [DONE]\n\n');
  }

  async function playRaw(
    script: UpstreamScript,
    raw: NonNullable<UpstreamScript['raw']>,
    res: http.ServerResponse,
  ) {
    const type = raw.contentType === undefined ? 'text/event-stream' : raw.contentType;
    res.writeHead(200, type === null ? {} : { 'content-type': type });
    for (const [i, piece] of raw.pieces.entries()) {
      if (i > 0 && script.delayMs) await sleep(script.delayMs);
      if (res.destroyed) return;
      if (!res.write(piece)) await drained(res);
    }
    // Held open after its pieces (holdUntil): a body that neither ends an event nor the answer.
    if (script.holdUntil) await script.holdUntil;
    res.end();
  }

  function fail(script: UpstreamScript, res: http.ServerResponse) {
    switch (script.failWith ?? 'error-event') {
      case 'error-event':
        res.end(
          `data: ${JSON.stringify({ error: { message: 'secret upstream detail sk-leak-123', type: 'server_error' } })}\n\n`,
        );
        return;
      case 'named-error-event':
        res.end(
          `event: error\ndata: ${JSON.stringify({ message: 'secret upstream detail sk-leak-123', type: 'overloaded_error' })}\n\n`,
        );
        return;
      case 'error-field':
        res.end(
          `error: ${JSON.stringify({ code: 500, message: 'secret upstream detail sk-leak-123', type: 'server_error' })}\n\n`,
        );
        return;
      case 'stall':
        return; // never writes again
      case 'garbage':
        res.end('data: {not json at all\n\n');
        return;
      case 'close':
        // Flush the chunks already written, then drop the connection without ending the response.
        res.socket?.destroySoon();
        return;
      case 'comments':
      case 'empty-chunks': {
        const beat =
          script.failWith === 'comments'
            ? ': OPENROUTER PROCESSING\n\n'
            : `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: '' }, finish_reason: null }] })}\n\n`;
        const beating = setInterval(() => res.write(beat), 50);
        res.once('close', () => clearInterval(beating));
        return;
      }
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    /** Scripts for the next requests, in order; afterwards the default applies. */
    script(...scripts: UpstreamScript[]) {
      queue.push(...scripts);
    },
    setDefault(script: UpstreamScript) {
      fallback = script;
    },
    reset() {
      queue.length = 0;
      requests.length = 0;
      fallback = { chunks: ['Hello', ' world', '!'] };
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type Upstream = Awaited<ReturnType<typeof startUpstream>>;
