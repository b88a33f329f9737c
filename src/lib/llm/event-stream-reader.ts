import type { Readable } from 'node:stream';
import { createParser, type EventSourceParser } from 'eventsource-parser';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { Deadlines, type Due } from '../deadlines.js';
import { MAX_EVENT_CHARS, parseChunk, streamError } from './stream-body.js';
import {
  UpstreamIdleError,
  UpstreamProtocolError,
  UpstreamTimeLimitError,
} from './upstream-errors.js';
import type { CompletionEvent, CompletionHandler, Usage } from './types.js';

/**
 * Reads a provider's event stream, pushing each chunk's events to the handler as the bytes
 * arrive: a `data` listener feeds eventsource-parser, which splits the lines synchronously, and
 * each chunk is mapped straight to our events. No promise, iterator or suspended frame per chunk:
 * a held reply waits between chunks on the body's listeners alone. A handler that answers with a
 * promise (a reader's socket is full) pauses the body until it settles, so backpressure reaches
 * the provider's socket; events read before a failure or the end are handed out first.
 *
 * It reads from the moment the response head arrives, before it has a handler (the reply is
 * read once its messages are stored): the first read is kept and the body paused until `start`,
 * so a connection that fails meanwhile still hands out what came before its failure.
 *
 * After the response head (the SDK's timeout) an idle timer ends an upstream that stops sending;
 * it is paused while the handler holds an event, so a slow client is not taken for a stalled
 * model. The same deadline ends the reply once its time is up (`endsAt`: MAX_GENERATION_SECONDS
 * after the call was made), whatever it is doing then: keep-alive comments and empty chunks hold
 * the idle timer off, so a provider sending only those would otherwise hold the reply, its slot and
 * its readers for ever. An abort of the request's signal (stop, client gone, title timeout)
 * reaches the body through the SDK's listener on it, and ends the reply quietly.
 */
export class EventStreamReader implements Due {
  readonly done: Promise<void>;
  /** When the idle timer is due (see onDue), and its place among every reader's. */
  dueAt = 0;
  dueSlot = -1;
  private resolveDone!: () => void;
  private rejectDone!: (error: unknown) => void;
  private readonly decoder = new TextDecoder();
  private readonly parser: EventSourceParser;
  /** Events read but not yet handed out: while the handler holds one, or before there is one. */
  private readonly queue: CompletionEvent[] = [];
  private handle: CompletionHandler | null = null;
  private holding = false;
  private delivering = false;
  private ended = false;
  private settled = false;
  private failure: { error: unknown } | null = null;
  private sawDone = false;
  /** Set when a deadline ended the reply (idle, or out of time): it fails with this. */
  private timedOut: Error | null = null;
  // One deadline for the whole reply, not moved per chunk: a chunk only notes when it was handed
  // out, and the deadline, when it passes, waits out the rest of the window since then.
  private lastTakenAt = performance.now();
  /** Events parsed so far: the idle timer's sign of life, and whether this was an event stream. */
  private eventsSeen = 0;
  /**
   * Comment lines read so far: a sign of life too, not an event. A provider keeps a connection
   * alive with them while its model works before writing (OpenRouter's `: OPENROUTER PROCESSING`
   * while a reasoning model thinks, for minutes): that is not a stalled model.
   */
  private commentsSeen = 0;
  /**
   * Whether the model answered: text, a refusal, tool calls or a finish reason. A body that ends
   * without any (only a role chunk, usage or `[DONE]`) is a provider that broke off, not a model
   * that said nothing, which gives its finish reason.
   */
  private answered = false;

  constructor(
    private readonly body: Readable,
    /** The response's request id, which a mid-stream error names. */
    private readonly requestId: string | null,
    private readonly signal: AbortSignal,
    private readonly idleWindowMs: number,
    /** When the reply's time is up (`performance.now()`'s clock), however it is going then. */
    private readonly endsAt = Number.POSITIVE_INFINITY,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    this.parser = createParser({
      maxBufferSize: MAX_EVENT_CHARS,
      onEvent: (event) =>
        event.event === 'error' ? this.takeError(event.data) : this.take(event.data),
      onComment: () => {
        this.commentsSeen += 1;
      },
      onError: (error) => {
        if (error.type === 'max-buffer-size-exceeded')
          this.fail(new UpstreamProtocolError('an event of the reply never ended'));
        // llama.cpp's server writes its errors as `error: {…}` lines (see streamError).
        else if (error.type === 'unknown-field' && error.field === 'error')
          this.takeError(error.value ?? '');
      },
    });
    // Plain listeners rather than stream.finished()'s dozen closures, which every open reply kept;
    // and the same four functions for every reply (the body names its reader), not four closures
    // kept per reply.
    (body as ReaderBody)[READER] = this;
    for (const [event, listener] of EventStreamReader.bodyListeners) body.on(event, listener);
    this.checkIn(idleWindowMs);
  }

