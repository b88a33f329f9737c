import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { components } from './schema.js';

type Schemas = components['schemas'];

/** One server-sent event of a reply, typed by its name. */
export type StreamEvent =
  | { event: 'meta'; id: string; data: Schemas['MetaEventData'] }
  | { event: 'delta'; id: string; data: Schemas['DeltaEventData'] }
  | { event: 'done'; id: string; data: Schemas['DoneEventData'] }
  | { event: 'error'; id: string; data: Schemas['ErrorEventData'] };

const NAMES = new Set(['meta', 'delta', 'done', 'error']);

/**
 * The events of an SSE response body, in order. Comments (`: ping`) are skipped; an event name
 * this client does not know yet is skipped too, so a newer server does not break it. Aborting the
 * request's signal ends the iteration with the fetch's AbortError.
 */
export async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamEvent> {
  const queue: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => queue.push(message) });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      while (queue.length > 0) {
        const message = queue.shift()!;
        if (!message.event || !NAMES.has(message.event)) continue;
        yield {
          event: message.event,
          id: message.id ?? '',
          data: JSON.parse(message.data) as unknown,
        } as StreamEvent;
      }
    }
  } finally {
    // Leaving the loop early (break, return, throw) cancels the body, which closes the connection.
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
