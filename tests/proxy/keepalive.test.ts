import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { useListeningApp } from '../helpers/sse.js';

// A load balancer keeps a pooled connection idle, then reuses it. The idle time is longer than
// HEADERS_TIMEOUT_MS but shorter than KEEP_ALIVE_TIMEOUT_MS (the defaults: 10 s and 65 s).
const ctx = useTestApp({
  HEADERS_TIMEOUT_MS: '1000',
  KEEP_ALIVE_TIMEOUT_MS: '6000',
  REQUEST_TIMEOUT_MS: '2000',
});
const server = useListeningApp(ctx);

function rawConnection(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  let buffer = '';
  let closed = false;
  socket.on('data', (d) => (buffer += d.toString('latin1')));
  socket.on('close', () => (closed = true));
  const answers = () =>
    buffer
      .split('HTTP/1.1 ')
      .slice(1)
      .map((a) => Number(a.slice(0, 3)));
  return {
    socket,
    answers,
    get closed() {
      return closed;
    },
    get text() {
      return buffer;
    },
  };
}

describe('keep-alive reuse by a load balancer', () => {
  it('when a pooled connection is reused after idling past HEADERS_TIMEOUT_MS (within KEEP_ALIVE), then the request is served', async () => {
    const conn = rawConnection(server.port);
    await new Promise((r) => conn.socket.once('connect', r));
    conn.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((r) => setTimeout(r, 300));
    expect(conn.answers()).toEqual([200]);
    await new Promise((r) => setTimeout(r, 3500));
    expect(conn.closed).toBe(false);
    conn.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((r) => setTimeout(r, 300));
    expect(conn.answers()).toEqual([200, 200]);
    expect(/keep-alive: timeout=6/i.test(conn.text)).toBe(true);
    conn.socket.destroy();
  }, 15_000);
});

// Google Cloud's Application Load Balancers keep backend connections for a fixed 600 s and ask the
// backend's keep-alive timeout to be greater (their guide: 620 s); OCI's keeps them 300 s.
describe('KEEP_ALIVE_TIMEOUT_MS for balancers that keep connections longer than 60 s', () => {
  it('when the operator sets it above 600 s (Google Cloud: greater than 600 s), then the start accepts it', async () => {
    const { reloadConfig } = await import('../../src/lib/config.js');
    try {
      expect(() => reloadConfig({ ...process.env, KEEP_ALIVE_TIMEOUT_MS: '620000' })).not.toThrow();
    } finally {
      reloadConfig({
        ...process.env,
        HEADERS_TIMEOUT_MS: '1000',
        KEEP_ALIVE_TIMEOUT_MS: '6000',
        REQUEST_TIMEOUT_MS: '2000',
      });
    }
  });
});
