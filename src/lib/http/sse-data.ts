import type { ErrorRequestHandler, Response } from 'express';
import { config } from '../config.js';
import { serveEvents } from './serve-events.js';
import { SseStream } from './sse.js';

/**
 * Server-Sent Events in the style of OpenAI's and the AI SDK's streams: `data:` lines only (no
 * event names or ids), JSON objects or a literal such as `[DONE]`. Backpressure, pings, stall
 * handling and the final write behave as in SseStream.
 */
export class DataSseStream extends SseStream {
  /** One `data:` line; a wait while the socket is full (see SseStream.send). */
  data(payload: unknown, interrupt?: AbortSignal): Promise<void> | undefined {
    return this.send('data', payload, '', interrupt);
  }

  /** The last lines, written without waiting for the reader (their size is bounded), then the end. */
  finishWith(...payloads: unknown[]): void {
    const last = payloads.pop();
    for (const payload of payloads) if (!this.isClosed) this.write('data', payload, '');
    this.finish('data', last, '');
  }

  protected override format(_event: string, data: unknown, _id: string | null): string {
    return `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
  }
}

/**
 * Opens a stream of `data:` lines on `res` (its head, and a ping every SSE_PING_SECONDS) and
 * writes it apart from the route (serveEvents): the route settles once the head is sent, and a
 * failure while writing goes to `onError`, the error handler of the route's surface.
 */
export function serveDataEvents(
  res: Response,
  write: (sse: DataSseStream) => Promise<void>,
  onError?: ErrorRequestHandler,
): void {
  const sse = new DataSseStream(res);
  sse.open(config().SSE_PING_SECONDS);
  serveEvents(res, sse, write, onError);
}
