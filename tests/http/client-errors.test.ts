import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { listen } from '../helpers/sse.js';

const ctx = useTestApp();
let server: Awaited<ReturnType<typeof listen>>;
beforeAll(async () => {
  server = await listen(ctx.app);
});
afterAll(() => server.close());

/** Writes `request` on a connection of its own and reads the whole answer. */
function raw(request: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1', () => socket.end(request));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body });
    });
  });
}

describe('requests Node refuses before the app sees them', () => {
  it.each([
    [
      'headers over the limit',
      `GET /api/chats HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`,
      431,
      'HEADERS_TOO_LARGE',
    ],
    ['bytes that are not HTTP', 'NOT HTTP AT ALL\r\n\r\n', 400, 'BAD_REQUEST'],
    [
      'a body chunk with extensions over the limit',
      'POST /api/chats HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        `Transfer-Encoding: chunked\r\n\r\n2;${'e'.repeat(20_000)}\r\n{}\r\n0\r\n\r\n`,
      413,
      'PAYLOAD_TOO_LARGE',
    ],
  ])(
    'when the request has %s, then the JSON error body with a request id and the security headers',
    async (_label, request, status, code) => {
      const res = await raw(request);
      expect(res.status).toBe(status);
      expect(res.headers).toContain('content-type: application/json; charset=utf-8');
      expect(res.headers).toContain('x-content-type-options: nosniff');
      expect(res.headers).toContain('cache-control: no-store');
      expect(res.headers).not.toContain('x-powered-by');
      const body = JSON.parse(res.body) as { error: { code: string; requestId: string } };
      expect(body.error.code).toBe(code);
      expect(res.headers).toContain(`x-request-id: ${body.error.requestId}`);
    },
  );
});
