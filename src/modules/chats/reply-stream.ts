import type { AppError } from '../../lib/errors.js';
import type { ChatJson } from './chats.mapper.js';
import type { SseEventJson } from './chats.schemas.js';
import type { MessageDoc } from './message.model.js';

/** The last event of a reply, as every reader sends it (its data as the description publishes it). */
export type ReplyFinal = (
  { event: 'done'; data: SseEventJson<'done'> } | { event: 'error'; data: SseEventJson<'error'> }
) & {
  /** Events an SSE reader sends just before the final one (the chat's new `title`). */
  before?: { event: string; data: unknown }[];
};

/** How a reply ended: the message as stored, and the error a JSON request answers with. */
export interface ReplyOutcome {
  message: MessageDoc;
  error: AppError | null;
  /** The chat its final event was built with (absent: ended unstored, at shutdown or by a bug). */
  chat?: ChatJson;
}

/**
 * A reader that applies backpressure: while its socket is full, the reply waits until it has
 * written up to a length.
 */
export interface PacingReader {
  readonly congested: boolean;
  reached(length: number, interrupt: AbortSignal): Promise<void>;
}

/** Chunks per folded block (ReplyStream.fold). */
const FOLD = 64;
/** Chunks this long on average (characters) are not folded into a two-byte string. */
const LONG_CHUNK = 32;
const BEYOND_LATIN1 = /[\u0100-\uffff]/;

/** Told the number of a reply's readers whenever it changes (reply-detach.ts). */
export interface ReaderWatcher {
  /**
   * `waitedOut`: the reader that left had already been gone for a grace (a reader on another
   * instance, counted out when its heartbeat lapsed): the reply waits no second grace for it.
   */
  readersChanged(count: number, waitedOut?: boolean): void;
}

/**
 * One reply being generated in this process, shared by all its readers (the request that asked
 * for it, other tabs, a client that reconnected). The text is kept whole, with the end of every
 * recent upstream chunk (older ones in blocks), so a reader at any offset replays what it missed
 * and then follows live, chunk by chunk; nothing is buffered per reader. The producer waits for a
 * pacing reader whose socket is full (a slow reader slows the model instead of growing a buffer).
 */
export class ReplyStream {
  /** Length of the reply text so far (UTF-16 code units, as cursors count). */
  length = 0;
  final: ReplyFinal | null = null;
  outcome: ReplyOutcome | null = null;
  readonly finished: Promise<void>;

  // Chunks are kept apart: slicing one long concatenated string would copy it whole every time.
  // Older ones are folded into blocks of FOLD (see fold).
  private readonly chunks: string[] = [];
  private readonly ends: number[] = [];
  /** Entries before this index are folded blocks, or chunks left as they were (see fold). */
  private settled = 0;
  /** Called at every change: the live readers (reply-live-reader.ts). */
  private readonly followers = new Set<() => void>();
  private readonly pacing = new Set<PacingReader>();
  private attached = 0;
  private readerWatcher: ReaderWatcher | undefined;
  private settle!: () => void;

