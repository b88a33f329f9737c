import { PassThrough } from 'node:stream';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { EventStreamReader } from '../../src/lib/llm/event-stream-reader.js';
import type { CompletionEvent, CompletionHandler } from '../../src/lib/llm/types.js';
import {
  UpstreamIdleError,
  UpstreamProtocolError,
  UpstreamTimeLimitError,
} from '../../src/lib/llm/upstream-errors.js';

/** One event of a provider's stream carrying `content`. */
const delta = (content: string) =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`;

/** A reader over a body the test writes, collecting what it hands out. */
function readerOf(options: {
  handle?: CompletionHandler;
  idleMs?: number;
  /** The reply's time, from now (ms). */
  timeMs?: number;
  signal?: AbortSignal;
  /** false: the test starts the handler itself (`start`). */
  started?: boolean;
}) {
  const body = new PassThrough();
  const events: CompletionEvent[] = [];
  const reader = new EventStreamReader(
    body,
    'req_1',
    options.signal ?? new AbortController().signal,
    options.idleMs ?? 60_000,
    performance.now() + (options.timeMs ?? 60_000),
  );
  const start = () =>
    reader.start((event) => {
      events.push(event);
      return options.handle?.(event);
    });
  if (options.started ?? true) start();
  const outcome = reader.done.then(
    () => ({ error: undefined as unknown }),
    (error: unknown) => ({ error }),
  );
  return { body, reader, events, outcome, start };
}

const texts = (events: CompletionEvent[]) =>
  events.map((e) => (e.type === 'delta' ? e.content : e.type));
const turn = () => new Promise((resolve) => setImmediate(resolve));

// A model's reply as openai.provider.ts reads it (the HTTP-level cases, through the SDK and the
// scripted upstream: upstream-stream-format.test.ts, upstream-failures.test.ts, backpressure).
describe('reading a provider event stream', () => {
  it('when events come several to a read and split across reads, then each is handed out once, in order', async () => {
    const { body, events, outcome } = readerOf({});
    const split = delta('c');
    body.write(delta('a') + delta('b') + split.slice(0, 10));
    await turn();
    expect(texts(events)).toEqual(['a', 'b']);
    body.write(split.slice(10));
    body.end('data: [DONE]\n\n');
    expect(await outcome).toEqual({ error: undefined });
    expect(texts(events)).toEqual(['a', 'b', 'c']);
  });

  it('when the handler holds an event, then the body pauses and the rest of that read waits for it', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { body, events, outcome } = readerOf({
      handle: (e) => (e.type === 'delta' && e.content === 'a' ? held : undefined),
    });
    body.write(delta('a') + delta('b'));
    await turn();
    expect(texts(events)).toEqual(['a']);
    expect(body.isPaused()).toBe(true);
    release();
    await turn();
    expect(texts(events)).toEqual(['a', 'b']);
    expect(body.isPaused()).toBe(false);
    body.end();
    expect(await outcome).toEqual({ error: undefined });
  });

  it('when the body fails before the reply is read, then what came before the failure is kept and handed out first', async () => {
    const { body, events, outcome, start } = readerOf({ started: false });
    body.write(delta('part'));
    await turn();
    // Nobody reads yet: the body waits, and its failure waits for the reader.
    expect(body.isPaused()).toBe(true);
    body.destroy(new Error('other side closed'));
    await turn();
    expect(events).toEqual([]);
    start();
    const { error } = await outcome;
    expect(texts(events)).toEqual(['part']);
    expect((error as Error).message).toBe('other side closed');
  });

  it('when the body fails after some events, then those events come first and then its error', async () => {
    const { body, events, outcome } = readerOf({});
    body.write(delta('partial'));
    await turn();
    body.destroy(new Error('connection reset'));
    const { error } = await outcome;
    expect(texts(events)).toEqual(['partial']);
    expect((error as Error).message).toBe('connection reset');
  });

  it('when the body closes before its end without an error, then reading fails as a premature close', async () => {
    const { body, events, outcome } = readerOf({});
    body.write(delta('half'));
    await turn();
    body.destroy();
    const { error } = await outcome;
    expect(texts(events)).toEqual(['half']);
    expect((error as NodeJS.ErrnoException).code).toBe('ERR_STREAM_PREMATURE_CLOSE');
  });

  it('when the provider sends an error object mid-stream, then the events before it come out and it fails as the SDK reports it', async () => {
    const { body, events, outcome } = readerOf({});
    body.write(delta('ok') + `data: ${JSON.stringify({ error: { message: 'overloaded' } })}\n\n`);
    body.write(delta('never'));
    const { error } = await outcome;
    expect(texts(events)).toEqual(['ok']);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).requestID).toBe('req_1');
    expect(body.destroyed).toBe(true);
  });

  it('when the body ends without a single event, then it was not an event stream', async () => {
    const { body, outcome } = readerOf({});
    body.end('{"choices":[]}');
    const { error } = await outcome;
    expect(error).toBeInstanceOf(UpstreamProtocolError);
    expect((error as Error).message).toBe('the reply held no events');
  });

  it('when the request is aborted, then nothing more is handed out and reading ends quietly', async () => {
    const abort = new AbortController();
    const { body, events, outcome } = readerOf({
      signal: abort.signal,
      handle: (e) => {
        if (e.type === 'delta' && e.content === 'stop') abort.abort();
      },
    });
    body.write(delta('a') + delta('stop') + delta('after'));
    expect(await outcome).toEqual({ error: undefined });
    expect(texts(events)).toEqual(['a', 'stop']);
    expect(body.destroyed).toBe(true);
  });

  it('when the consumer closes the reader, then it ends quietly and the body is dropped', async () => {
    const { body, reader, outcome } = readerOf({});
    body.write(delta('a'));
    await turn();
    reader.close();
    expect(await outcome).toEqual({ error: undefined });
    expect(body.destroyed).toBe(true);
  });

  it('when the model sends nothing for the idle window, then reading fails as stalled; while the handler holds an event it does not', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { body, events, outcome } = readerOf({
      idleMs: 40,
      handle: (e) => (e.type === 'delta' && e.content === 'slow' ? held : undefined),
    });
    body.write(delta('slow'));
    // Held four windows: a slow client, not a stalled model.
    await new Promise((resolve) => setTimeout(resolve, 160));
    expect(body.destroyed).toBe(false);
    release();
    const { error } = await outcome;
    expect(error).toBeInstanceOf(UpstreamIdleError);
    expect(texts(events)).toEqual(['slow']);
    expect(body.destroyed).toBe(true);
  });

  it('when the provider sends only keep-alive comments for longer than the idle window (OpenRouter while a model thinks), then it is not taken for stalled', async () => {
    const { body, events, outcome } = readerOf({ idleMs: 60 });
    // A comment every 20 ms for five windows, then the answer.
    for (let i = 0; i < 15; i += 1) {
      body.write(': OPENROUTER PROCESSING\n\n');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    body.end(delta('thought it through'));
    expect(await outcome).toEqual({ error: undefined });
    expect(texts(events)).toEqual(['thought it through']);
  });

  it('when the reply is out of time while a slow client holds an event, then reading fails as out of time and the body is dropped', async () => {
    const { body, events, outcome } = readerOf({
      timeMs: 50,
      handle: () => new Promise<void>(() => undefined),
    });
    body.write(delta('held'));
    const { error } = await outcome;
    expect(error).toBeInstanceOf(UpstreamTimeLimitError);
    expect(texts(events)).toEqual(['held']);
    expect(body.destroyed).toBe(true);
  });

  it('when only comments come, then the body still held no events: it was not an event stream', async () => {
    const { body, outcome } = readerOf({});
    body.end(': OPENROUTER PROCESSING\n\n');
    expect((await outcome).error).toBeInstanceOf(UpstreamProtocolError);
  });
});
