import express from 'express';
import supertest from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../src/lib/logger.js';
import { serveEvents } from '../../src/lib/http/serve-events.js';
import { SseStream } from '../../src/lib/http/sse.js';
import { useTestApp } from '../helpers/app.js';
import { textParser } from '../helpers/sse.js';

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
