import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { afterAll, beforeAll } from 'vitest';
import { config } from '../../src/lib/config.js';
import { createHttpServer } from '../../src/lib/http/server-options.js';
import type { TestApp } from './app.js';

export interface SseEvent {
  event: string;
  /** The event's cursor, `<replyId>:<offset>` or `<replyId>:end`. */
  id: string;
  data: any;
}

/** Parses an SSE body into events; comment lines (`: ping`) are counted separately. */
export function parseSse(text: string): { events: SseEvent[]; comments: string[] } {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  for (const block of text.split('\n\n')) {
    if (!block.trim()) continue;
    let event = 'message';
    let id = '';
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) comments.push(line.slice(1).trim());
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('data: ')) data += line.slice(6);
    }
    if (data) events.push({ event, id, data: JSON.parse(data) });
  }
  return { events, comments };
}

/** supertest parser that keeps an event-stream body as text. */
export const textParser = (
  response: unknown,
  callback: (err: Error | null, body: string) => void,
) => {
  const res = response as http.IncomingMessage;
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => (body += chunk));
  res.on('end', () => callback(null, body));
};

/** A response as the server sees it, so a test can wait for server-side states such as backpressure. */
export interface ServedResponse {
  method: string;
  url: string;
  res: http.ServerResponse;
  /** When a poll first found the response waiting for 'drain' (0 while it is not). */
  blockedSince: number;
}

/**
 * Resolves once the server's response has been waiting for 'drain' for `forMs` without a break: its
 * last write found the socket full and the client has not read since. A transient full buffer that
 * the kernel empties at once resets the clock, so this is the reply blocked on the client.
 */
export function blockedOnClient(served: ServedResponse, forMs: number, timeoutMs = 10_000) {
  const { res } = served;
  const drained = () => (served.blockedSince = 0);
  served.blockedSince = 0;
  res.on('drain', drained);
  return new Promise<void>((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const poll = setInterval(() => {
      const now = Date.now();
      if (!res.writableNeedDrain) served.blockedSince = 0;
      else if (!served.blockedSince) served.blockedSince = now;
      const blocked = served.blockedSince > 0 && now - served.blockedSince >= forMs;
      if (!blocked && now <= deadline && !res.writableEnded) return;
      clearInterval(poll);
      res.off('drain', drained);
      if (blocked) resolve();
      else
        reject(
          new Error(
            res.writableEnded
              ? 'the reply ended without waiting for the client: the socket took all of it'
              : `the reply was not blocked on the client for ${forMs} ms within ${timeoutMs} ms`,
          ),
        );
    }, 10);
  });
}

/**
 * The app on a real port, for clients that must stay connected, disconnect, or run in parallel;
 * with the options the server runs with (its socket buffer, its timeouts).
 */
export async function listen(app: Express) {
  const server = createHttpServer(app, config());
  const served: ServedResponse[] = [];
  // Before the app: routing rewrites req.url while it runs.
  server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) =>
    served.push({ method: req.method ?? '', url: req.url ?? '', res, blockedSince: 0 }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    /** Where it answers: `http://127.0.0.1:<port>`, without a trailing slash. */
    url: `http://127.0.0.1:${port}`,
    /** The HTTP server itself (what graceful shutdown is given). */
    http: server,
    /** Server-side responses, in the order the requests arrived. */
    served,
    /** The latest response to `method path`, as the server sees it. */
    lastServed(method: string, path: string): ServedResponse {
      const found = served.findLast((s) => s.method === method && s.url === path);
      if (!found) throw new Error(`no ${method} ${path} reached the server`);
      return found;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type Listener = Awaited<ReturnType<typeof listen>>;

/**
 * The file's app on a port of its own for the file's run (`listen`: with the server's options),
 * listening from beforeAll on, closed in afterAll. Its `url`, `port`, `served` and `lastServed`
 * are there once the file's beforeAll hooks have run. Call at the top of a test file, after
 * useTestApp (its database and configuration come first, and the listener closes before them).
 */
export function useListeningApp(ctx: TestApp): Listener {
  const listener = {} as Listener;
  beforeAll(async () => {
    Object.assign(listener, await listen(ctx.app));
  });
  afterAll(() => listener.close?.());
  return listener;
}

/**
 * An SSE request held open, on a connection of its own: events arrive as they come; `close()`
 * drops the connection like a closed tab (or a phone switching networks, for resuming replies).
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
  const comments: string[] = [];
  let raw = '';
  let text = '';
  let status = 0;
  let headers: http.IncomingHttpHeaders = {};
  let response: http.IncomingMessage | undefined;
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
    // A connection of its own, like a browser tab's: a reused keep-alive socket would bring the
    // buffer sizes the kernel grew for an earlier response, and backpressure would set in later.
    agent: false,
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
      response = res;
      status = res.statusCode ?? 0;
      headers = res.headers;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        raw += chunk;
        // Only the new text (and one character before it) can complete an event: a scan of all of
        // `raw` per chunk would be quadratic for a multi-megabyte event.
        const cut = chunk.includes('\n') ? raw.lastIndexOf('\n\n') : -1;
        if (cut >= 0) {
          const parsed = parseSse(raw.slice(0, cut + 2));
          events.push(...parsed.events);
          comments.push(...parsed.comments);
          raw = raw.slice(cut + 2);
        }
        check();
      });
      res.on('end', () => {
        check();
        resolve();
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
          reject(
            new Error(
              `timed out; events so far: ${events.map((e) => e.event).join(',')} status ${status}`,
            ),
          ),
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
  const deltas = () => events.filter((e) => e.event === 'delta');
  return {
    events,
    /** Comment lines (`: ping`) received so far. */
    comments,
    get status() {
      return status;
    },
    get headers() {
      return headers;
    },
    /** The body as received (a JSON error body when the stream did not open). */
    get body() {
      return text;
    },
    /** Characters of the body received so far. */
    get bytes() {
      return text.length;
    },
    ended,
    waitFor,
    waitForEvent: (name: string, timeoutMs?: number) =>
      waitFor(() => events.some((e) => e.event === name), timeoutMs),
    deltas,
    /** The reply's text so far: the deltas' content joined. */
    text: () =>
      deltas()
        .map((e) => e.data.content as string)
        .join(''),
    lastId: () => events.at(-1)?.id ?? '',
    /** Stops reading (the connection stays open), as a client that has stopped consuming. */
    pause: () => response?.pause(),
    resume: () => response?.resume(),
    close: () => req.destroy(),
  };
}

export type SseClient = ReturnType<typeof openSse>;

/** A streaming POST held open (a send, as the tests of replies make it). */
export const openStream = (port: number, path: string, token: string, body: unknown) =>
  openSse(port, { path, token, method: 'POST', body });

/** The events that end a reply's stream. */
export const finalsOf = (client: SseClient) =>
  client.events.filter((e) => e.event === 'done' || e.event === 'error');