  constructor(
    readonly replyId: string,
    /** Aborts the generation (stop, shutdown, or no reader left): its model call's own, when started. */
    readonly controller = new AbortController(),
  ) {
    this.finished = new Promise((resolve) => (this.settle = resolve));
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get readers(): number {
    return this.attached;
  }

  /** The whole text so far. */
  text(): string {
    return this.chunks.join('');
  }

  /** The text after `offset` up to the end of the chunk holding it, or null when caught up. */
  chunkAfter(offset: number): { text: string; end: number } | null {
    if (offset >= this.length) return null;
    let lo = 0;
    let hi = this.ends.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid]! > offset) hi = mid;
      else lo = mid + 1;
    }
    const end = this.ends[lo]!;
    const chunk = this.chunks[lo]!;
    const start = end - chunk.length;
    return { text: offset === start ? chunk : chunk.slice(offset - start), end };
  }

  /** Calls `onChange` at every change (more text, or the end) until the returned function is called. */
  follow(onChange: () => void): () => void {
    this.followers.add(onChange);
    return () => this.followers.delete(onChange);
  }

  /**
   * Appends a chunk. While a pacing reader's socket is full, returns a wait that ends once every
   * such reader has written the chunk (or the reply is cut); a reader that keeps up writes it at
   * once, as it is told of the change, so the common chunk costs no wait at all.
   */
  push(text: string): Promise<void> | undefined {
    this.length += text.length;
    this.chunks.push(text);
    this.ends.push(this.length);
    if (this.chunks.length - this.settled >= 2 * FOLD) this.fold();
    this.wake();
    let waits: Promise<void>[] | undefined;
    for (const reader of this.pacing)
      if (reader.congested) (waits ??= []).push(reader.reached(this.length, this.signal));
    if (!waits) return undefined;
    return waits.length === 1 ? waits[0] : Promise.all(waits).then(() => undefined);
  }

  /** Ends it once; a later call (shutdown ended it before its outcome was stored) changes nothing. */
  finish(final: ReplyFinal, outcome: ReplyOutcome | null): void {
    if (this.final) return;
    this.final = final;
    this.outcome = outcome;
    this.wake();
    this.settle();
  }

  /**
   * Counts a reader in (pacing the producer when given); the returned function counts it out
   * (`waitedOut`: see ReaderWatcher).
   */
  attach(reader?: PacingReader): (waitedOut?: boolean) => void {
    this.attached += 1;
    if (reader) this.pacing.add(reader);
    this.readerWatcher?.readersChanged(this.attached);
    let attached = true;
    return (waitedOut = false) => {
      if (!attached) return;
      attached = false;
      this.attached -= 1;
      if (reader) this.pacing.delete(reader);
      this.readerWatcher?.readersChanged(this.attached, waitedOut);
    };
  }

  /** Tells `watcher` the number of readers now and whenever it changes (the detach policy). */
  watchReaders(watcher: ReaderWatcher): void {
    this.readerWatcher = watcher;
    watcher.readersChanged(this.attached);
  }

  /**
   * Joins the oldest FOLD chunks not yet settled into one string. A chunk costs ~32 bytes beside
   * its text (its string's header, its slots here), and a model's chunk is often a single token:
   * a long reply held chunk by chunk would take several times its text. The newest FOLD chunks
   * stay apart, so a reader that keeps up (or is up to FOLD behind) still gets one `delta` per
   * chunk; one further behind replays a block in one. A block of long chunks that would hold a
   * character past Latin-1 is left as it was: V8 would store all of it at two bytes a character,
   * which costs more than the chunks' headers save.
   */
  private fold(): void {
    const from = this.settled;
    const to = from + FOLD;
    const pieces = this.chunks.slice(from, to);
    // Decided before joining: a block left apart costs no copy of its text.
    const blockLength = this.ends[to - 1]! - (from > 0 ? this.ends[from - 1]! : 0);
    if (blockLength >= FOLD * LONG_CHUNK && pieces.some((chunk) => BEYOND_LATIN1.test(chunk))) {
      this.settled = to;
      return;
    }
    this.chunks.splice(from, FOLD, pieces.join(''));
    this.ends.splice(from, FOLD, this.ends[to - 1]!);
    this.settled = from + 1;
  }

  private wake(): void {
    for (const onChange of this.followers) onChange();
  }
}

/** Replies being generated in this process, by reply (assistant message) id. */
const live = new Map<string, ReplyStream>();

export const registerReply = (stream: ReplyStream) => live.set(stream.replyId, stream);
export const unregisterReply = (stream: ReplyStream) => {
  if (live.get(stream.replyId) === stream) live.delete(stream.replyId);
};
export const liveReply = (replyId: string): ReplyStream | undefined => live.get(replyId);
