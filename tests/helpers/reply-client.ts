import http from 'node:http';
import { parseSse, type SseEvent } from './sse.js';

/**
 * An SSE request of any method and headers, held open: events arrive as they come, `close()`
 * drops the connection like a phone switching networks. For resuming replies (Last-Event-ID).
 */
export function openSse(
  port: number,
  options: {
    path: string;
    token: string;
    method?: 'GET' | 'POST';
    body?: unknown;
    headers?: Record<string, string>;
  },
) {
  const events: SseEvent[] = [];
  let raw = '';
  let status = 0;
  let text = '';
  const waiters: { test: () => boolean; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters])
      if (w.test()) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
  };
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const req = http.request({
    host: '127.0.0.1',
    port,
    path: options.path,
    method: options.method ?? 'GET',
    headers: {
      authorization: `Bearer ${options.token}`,
      accept: 'text/event-stream',
      ...(payload
        ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
        : {}),
      ...options.headers,
    },
  });
  const ended = new Promise<void>((resolve) => {
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        raw += chunk;
        const cut = raw.lastIndexOf('\n\n');
        if (cut >= 0) {
          events.push(...parseSse(raw.slice(0, cut + 2)).events);
          raw = raw.slice(cut + 2);
        }
        check();
      });
      res.on('close', () => {
        check();
        resolve();
      });
      check();
    });
    req.on('error', () => resolve());
  });
  req.end(payload);
  const waitFor = (test: () => boolean, timeoutMs = 10_000) =>
    new Promise<void>((resolve, reject) => {
      if (test()) return resolve();
      const timer = setTimeout(
        () =>
          reject(new Error(`timed out; events: ${events.map((e) => e.event).join(',')} ${status}`)),
        timeoutMs,
      );
      waiters.push({
        test,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  return {
    events,
    get status() {
      return status;
    },
    /** The body as received (a JSON error body when the stream did not open). */
    get body() {
      return text;
    },
    ended,
    waitFor,
    deltas: () => events.filter((e) => e.event === 'delta'),
    text: () =>
      events
        .filter((e) => e.event === 'delta')
        .map((e) => e.data.content as string)
        .join(''),
    lastId: () => events.at(-1)?.id ?? '',
    close: () => req.destroy(),
  };
}

export type SseClient = ReturnType<typeof openSse>;

export const finalsOf = (client: SseClient) =>
  client.events.filter((e) => e.event === 'done' || e.event === 'error');
