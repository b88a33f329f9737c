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
