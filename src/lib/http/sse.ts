import type { ServerResponse } from 'node:http';
import type { Response } from 'express';
import { hasClosed, whenClosed } from './response-closed.js';
import { openStreams } from '../metrics.js';
import { joinTicks, leaveTicks, type Ticking } from '../ticker.js';

/**
 * Node keeps a response's sent head (`_header`) until the response ends, as it built it: a rope of
 * some hundred string pieces for our dozen headers (~3 KiB). A regular-expression test makes V8
 * flatten a rope in place into one string (~1 KiB here) and drop the pieces, which every held
 * stream would otherwise keep.
 */
function flattenSentHead(res: Response): void {
  const head = (res as unknown as { _header?: unknown })._header;
  if (typeof head === 'string') END_OF_HEAD.test(head);
}
const END_OF_HEAD = /\r\n\r\n/;

/** How often per ping period the ping wheel looks at each stream's silence (see `tick`). */
const TICKS_PER_PING = 8;

/** Node's own key of a response's header map (a symbol it does not export); null if it changes. */
let outHeadersKey: symbol | null | undefined;

/**
 * Node also keeps the header map a response was built from (one `[name, value]` pair per header,
 * ~1.9 KiB for helmet's dozen and ours) after the head has been sent. A stream's head is sent
 * once and never read or changed again (nothing here calls getHeader on it later), so the map is
 * let go: `getHeader()` then answers undefined, as for a response that set no header. If Node
 * ever names the map otherwise, nothing is released.
 */
export function releaseSentHeaders(res: ServerResponse): void {
  if (!res.headersSent) return;
  outHeadersKey ??=
    Object.getOwnPropertySymbols(res).find((key) => key.description === 'kOutHeaders') ?? null;
  if (outHeadersKey) (res as unknown as Record<symbol, unknown>)[outHeadersKey] = null;
}

/**
 * A Server-Sent Events response. Every event carries an `id:` chosen by the caller (a cursor a
 * client can resume from with Last-Event-ID) and one JSON `data:` line. Writes honour backpressure: `send` resolves once the socket has taken the bytes (or the
 * client is gone), so a slow reader slows the producer instead of growing a buffer.
 */
export class SseStream implements Ticking {
  private closed = false;
  /** The ping wheel's period while pinging (the stream rides the process-wide wheel of it), else 0. */
  private tickMs = 0;
  private counted = false;
  /** An event went out since the ping wheel's last turn. */
  private sentSinceTick = false;
  /** Turns of the ping wheel since the last ping. */
  private ticksSincePing = 0;
  /** A ping is owed: the next event carries it, or the next turn writes it alone. */
  private pingDue = false;

  constructor(
    protected readonly res: Response,
    /** How long a full socket may stay full before the reader is taken for gone. */
    private readonly stallMs = 30_000,
  ) {
    // A response closes once (see request-log.ts), possibly before a stream is made for it (a
    // client that hung up while the request waited on the database).
    whenClosed(res, () => {
      this.closed = true;
      this.stopPing();
      if (this.counted) openStreams.dec();
      this.counted = false;
    });
  }

  get isClosed(): boolean {
    return this.closed || this.res.writableEnded;
  }

