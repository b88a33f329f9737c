import { cursorId } from './reply-cursor.js';
import { waitsUntilGone, type ReplySink } from './reply-sink.js';
import type { PacingReader, ReplyStream } from './reply-stream.js';

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
 * attached (the reply is not cut for want of readers) until its client goes.
 */
export async function followLive(stream: ReplyStream, sink: ReplySink, offset: number) {
  const position = new Position(offset, sink);
  const detach = stream.attach(position);
  // Counted out as soon as the client goes, even while waiting for the next chunk.
  void sink.gone.then(() => {
    position.close();
    detach();
  });
  // The wait for the next change, which the client leaving also ends (after the lines above).
  const wait = waitsUntilGone(sink);
  try {
    for (;;) {
      if (sink.isClosed) return;
      // Once the reply is cut, a reader whose socket stays full skips to the final event, which
      // carries the whole text; otherwise it would queue the backlog in memory.
      if (!(stream.signal.aborted && sink.congested)) {
        const chunk = stream.chunkAfter(position.offset);
        if (chunk) {
          const full = sink.event(
            'delta',
            { content: chunk.text },
            cursorId(stream.replyId, chunk.end),
            stream.signal,
          );
          if (full) await full;
          position.advance(chunk.end);
          continue;
        }
      }
      if (stream.final) {
        if (sink.namedEvents)
          for (const extra of stream.final.before ?? [])
            await sink.event(extra.event, extra.data, cursorId(stream.replyId, position.offset));
        sink.final(stream.final, cursorId(stream.replyId, 'end'));
        return;
      }
      await wait((done) => stream.onNextChange(done));
    }
  } finally {
    position.close();
    detach();
  }
}
