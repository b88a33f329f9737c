import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { oneRequestAtATime } from '../../src/lib/http/one-at-a-time.js';
import { whenClosed } from '../../src/lib/http/response-closed.js';
import { useTestApp } from '../helpers/app.js';
import { useListeningApp } from '../helpers/sse.js';

const ctx = useTestApp();
const server = useListeningApp(ctx);

describe('pipelined requests on a connection that never reads', () => {
  it('when a client pipelines many GETs of a public answer in one write and never reads, then the process holds one answer at a time, not every answer', async () => {
    const REQUESTS = 300;
    const head = 'GET /api/openapi.json HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(REQUESTS);
    const socket = net.connect(server.port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.pause();
    await new Promise<void>((resolve) => socket.write(head, () => resolve()));
    const deadline = Date.now() + 30_000;
    while (server.served.length < REQUESTS && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500));
    const held = server.served.reduce((sum, s) => sum + s.res.writableLength, 0);
    socket.destroy();
    // What one unauthenticated connection may make the process hold should be bounded (a socket
    // buffer or two), not grow with the number of requests pipelined in one write.
    expect(held).toBeLessThan(5_000_000);
  }, 60_000);
});

// A pipelined request waiting behind a slow one, whose client hangs up meanwhile.
describe('one request at a time, a client that leaves mid-request', () => {
  let finishSlow!: () => void;
  const slowStarted = new Promise<void>((resolve) => (finishSlow = resolve));
  let secondRan = false;
  let secondClosed = false;
  const app = express();
  app.use(oneRequestAtATime);
  app.get('/slow', (_req, res) => {
    finishSlow();
    setTimeout(() => res.end('slow'), 500);
  });
  app.get('/second', (_req, res) => {
    secondRan = true;
    // What every place holder does (the password gate, the reader cap, SSE, metrics).
    whenClosed(res, () => (secondClosed = true));
    setTimeout(() => res.end('second'), 300);
  });
  const server = http.createServer(app);
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('when the client leaves while its pipelined request waits, then that request is not run (a response queued so never closes on Node 20)', async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\n\r\n');
    await slowStarted;
    await new Promise((r) => setTimeout(r, 50));
    socket.destroy();
    await new Promise((r) => setTimeout(r, 1000));
    // A request run for a gone client whose response never closes holds whatever it took for good.
    expect(secondRan).toBe(false);
    expect(secondClosed).toBe(false);
  });
});
