import type { ServerResponse } from 'node:http';
import net from 'node:net';
import express from 'express';
import supertest from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../src/lib/logger.js';
import { whenClosed } from '../../src/lib/http/response-closed.js';
import { serveEvents } from '../../src/lib/http/serve-events.js';
import { SseStream } from '../../src/lib/http/sse.js';
import { useTestApp } from '../helpers/app.js';
import { listen, textParser } from '../helpers/sse.js';

useTestApp();

afterEach(() => vi.restoreAllMocks());

/**
 * A route that streams through serveEvents: one `meta` event, then whatever `after` does once the
 * route has settled. Records what the route and the writer saw.
 */
function streamingApp(after: () => Promise<void>) {
  const seen = { routeSettledFirst: false, nextReleased: false };
  let routeSettled = false;
  const app = express().get('/stream', (req, res) => {
    const sse = new SseStream(res);
    sse.open(15);
    serveEvents(res, sse, async (stream) => {
      await stream.send('meta', { ok: true }, 'r:0');
      // The route has returned (its promise settled) before the stream's events are all written.
      await new Promise((resolve) => setTimeout(resolve, 20));
      seen.routeSettledFirst = routeSettled;
      seen.nextReleased = req.next === undefined;
      await after();
    });
    routeSettled = true;
  });
  return { request: supertest(app), seen };
}

describe('a stream is served apart from its route', () => {
  it('when the route has opened the stream, then the route settles and lets go of the router before the stream ends', async () => {
    const { request, seen } = streamingApp(() => Promise.resolve());
    const res = await request.get('/stream').buffer(true).parse(textParser);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(res.body).toContain('event: meta\nid: r:0\ndata: {"ok":true}\n\n');
    expect(seen).toEqual({ routeSettledFirst: true, nextReleased: true });
  });

  it('when writing the stream fails, then the response ends and the failure is logged as a request failure', async () => {
    const failed = vi.spyOn(logger, 'error');
    const { request } = streamingApp(() => Promise.reject(new Error('the reader broke')));
    const res = await request.get('/stream').buffer(true).parse(textParser);
    expect(res.status).toBe(200);
    expect(res.body).toContain('event: meta');
    const logged = failed.mock.calls.find(([, message]) => message === 'request failed');
    expect(logged?.[0]).toMatchObject({ code: 'INTERNAL' });
    expect((logged?.[0] as { err: Error }).err.message).toBe('the reader broke');
  });
});

describe('a writer that throws before it returns a promise', () => {
  it('when the writer throws at once, then the response ends and the failure is logged as a request failure', async () => {
    const failed = vi.spyOn(logger, 'error');
    const app = express().get('/stream', (_req, res) => {
      const sse = new SseStream(res);
      sse.open(15);
      serveEvents(res, sse, () => {
        throw new Error('the writer broke at once');
      });
    });
    const res = await supertest(app).get('/stream');
    // Its head had not gone out yet: the error handler answers in JSON, as for a failed route.
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({ error: { code: 'INTERNAL' } });
    const logged = failed.mock.calls.find(([, message]) => message === 'request failed');
    expect((logged?.[0] as { err: Error }).err.message).toBe('the writer broke at once');
  });
});

describe('a stream lets go of its header map once the head is sent', () => {
  it('when the head has gone out, then the client has every header and the response keeps no header map', async () => {
    const seen: { before?: unknown; after?: unknown; names?: string[] } = {};
    const app = express().get('/stream', (_req, res) => {
      res.setHeader('X-Frame-Options', 'DENY');
      const sse = new SseStream(res);
      sse.open(15);
      seen.before = res.getHeader('x-frame-options');
      void sse.send('meta', { ok: true }, 'r:0');
      setTimeout(() => {
        seen.after = res.getHeader('x-frame-options');
        seen.names = res.getHeaderNames();
        void sse.send('done', {}, 'r:end');
        sse.end();
      }, 20);
    });
    const res = await supertest(app).get('/stream').buffer(true).parse(textParser);
    expect(res.status).toBe(200);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(res.body).toContain('event: done\nid: r:end');
    expect(seen).toEqual({ before: 'DENY', after: undefined, names: [] });
  });
});

describe("a stream's client that never reads", () => {
  const STALL_MS = 300;

  /**
   * Writes comments until the socket stays full: the kernel's buffers on loopback grow for a while
   * after a first full socket, so full means no 'drain' for a while.
   */
  async function fill(res: ServerResponse) {
    const comment = `: ${'x'.repeat(64 * 1024)}\n\n`;
    for (;;) {
      while (res.write(comment));
      const drained = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 200);
        res.once('drain', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      if (!drained) return;
    }
  }

  /**
   * A stream on a real port whose client keeps the connection open and never reads: `write` is
   * given the stream once its socket is full. Resolves with the server's response once `write` is
   * over and the response has closed.
   */
  async function unreadStream(write: (sse: SseStream) => Promise<void> | void) {
    let over: Promise<ServerResponse> | undefined;
    const app = express().get('/stream', (_req, res) => {
      const sse = new SseStream(res, STALL_MS);
      sse.open(15);
      over = (async () => {
        await fill(res);
        await write(sse);
        await new Promise<void>((resolve) => whenClosed(res, resolve));
        return res;
      })();
    });
    const server = await listen(app);
    const socket = net.connect(server.port, '127.0.0.1', () =>
      socket.write('GET /stream HTTP/1.1\r\nHost: localhost\r\n\r\n'),
    );
    socket.pause();
    socket.on('error', () => undefined);
    try {
      await vi.waitFor(() => expect(over).toBeDefined());
      return await over!;
    } finally {
      socket.destroy();
      await server.close();
    }
  }

  it('when the client stops reading mid-stream, then the writer waits for it for the stall timeout, and then the connection is destroyed and the wait ends', async () => {
    let waited = 0;
    const res = await unreadStream(async (sse) => {
      const wait = sse.send('delta', { text: 'more' }, 'r:1');
      expect(wait).toBeDefined();
      const started = performance.now();
      await wait;
      waited = performance.now() - started;
    });
    // Timers may fire up to a millisecond early against performance.now().
    expect(waited).toBeGreaterThanOrEqual(STALL_MS - 1);
    expect(res.destroyed).toBe(true);
    expect(res.writableFinished).toBe(false);
  });

  it('when the client has not read the last event when the stream ends, then the connection is destroyed after the stall timeout', async () => {
    let endedAt = 0;
    const res = await unreadStream((sse) => {
      sse.finish('done', {}, 'r:end');
      endedAt = performance.now();
    });
    expect(performance.now() - endedAt).toBeGreaterThanOrEqual(STALL_MS - 1);
    expect(res.writableEnded).toBe(true);
    expect(res.destroyed).toBe(true);
    expect(res.writableFinished).toBe(false);
  });
});
