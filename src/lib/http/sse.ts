import type { Response } from 'express';
import { openStreams } from '../metrics.js';

/**
 * A Server-Sent Events response. Every event carries an `id:` chosen by the caller (a cursor a
 * client can resume from with Last-Event-ID) and one JSON `data:` line. Writes honour backpressure: `send` resolves once the socket has taken the bytes (or the
 * client is gone), so a slow reader slows the producer instead of growing a buffer.
 */
export class SseStream {
  private closed = false;
  private pingTimer: NodeJS.Timeout | undefined;

  constructor(
    protected readonly res: Response,
    /** How long a full socket may stay full before the reader is taken for gone. */
    private readonly stallMs = 30_000,
  ) {
    res.once('close', () => {
      this.closed = true;
      this.stopPing();
    });
  }

  get isClosed(): boolean {
    return this.closed || this.res.writableEnded;
  }

  /** Sends the status and headers at once so proxies and clients see the stream open. */
  open(pingSeconds: number): void {
    this.res.status(200);
    this.res.set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      // no-store keeps the chat-wide privacy rule; no-transform stops proxies from compressing.
      'Cache-Control': 'no-cache, no-store, no-transform',
      'X-Accel-Buffering': 'no',
      Connection: 'keep-alive',
    });
    this.res.removeHeader('Content-Length');
    this.res.flushHeaders();
    openStreams.inc();
    this.res.once('close', () => openStreams.dec());
    this.pingTimer = setInterval(() => this.comment('ping'), pingSeconds * 1000);
    this.pingTimer.unref();
  }

  /**
   * Writes an event and waits while the socket is full. The wait also ends when `interrupt` aborts
   * (stop, shutdown) and, for a client that keeps the connection open but never reads, after
   * `stallMs`: then the connection is destroyed, which ends the reply as a disconnect would.
   */
  async send(event: string, data: unknown, id: string, interrupt?: AbortSignal): Promise<void> {
    if (this.isClosed) return;
    if (!this.write(event, data, id)) await this.drained(interrupt);
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

  protected write(event: string, data: unknown, id: string): boolean {
    return this.res.write(`event: ${event}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`);
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
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = undefined;
  }

  private drained(interrupt?: AbortSignal): Promise<void> {
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
