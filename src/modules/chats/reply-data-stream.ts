import type { ErrorRequestHandler, Response } from 'express';
import { serveDataEvents, type DataSseStream } from '../../lib/http/sse-data.js';
import type { CompletionEvent } from '../../lib/llm/index.js';
import type { Exchange } from './exchange.service.js';
import { DataSink } from './reply-data-sink.js';
import { followLive } from './reply-live-reader.js';
import type { ReplyOutcome } from './reply-stream.js';
import { openReply, runReply } from './reply.service.js';

/** How a protocol of bare `data:` lines (/v1, the AI SDK route) spells a reply it streams live. */
export interface LiveDataFormat {
  /** The lines before the reply's text (/v1's role chunk, the AI SDK's `start` parts). */
  opening: unknown[];
  /** The lines for a chunk of the reply's text. */
  delta: (text: string) => unknown[];
  /**
   * The lines for one of the model's other events (tool calls, a refusal, a reasoning model's
   * thinking), written as it comes; none for an event the protocol does not relay.
   */
  event: (event: CompletionEvent) => unknown[] | undefined;
  /** The last lines, once the reply has ended (null: it ended without an outcome). */
  final: (outcome: ReplyOutcome | null) => unknown[];
}

export interface LiveDataOptions {
  /** A client that leaves stops the reply (runReply's `leavingStops`). */
  leavingStops?: boolean;
  /** Once the reply has finished and its last lines are written; a throw goes to `onError`. */
  ended?: (outcome: ReplyOutcome | null) => void;
  /** The error handler of the route's surface (the app's by default). */
  onError?: ErrorRequestHandler;
}

/**
 * Writes `lines` in order. While the socket is full, the rest wait for it to drain and so does
 * the caller (the promise); with nothing to wait for there is no promise, as for a single line.
 */
function writeLines(
  sse: DataSseStream,
  lines: unknown[],
  interrupt: AbortSignal,
  from = 0,
): Promise<void> | undefined {
  for (let i = from; i < lines.length; i += 1) {
    const wait = sse.data(lines[i], interrupt);
    if (wait)
      return i + 1 < lines.length
        ? wait.then(() => writeLines(sse, lines, interrupt, i + 1))
        : wait;
  }
  return undefined;
}

/**
 * Runs the exchange's reply and streams it to `res` as `data:` lines in the protocol's format,
 * apart from the route (serveDataEvents). The request is the reply's first reader, attached
 * before the reply runs, and it paces the reply as the chats routes' SSE reader does (DataSink).
 */
export function streamReplyAsData(
  res: Response,
  exchange: Exchange,
  format: LiveDataFormat,
  { leavingStops, ended, onError }: LiveDataOptions,
): void {
  serveDataEvents(
    res,
    async (sse) => {
      // Written before any of the reply (writes keep their order); waited for only once the
      // reply runs.
      const opened = format.opening.map((line) => sse.data(line));
      const reply = openReply(exchange);
      const sink = new DataSink(res, sse, {
        delta: format.delta,
        final: () => format.final(reply.outcome),
      });
      // Attached before the reply runs: a reply with no reader is cut.
      const reading = followLive(reply, sink, 0);
      runReply(reply, exchange, {
        leavingStops,
        // Between text chunks: the text before them has been written by now.
        onEvent: (event, interrupt) => {
          const lines = format.event(event);
          return lines ? writeLines(sse, lines, interrupt) : undefined;
        },
      });
      for (const wait of opened) await wait;
      await reading;
      await reply.finished;
      ended?.(reply.outcome);
    },
    onError,
  );
}
