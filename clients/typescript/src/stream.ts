import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { StreamInterruptedError } from './errors.js';
import type { components } from './schema.js';

type Schemas = components['schemas'];

/** One server-sent event of a reply, typed by its name. */
export type StreamEvent =
  | { event: 'meta'; id: string; data: Schemas['MetaEventData'] }
  | { event: 'delta'; id: string; data: Schemas['DeltaEventData'] }
  /** The chat's new title, after its first reply (no id of its own: it adds no text). */
  | { event: 'title'; id: string; data: Schemas['TitleEventData'] }
  | { event: 'done'; id: string; data: Schemas['DoneEventData'] }
  | { event: 'error'; id: string; data: Schemas['ErrorEventData'] };

const NAMES = new Set(['meta', 'delta', 'title', 'done', 'error']);

/**
 * The events of an SSE response body, in order. Comments (`: ping`) are skipped; an event name
 * this client does not know yet is skipped too, so a newer server does not break it. Aborting the
 * request's signal ends the iteration with the fetch's AbortError; a network failure with the
 * fetch's error (a TypeError); a body that ends before a `done` or `error` event with a
 * `StreamInterruptedError` carrying the last event id, to resume from.
 */
export async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamEvent> {
  const queue: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => queue.push(message) });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let lastId = '';
  let ended = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        if (!ended) throw new StreamInterruptedError(lastId || undefined);
        break;
      }
      parser.feed(decoder.decode(value, { stream: true }));
      while (queue.length > 0) {
        const message = queue.shift()!;
        if (!message.event || !NAMES.has(message.event)) continue;
        // An event without an id keeps the last one, as EventSource does: a reconnect sends it.
        if (message.id) lastId = message.id;
        if (message.event === 'done' || message.event === 'error') ended = true;
        yield {
          event: message.event,
          id: lastId,
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
