import type { Response } from 'express';

/**
 * A Server-Sent Events response. Every event carries an increasing `id:` and one JSON `data:`
 * line. Writes honour backpressure: `send` resolves once the socket has taken the bytes (or the
 * client is gone), so a slow reader slows the producer instead of growing a buffer.
 */
export class SseStream {
  private nextId = 1;
  private closed = false;
  private pingTimer: NodeJS.Timeout | undefined;

  constructor(private readonly res: Response) {
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
    this.pingTimer = setInterval(() => this.comment('ping'), pingSeconds * 1000);
    this.pingTimer.unref();
  }

  async send(event: string, data: unknown): Promise<void> {
    if (this.isClosed) return;
    const ok = this.res.write(`event: ${event}\nid: ${this.nextId++}\ndata: ${JSON.stringify(data)}\n\n`);
    if (!ok) await this.drained();
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

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.once('drain', done);
      this.res.once('close', done);
    });
  }
}
