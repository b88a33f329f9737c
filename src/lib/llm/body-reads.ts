import type { Readable } from 'node:stream';

/**
 * The reads of a response body, taken one at a time by a reader that awaits only when none is
 * there. `for await` over a Node stream costs several ticks and allocations per read (a
 * `readable` event on the next tick, `read()`, an async generator around it); a model's reply is
 * hundreds of small reads, each relayed at once. Here a `data` event queues the read and wakes
 * the waiting reader directly. The body is paused while its reader holds what it was given
 * (backpressure reaches the provider's socket), and it ends as the iterator would: at its end,
 * with its error, or with ERR_STREAM_PREMATURE_CLOSE when it closes before the end.
 */
export class BodyReads {
  private readonly queue: Uint8Array[] = [];
  private ended = false;
  private failure: { error: Error } | null = null;
  private wake: (() => void) | null = null;

  constructor(private readonly body: Readable) {
    body.on('data', (bytes: Uint8Array) => {
      this.queue.push(bytes);
      if (this.wake) this.rouse();
      else body.pause();
    });
    // Three listeners rather than stream.finished()'s dozen closures, which every open reply kept
    // (`on`: settle takes only the first; `once` would wrap each listener).
    body.on('end', () => this.settle(null));
    body.on('error', (error: Error) => this.settle(error));
    body.on('close', () => {
      if (!this.ended && !this.failure) this.settle(prematureClose());
    });
  }

  /**
   * The next read, or `null` once the body has ended; a promise of it only when none has arrived
   * yet. Reads that arrived before a failure are handed out before it is thrown.
   */
  read(): Uint8Array | null | Promise<Uint8Array | null> {
    const now = this.take();
    if (now !== undefined) return now;
    return new Promise((resolve, reject) => {
      // Woken by a read, the end or a failure: `take` then has an answer (a failure's only once
      // the reads before it are out).
      this.wake = () => {
        if (this.failure && this.queue.length === 0) reject(this.failure.error);
        else resolve(this.take() as Uint8Array | null);
      };
      if (this.body.isPaused()) this.body.resume();
    });
  }

  private take(): Uint8Array | null | undefined {
    const bytes = this.queue.shift();
    if (bytes) return bytes;
    if (this.failure) throw this.failure.error;
    return this.ended ? null : undefined;
  }

  /** Whether the body was read to its end (else leaving early must destroy it). */
  get done(): boolean {
    return this.ended;
  }

  /** The body's end or its failure, whichever came first. */
  private settle(error: Error | null): void {
    if (this.ended || this.failure) return;
    if (error) this.failure = { error };
    else this.ended = true;
    this.rouse();
  }

  private rouse(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

/** What stream.finished() reports for a stream closed before its end without an error. */
const prematureClose = () =>
  Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
