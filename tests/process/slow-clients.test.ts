import net from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { databaseUri, startInstance, type Instance } from '../helpers/instances.js';

/** A real server process, so the Node HTTP server's own timeouts are the ones under test. */
let server: Instance;

beforeAll(async () => {
  server = await startInstance({
    MONGODB_URI: databaseUri(inject('mongoUri')),
    REQUEST_TIMEOUT_MS: '1500',
    HEADERS_TIMEOUT_MS: '1000',
  });
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

/**
 * Writes `head` on a raw connection and collects what the server sends until it closes the
 * connection; gives up (closed: false) after `waitMs`.
 */
function rawExchange(head: string, waitMs: number) {
  const { port } = new URL(server.url);
  return new Promise<{ closed: boolean; data: string; ms: number }>((resolve) => {
    const started = Date.now();
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(head));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    const done = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ closed, data, ms: Date.now() - started });
    };
    const timer = setTimeout(() => done(false), waitMs);
    socket.on('close', () => done(true));
    socket.on('error', () => undefined);
  });
}

describe('slow or silent clients cannot hold connections', () => {
  it('when a body of 99 MB is declared and never sent, then 413 JSON at once and the connection is closed', async () => {
    const result = await rawExchange(
      'POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
        'Content-Length: 99000000\r\n\r\n',
      8000,
    );
    expect(result.data).toMatch(/^HTTP\/1\.1 413 /);
    expect(result.data).toContain('"PAYLOAD_TOO_LARGE"');
    expect(result.closed).toBe(true);
    expect(result.ms).toBeLessThan(5000);
  });

  it('when a small body trickles in and stops, then the connection is closed after REQUEST_TIMEOUT_MS', async () => {
    const result = await rawExchange(
      'POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
        'Content-Length: 60\r\n\r\n{"email":',
      8000,
    );
    expect(result.closed).toBe(true);
    expect(result.ms).toBeLessThan(6000);
  });

  it('when the headers never end, then the connection is closed after HEADERS_TIMEOUT_MS', async () => {
    const result = await rawExchange('GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ', 8000);
    expect(result.closed).toBe(true);
    expect(result.ms).toBeLessThan(6000);
  });
});
