import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

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

/** The app on a real port, for clients that must stay connected, disconnect, or run in parallel. */
export async function listen(app: Express) {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A streaming request held open: events arrive as they come; `close()` disconnects like a closed tab. */
export function openStream(port: number, path: string, token: string, body: unknown) {
  const events: SseEvent[] = [];
  let raw = '';
  let status = 0;
  let headers: http.IncomingHttpHeaders = {};
  const waiters: { test: () => boolean; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters])
      if (w.test()) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
  };
  const payload = JSON.stringify(body);
  const req = http.request({
    host: '127.0.0.1',
    port,
    path,
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'text/event-stream',
      'content-length': Buffer.byteLength(payload),
    },
  });
  const ended = new Promise<void>((resolve) => {
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      headers = res.headers;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        raw += chunk;
        const cut = raw.lastIndexOf('\n\n');
        if (cut >= 0) {
          events.push(...parseSse(raw.slice(0, cut + 2)).events);
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
  const waitFor = (test: () => boolean, timeoutMs = 5000) =>
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
  return {
    events,
    get status() {
      return status;
    },
    get headers() {
      return headers;
    },
    ended,
    waitFor,
    waitForEvent: (name: string, timeoutMs?: number) =>
      waitFor(() => events.some((e) => e.event === name), timeoutMs),
    close: () => req.destroy(),
  };
}
