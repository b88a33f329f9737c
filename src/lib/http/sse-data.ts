import { SseStream } from './sse.js';

/**
 * Server-Sent Events in the style of OpenAI's and the AI SDK's streams: `data:` lines only (no
 * event names or ids), JSON objects or a literal such as `[DONE]`. Backpressure, pings, stall
 * handling and the final write behave as in SseStream; the event name passed in is only a label.
 */
export class DataSseStream extends SseStream {
  protected override write(_event: string, data: unknown): boolean {
    return this.res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
  }
}
