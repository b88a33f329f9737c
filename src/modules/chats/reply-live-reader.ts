import { cursorId } from './reply-cursor.js';
import type { ReplySink } from './reply-sink.js';
import type { PacingReader, ReplyFinal, ReplyStream } from './reply-stream.js';

/** A reader's position, which the producer waits on when the reader's socket is full. */
class Position implements PacingReader {
  private waiters: { length: number; resolve: () => void }[] = [];
  private closed = false;

  constructor(
    public offset: number,
    private readonly sink: ReplySink,
  ) {}

  get congested(): boolean {
    return this.sink.congested;
  }

  reached(length: number, interrupt: AbortSignal): Promise<void> {
    if (this.closed || this.offset >= length || interrupt.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = {
        length,
        resolve: () => {
          interrupt.removeEventListener('abort', waiter.resolve);
          resolve();
        },
      };
      interrupt.addEventListener('abort', waiter.resolve, { once: true });
      this.waiters.push(waiter);
    });
  }

  advance(offset: number): void {
    this.offset = offset;
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => w.length <= offset);
    this.waiters = this.waiters.filter((w) => w.length > offset);
    for (const w of ready) w.resolve();
  }

  close(): void {
    this.closed = true;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve();
  }
}

/**
 * Writes a reply generated in this process to one client from `offset`: what it missed, one event
 * per upstream chunk, then the rest as it comes, then the final event. The reader counts as
 * attached (the reply is not cut for want of readers) until its client goes. Resolves once the
 * final event is written or the client has gone.
 */
export function followLive(stream: ReplyStream, sink: ReplySink, offset: number): Promise<void> {
  return new LiveReader(stream, sink, offset).done;
}

/**
 * The reader of followLive. The stream calls it at every change (more text, or the end) and it
 * writes what it has not written yet there and then: a reader that keeps up holds no promise or
 * suspended frame between chunks, only its place among the stream's followers. It waits only on a
 * full socket (the write's promise), and then writes the rest once it drains.
 */
class LiveReader {
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  private rejectDone!: (error: unknown) => void;
  private readonly position: Position;
  private readonly detach: () => void;
  private readonly unfollow: () => void;
  /** A write waits for the socket (or the final events are being written). */
  private busy = false;
  private stopped = false;

  constructor(
    private readonly stream: ReplyStream,
    private readonly sink: ReplySink,
    offset: number,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    this.position = new Position(offset, sink);
    this.detach = stream.attach(this.position);
    this.unfollow = stream.follow(this.write);
    // Counted out as soon as the client goes, even while waiting for the next chunk.
    void sink.gone.then(() => this.stop(null));
    this.write();
  }

  /** Writes what the client has not had yet; called again at every change of the stream. */
  private readonly write = (): void => {
    if (this.busy || this.stopped) return;
    const { stream, sink, position } = this;
    try {
      for (;;) {
        if (sink.isClosed) return this.stop(null);
        // Once the reply is cut, a reader whose socket stays full skips to the final event,
        // which carries the whole text; otherwise it would queue the backlog in memory.
        if (!(stream.signal.aborted && sink.congested)) {
          const chunk = stream.chunkAfter(position.offset);
          if (chunk) {
            const full = sink.event(
              'delta',
              { content: chunk.text },
              cursorId(stream.replyId, chunk.end),
              stream.signal,
            );
            if (full) return this.after(full, () => position.advance(chunk.end));
            position.advance(chunk.end);
            continue;
          }
        }
        if (stream.final) return this.after(this.writeFinal(stream.final), () => this.stop(null));
        return;
      }
    } catch (error) {
      this.stop({ error });
    }
  };

  /** Waits for `pending` before writing more; `then` runs once it is over. */
  private after(pending: Promise<void>, then: () => void): void {
    this.busy = true;
    pending.then(
      () => {
        this.busy = false;
        then();
        this.write();
      },
      (error: unknown) => this.stop({ error }),
    );
  }

  private async writeFinal(final: ReplyFinal): Promise<void> {
    const { stream, sink } = this;
    // No id of their own: they add no text, and the ids of a reply's events only ever grow.
    if (sink.namedEvents)
      for (const extra of final.before ?? []) await sink.event(extra.event, extra.data, null);
    sink.final(final, cursorId(stream.replyId, 'end'));
  }

  private stop(failure: { error: unknown } | null): void {
    if (this.stopped) return;
    this.stopped = true;
    this.unfollow();
    this.position.close();
    this.detach();
    if (failure) this.rejectDone(failure.error);
    else this.resolveDone();
  }
}
