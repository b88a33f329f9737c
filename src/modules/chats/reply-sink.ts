import type { Response } from 'express';
import { config } from '../../lib/config.js';
import { whenClosed } from '../../lib/http/response-closed.js';
import { SseStream } from '../../lib/http/sse.js';
import type { ReplyFinal } from './reply-stream.js';

/** Where a reader writes a reply: the SSE response of one client. */
export interface ReplySink {
  readonly isClosed: boolean;
  /** The socket holds more than it wants: a cut reply stops replaying into it. */
  readonly congested: boolean;
  /** Resolves when the client has gone (or the response ended). */
  readonly gone: Promise<void>;
  /**
   * Writes an event; a wait only while the client's socket is full. `id` null: an event that adds
   * no text (`title`), sent without one (SseStream.format).
   */
  event(
    event: string,
    data: unknown,
    id: string | null,
    interrupt?: AbortSignal,
  ): Promise<void> | undefined;
  /** Sinks that speak this API's SSE events also send the final's `before` events. */
  readonly namedEvents?: boolean;
  final(final: ReplyFinal, id: string): void;
}

/**
 * A reader's waits that its client leaving also ends: `wait(start)` resolves once `start` calls
 * its `done` (a timer, the next chunk) or the client goes, whichever comes first; `start` may
 * return how to cancel what it began. Not `Promise.race` with `sink.gone`: every race would leave a
 * reaction on that promise, kept until the client goes (about 300 bytes per wait, for the life of
 * a long reply). This subscribes to it once per reader.
 */
export function waitsUntilGone(sink: ReplySink) {
  let wake: (() => void) | null = null;
  void sink.gone.then(() => wake?.());
  return (start: (done: () => void) => (() => void) | void) =>
    new Promise<void>((resolve) => {
      const done = () => {
        wake = null;
        resolve();
      };
      let cancel: (() => void) | void = undefined;
      wake = () => {
        cancel?.();
        done();
      };
      cancel = start(done);
    });
}

/**
 * Sends a stream's `meta` event, then starts what `follow` writes. Not an async function: a
 * reader's writer waits for as long as the reply lasts, and its suspended frame would keep the
 * meta event's data (the chat, the question and the reply as JSON, ~0.8 KiB) all that time.
 */
export function afterMeta(
  sink: ReplySink,
  meta: unknown,
  id: string,
  follow: () => Promise<void>,
): Promise<void> {
  const written = sink.event('meta', meta, id);
  return written ? written.then(follow) : follow();
}

export class SseSink implements ReplySink {
  readonly gone: Promise<void>;
  readonly namedEvents = true;
  private readonly sse: SseStream;

  constructor(private readonly res: Response) {
    this.sse = new SseStream(res);
    this.gone = new Promise((resolve) => whenClosed(res, resolve));
  }

  /** Sends the 200 and the stream headers. */
  open(): this {
    this.sse.open(config().SSE_PING_SECONDS);
    return this;
  }

  get isClosed(): boolean {
    return this.sse.isClosed;
  }

  get congested(): boolean {
    return this.res.writableNeedDrain;
  }

  event(event: string, data: unknown, id: string | null, interrupt?: AbortSignal) {
    return this.sse.send(event, data, id, interrupt);
  }

  final(final: ReplyFinal, id: string): void {
    this.sse.finish(final.event, final.data, id);
  }

  end(): void {
    this.sse.end();
  }
}

/** A reader for a JSON request: it counts as attached and waits for the end, writing nothing. */
export class CollectingSink implements ReplySink {
  readonly gone: Promise<void>;
  readonly congested = false;
  ended = false;
  /** The final event it was given, once the reply ended. */
  last: ReplyFinal | undefined;
  private closed = false;

  constructor(res: Response) {
    this.gone = new Promise((resolve) => {
      const close = () => {
        this.closed = true;
        resolve();
      };
      whenClosed(res, close);
    });
  }

  get isClosed(): boolean {
    return this.closed || this.ended;
  }

  event(): undefined {
    return undefined;
  }

  final(final: ReplyFinal): void {
    this.ended = true;
    this.last = final;
  }
}
