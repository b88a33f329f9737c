import { finished, type Readable } from 'node:stream';

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
  private failure: { error: unknown } | null = null;
  private wake: (() => void) | null = null;

  constructor(private readonly body: Readable) {
    body.on('data', (bytes: Uint8Array) => {
      this.queue.push(bytes);
      if (this.wake) this.rouse();
      else body.pause();
    });
    finished(body, (error) => {
      if (error) this.failure = { error };
      else this.ended = true;
      this.rouse();
    });
  }

  /**
   * The next read; `null` once the body has ended; `undefined` when none has arrived yet (then
   * `wait`). Reads that arrived before a failure are handed out before it is thrown.
   */
  take(): Uint8Array | null | undefined {
    const bytes = this.queue.shift();
    if (bytes) return bytes;
    if (this.failure) throw this.failure.error;
    return this.ended ? null : undefined;
  }

  /** Resolves when the next read, the end or a failure arrives. */
  wait(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      if (this.body.isPaused()) this.body.resume();
    });
  }

  /** Whether the body was read to its end (else leaving early must destroy it). */
  get done(): boolean {
    return this.ended;
  }

  private rouse(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
