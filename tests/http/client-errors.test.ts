import net from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { useListeningApp } from '../helpers/sse.js';
import { createUser, type TestUser } from '../helpers/users.js';

const ctx = useTestApp();
const server = useListeningApp(ctx);
let user: TestUser;
beforeAll(async () => {
  user = await createUser();
});

/**
 * Writes `request` on a connection of its own and reads until the server closes (or 3 s). The
 * client keeps its side open, as clients do while they wait for an answer.
 */
function raw(request: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1', () => socket.write(request));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    const timer = setTimeout(() => socket.destroy(), 3000);
    socket.on('close', () => {
      clearTimeout(timer);
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body });
    });
  });
}

/** Checks the JSON error answer every refusal gets; gives its code. */
function expectJsonError(res: { status: number; headers: string; body: string }, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers).toContain('content-type: application/json; charset=utf-8');
  expect(res.headers).toContain('x-content-type-options: nosniff');
  expect(res.headers).not.toContain('x-powered-by');
  const body = JSON.parse(res.body) as { error: { code: string; requestId: string } };
  expect(res.headers).toContain(`x-request-id: ${body.error.requestId}`);
  return body.error.code;
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
      expect(expectJsonError(res, status)).toBe(code);
      expect(res.headers).toContain('cache-control: no-store');
    },
  );
});

describe('requests Node would answer (or drop) on its own', () => {
  it('when an HTTP/1.1 request has no Host header, then 400 with the JSON error body, a request id and the security headers', async () => {
    const res = await raw(`GET /api/models HTTP/1.1\r\nConnection: close\r\n\r\n`);
    expect(expectJsonError(res, 400)).toBe('BAD_REQUEST');
  });

  it('when a request carries an Expect the server does not know, then it is answered as the app answers it (JSON), not with a bare 417', async () => {
    const body = JSON.stringify({ title: 'expect' });
    const res = await raw(
      `POST /api/chats HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${user.accessToken}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: foo\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
    expect(res.status, res.headers).not.toBe(417);
    expect(res.headers).toContain('content-type: application/json; charset=utf-8');
    expect(res.headers).toMatch(/x-request-id: /);
  });

  it('when a client sends CONNECT (this server is no proxy), then 400 with the JSON error body rather than a dropped connection', async () => {
    const res = await raw(`CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n`);
    expect(expectJsonError(res, 400)).toBe('BAD_REQUEST');
  });

  it('when OPTIONS asks for /metrics on the API port where it is not served, then 404 JSON like GET, not a text/plain 200 that names its methods', async () => {
    const res = await raw(`OPTIONS /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(expectJsonError(res, 404)).toBe('NOT_FOUND');
  });
});