  /** What each reader listens to on its body: `this` is the body, which names its reader. */
  private static readonly bodyListeners: [string, BodyListener][] = [
    [
      'data',
      function (this: ReaderBody, bytes: Uint8Array) {
        this[READER].onData(bytes);
      },
    ],
    [
      'end',
      function (this: ReaderBody) {
        this[READER].ended = true;
        this[READER].deliver();
      },
    ],
    [
      'error',
      function (this: ReaderBody, error: Error) {
        this[READER].fail(error);
      },
    ],
    [
      'close',
      function (this: ReaderBody) {
        if (!this[READER].ended) this[READER].fail(prematureClose());
      },
    ],
  ];

  /** Hands every event to `handle`, from the first; `done` tells how it ended. Called once. */
  start(handle: CompletionHandler): void {
    this.handle = handle;
    this.body.resume();
    this.deliver();
  }

  /** Stops reading (the consumer left, or never started): the reply ends quietly. */
  close(): void {
    this.settle(null);
  }

  private onData(bytes: Uint8Array): void {
    if (this.settled) return;
    const before = this.eventsSeen + this.commentsSeen;
    this.parser.feed(this.decoder.decode(bytes, { stream: true }));
    // A read that only continued an event is not a sign of life (the idle timer ignores it).
    if (this.eventsSeen + this.commentsSeen === before) return;
    this.lastTakenAt = performance.now();
    // Nobody to hand it to yet: kept, and nothing more read until there is.
    if (!this.handle) this.body.pause();
    else this.deliver();
  }

  /** One event's data, as the events it carries, queued in order. */
  private take(data: string): void {
    if (this.failure) return;
    this.eventsSeen += 1;
    // Anything after [DONE] is ignored, as the SDK does; the body is still read to its end.
    if (this.sawDone || data.startsWith('[DONE]')) {
      this.sawDone = true;
      return;
    }
    let chunk;
    try {
      chunk = parseChunk(data, this.requestId);
    } catch (error) {
      this.fail(error);
      return;
    }
    // Some compatible servers send `choices: null` on the usage chunk, or omit usage entirely.
    // The first choice only: a provider that ignores `n` (or a relay that adds choices) streams
    // each choice's chunks apart, by index; mixed in, they would make one garbled reply.
    const choice = Array.isArray(chunk.choices)
      ? chunk.choices.find((c) => (c?.index ?? 0) === 0)
      : undefined;
    const delta = choice?.delta as ReasoningDelta | undefined;
    // Reasoning models think first, in a field of their server's (types.ts); before the answer.
    const reasoning = delta?.reasoning_content || delta?.reasoning;
    if (typeof reasoning === 'string' && reasoning.length > 0)
      this.queue.push({
        type: 'reasoning',
        content: reasoning,
        field: delta!.reasoning_content ? 'reasoning_content' : 'reasoning',
      });
    // What is queued from here to the finish is the model's answer.
    const answerFrom = this.queue.length;
    const content = choice?.delta?.content;
    if (typeof content === 'string' && content.length > 0)
      this.queue.push({ type: 'delta', content });
    const refusal = choice?.delta?.refusal;
    if (typeof refusal === 'string' && refusal.length > 0)
      this.queue.push({ type: 'refusal', content: refusal });
    const toolCalls = choice?.delta?.tool_calls;
    if (Array.isArray(toolCalls) && toolCalls.length > 0)
      this.queue.push({ type: 'toolCalls', toolCalls });
    if (choice?.finish_reason)
      this.queue.push({ type: 'finish', finishReason: choice.finish_reason });
    if (this.queue.length > answerFrom) this.answered = true;
    const usage = reportedUsage(chunk.usage);
    if (usage) this.queue.push({ type: 'usage', usage });
  }

  /** An error the provider sent otherwise than as a `data: {"error": …}` chunk. */
  private takeError(data: string): void {
    if (this.failure || this.sawDone) return;
    this.eventsSeen += 1;
    this.fail(streamError(data, this.requestId));
  }

  /** Hands out the queued events until the handler holds one; then settles if the body is done. */
  private deliver(): void {
    // Not again from inside the handler (an abort it causes can fail the body at once): the loop
    // under way settles once it is through.
    const handle = this.handle;
    if (!handle || this.holding || this.delivering || this.settled) return;
    this.delivering = true;
    let i = 0;
    let held: Promise<void> | void = undefined;
    try {
      for (; i < this.queue.length && !this.signal.aborted; i += 1) {
        held = handle(this.queue[i]!);
        if (held) break;
      }
    } catch (error) {
      return this.settle({ error });
    } finally {
      this.delivering = false;
    }
    if (held) {
      this.queue.splice(0, i + 1);
      this.holding = true;
      this.body.pause();
      held.then(
        () => this.release(),
        (error: unknown) => this.settle({ error }),
      );
      return;
    }
    this.queue.length = 0;
    if (this.signal.aborted) this.settle(null);
    else if (this.failure) this.settle(this.failure);
    else if (this.ended)
      // A body that ended without one event was not an event stream (an unlabelled JSON or page).
      this.settle(
        this.eventsSeen === 0
          ? { error: new UpstreamProtocolError('the reply held no events') }
          : !this.answered
            ? { error: new UpstreamProtocolError('the reply ended with no answer and no finish') }
            : null,
      );
  }

