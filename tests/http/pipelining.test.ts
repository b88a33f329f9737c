import net from 'node:net';
import { describe, expect, it } from 'vitest';
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