  /**
   * Sets the status and headers and sends them with the first event, or on their own before the
   * next turn of the event loop when none is written in this one (a /v1 stream waits for the
   * model's first token), so proxies and clients see the stream open either way. A stream that
   * starts with an event (`meta`) costs one socket write less before its first token.
   */
  open(pingSeconds: number): void {
    this.res.status(200);
    this.res.set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      // no-store keeps the chat-wide privacy rule; no-transform stops proxies from compressing.
      'Cache-Control': 'no-cache, no-store, no-transform',
      'X-Accel-Buffering': 'no',
      // No Connection header of our own: Node says keep-alive where the connection stays open,
      // and close where the client asked for it (`Connection: close`, HTTP/1.0), then closes it
      // once the stream ends. Setting keep-alive here overrode the client's close.
    });
    this.res.removeHeader('Content-Length');
    setImmediate(() => {
      if (!this.res.headersSent && !this.isClosed) this.res.flushHeaders();
      flattenSentHead(this.res);
      releaseSentHeaders(this.res);
    });
    if (this.closed) return;
    openStreams.inc();
    this.counted = true;
    // One shared interval for every open stream (no timer per stream).
    // Rounded down: eight turns never add up to more than the period.
    this.tickMs = Math.floor((pingSeconds * 1000) / TICKS_PER_PING);
    joinTicks(this.tickMs, this);
  }

  /**
   * A turn of the shared ping wheel, which turns TICKS_PER_PING times per ping period. After six
   * turns a ping is owed. A stream that sent an event since the last turn is relaying a reply: its
   * next event carries the ping in the same socket write, and only if none comes by the next turn
   * is the ping written alone. A silent stream gets its ping at once. Either way a ping goes out
   * within seven turns, a turn short of the period (the contract's "`: ping` at least every 15 s",
   * with room for timers that run late), while a tick that wrote a ping to every open stream (a
   * socket write each) held every other stream back by milliseconds at a few hundred streams.
   */
  tick(): void {
    const active = this.sentSinceTick;
    this.sentSinceTick = false;
    if (this.pingDue) {
      this.ping();
      return;
    }
    this.ticksSincePing += 1;
    if (this.ticksSincePing < TICKS_PER_PING - 2) return;
    if (active) this.pingDue = true;
    else this.ping();
  }

  private ping(): void {
    this.pingSent();
    this.comment('ping');
  }

  /** A ping went out (alone or with an event): the next is owed a period from now. */
  private pingSent(): void {
    this.pingDue = false;
    this.ticksSincePing = 0;
  }

  /**
   * Writes an event; while the socket is full, returns the wait for it to drain (there is
   * nothing to wait for otherwise, and each event of a reply costs no promise). The wait also
   * ends when `interrupt` aborts (stop, shutdown) and, for a client that keeps the connection
   * open but never reads, after `stallMs`: then the connection is destroyed, which ends the reply
   * as a disconnect would.
   */
  send(
    event: string,
    data: unknown,
    id: string | null,
    interrupt?: AbortSignal,
  ): Promise<void> | undefined {
    if (this.isClosed) return undefined;
    this.sentSinceTick = true;
    if (this.write(event, data, id)) return undefined;
    return this.drained(interrupt);
  }

  /** The last event: written without waiting for the reader (its size is bounded), then the end. */
  finish(event: string, data: unknown, id: string): void {
    if (!this.isClosed && !this.write(event, data, id)) {
      // A reader that never takes the rest would otherwise hold the connection open for good.
      const stall = setTimeout(() => this.res.destroy(), this.stallMs);
      stall.unref();
      this.res.once('close', () => clearTimeout(stall));
    }
    this.end();
  }

  /** Writes an event (and the ping it owes, in the same write). */
  protected write(event: string, data: unknown, id: string | null): boolean {
    const text = this.format(event, data, id);
    if (!this.pingDue) return this.res.write(text);
    this.pingSent();
    return this.res.write(`: ping\n\n${text}`);
  }

  /**
   * An event as its lines. Without an id (null) the client's last event id stays that of the
   * event before: ids only ever grow, and a reconnect resumes from where that one was.
   */
  protected format(event: string, data: unknown, id: string | null): string {
    const idLine = id === null ? '' : `id: ${id}\n`;
    return `event: ${event}\n${idLine}data: ${JSON.stringify(data)}\n\n`;
  }

  /** Comments keep idle connections open through proxies; they are tiny, so no backpressure wait. */
  comment(text: string): void {
    if (!this.isClosed) this.res.write(`: ${text}\n\n`);
  }

  end(): void {
    this.stopPing();
    if (!this.isClosed) this.res.end();
  }

  private stopPing(): void {
    if (this.tickMs) leaveTicks(this.tickMs, this);
    this.tickMs = 0;
  }

  private drained(interrupt?: AbortSignal): Promise<void> {
    // No drain and no close comes any more for a response closed already.
    if (hasClosed(this.res)) return Promise.resolve();
    return new Promise((resolve) => {
      const stall = setTimeout(() => {
        this.res.destroy();
        done();
      }, this.stallMs);
      const done = () => {
        clearTimeout(stall);
        this.res.off('drain', done);
        this.res.off('close', done);
        interrupt?.removeEventListener('abort', done);
        resolve();
      };
      this.res.once('drain', done);
      this.res.once('close', done);
      interrupt?.addEventListener('abort', done, { once: true });
      if (interrupt?.aborted) done();
    });
  }
}