  /** The handler let go of the event it held. */
  private release(): void {
    this.holding = false;
    this.lastTakenAt = performance.now();
    if (this.settled) return;
    this.body.resume();
    this.deliver();
  }

  /** The body failed: reported once the events before it are handed out. */
  private fail(error: unknown): void {
    if (this.failure || this.settled) return;
    this.failure = { error };
    this.deliver();
  }

  private settle(outcome: { error: unknown } | null): void {
    if (this.settled) return;
    this.settled = true;
    idleChecks.cancel(this);
    // Left before its end (stopped, failed) the body and its connection are dropped; read to its
    // end, the connection went back to the pool.
    if (!this.ended) this.body.destroy();
    if (this.timedOut) this.rejectDone(this.timedOut);
    else if (!outcome || this.signal.aborted) this.resolveDone();
    else this.rejectDone(outcome.error);
  }

  // The deadline only moves itself on, without judging the model, while the handler holds an
  // event (a slow client applying backpressure) or there is none yet, and when it passes more than
  // half a window late: then this process was stalled (CPU starvation, a long GC pause) and did
  // not see the model's silence. Otherwise the decision waits for the poll phase, so a chunk that
  // arrived while the process was stalled is read before the reply is declared stalled.
  // Out of time, the reply ends whatever it is doing, a client's backpressure included.
  onDue(): void {
    const now = performance.now();
    if (now >= this.endsAt) return this.timeOut(new UpstreamTimeLimitError());
    const window = this.idleWindowMs;
    if (this.holding || !this.handle || now - this.dueAt > window / 2) {
      this.lastTakenAt = now;
      return this.checkIn(window);
    }
    const quietFor = now - this.lastTakenAt;
    if (quietFor < window) return this.checkIn(window - quietFor);
    const seen = this.eventsSeen + this.commentsSeen;
    setImmediate(() => {
      if (this.eventsSeen + this.commentsSeen !== seen || this.holding || this.settled) return;
      this.timeOut(new UpstreamIdleError());
    });
  }

  /** The next idle check, or the end of the reply's time if that comes first. */
  private checkIn(delayMs: number): void {
    idleChecks.schedule(this, Math.min(delayMs, this.endsAt - performance.now()));
  }

  private timeOut(error: Error): void {
    this.timedOut = error;
    this.settle({ error });
  }
}

/** Every reader's idle deadline, on one timer (a timer per open reply would be kept by each). */
const idleChecks = new Deadlines<EventStreamReader>();

/** A token count as it can be trusted: a whole number from 0, exact as a JavaScript number. */
const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;

/**
 * The usage a chunk reports, or null when it reports none to trust. Counts a compatible server sends
 * as strings, negative, fractional or too large to be exact are no report at all: the call is then
 * charged the tokenizer's estimate, rather than slip past the user's budget or credit it tokens. A
 * missing completion count is 0; the total is always the sum, whatever the provider's own says
 * (beyond telling whether reasoning tokens were left out of the completion count).
 */
function reportedUsage(usage: ChatCompletionChunk['usage']): Usage | null {
  if (!usage || !isCount(usage.prompt_tokens)) return null;
  const reported: unknown = usage.completion_tokens ?? 0;
  if (!isCount(reported)) return null;
  // OpenAI counts a reasoning model's thinking in completion_tokens; Gemini's compatible endpoint
  // and some gateways leave it out (in completion_tokens_details.reasoning_tokens and the total
  // only). Added when the total confirms it was left out: thinking is output, charged as such.
  const thinking: unknown = usage.completion_tokens_details?.reasoning_tokens;
  const completion =
    isCount(thinking) &&
    isCount(usage.total_tokens) &&
    usage.total_tokens >= usage.prompt_tokens + reported + thinking &&
    Number.isSafeInteger(reported + thinking)
      ? reported + thinking
      : reported;
  return {
    promptTokens: usage.prompt_tokens,
    completionTokens: completion,
    totalTokens: usage.prompt_tokens + completion,
  };
}

/** A delta as reasoning models' servers send it (the SDK's type has neither field). */
type ReasoningDelta = { reasoning_content?: unknown; reasoning?: unknown };

/** The reader of a body, named on it for the listeners every reader shares. */
const READER = Symbol('eventStreamReader');
type ReaderBody = Readable & { [READER]: EventStreamReader };
type BodyListener = Parameters<Readable['on']>[1];

/** What stream.finished() reports for a stream closed before its end without an error. */
const prematureClose = () =>
  Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
