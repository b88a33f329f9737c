import net from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { useListeningApp } from '../helpers/sse.js';
import { createUser, type TestUser } from '../helpers/users.js';

const ctx = useTestApp({ MODELS: 'demo', DEMO_CHUNK_DELAY_MS: '0', MESSAGES_PER_MINUTE: '1000' });
const server = useListeningApp(ctx);
let user: TestUser;
let apiKey: string;
beforeAll(async () => {
  user = await createUser();
  apiKey = (await ctx.request().post('/api/keys').set(user.auth).send({ name: 'k' })).body
    .key as string;
});

interface Exchange {
  text: string;
  /** ms from the first byte of the answer's end (the body complete) to the server's FIN, or -1. */
  serverClosedAfterMs: number;
}

/**
 * Writes `request` on a connection of its own (half-closing it afterwards when `halfClose`) and
 * reads until the server closes, or `waitMs`.
 */
function raw(request: string, { halfClose = false, waitMs = 3000 } = {}): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1', () => {
      if (halfClose) socket.end(request);
      else socket.write(request);
    });
    let text = '';
    let completeAt = 0;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (!completeAt && (text.endsWith('\r\n0\r\n\r\n') || /"status":"ok"|\}$/.test(text)))
        completeAt = Date.now();
    });
    socket.on('error', reject);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, serverClosedAfterMs: -1 });
    }, waitMs);
    socket.on('end', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, serverClosedAfterMs: completeAt ? Date.now() - completeAt : 0 });
    });
  });
}

const post = (path: string, auth: string, body: unknown, extra = '') => {
  const json = JSON.stringify(body);
  return (
    `POST ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${auth}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\n${extra}\r\n${json}`
  );
};

describe('Connection: close on a streamed reply', () => {
  it.each([
    ['/api/chats', () => user.accessToken, { message: 'hi', stream: true }],
    [
      '/v1/chat/completions',
      () => apiKey,
      { model: 'demo', messages: [{ role: 'user', content: 'hi' }], stream: true },
    ],
  ])(
    'when a client asks %s to stream with `Connection: close`, then the answer says close and the server closes the connection once the stream ends',
    async (path, auth, body) => {
      const res = await raw(post(path, auth(), body, 'Connection: close\r\n'));
      const head = res.text.split('\r\n\r\n')[0]!.toLowerCase();
      expect(head).toMatch(/^http\/1\.1 200/);
      expect(res.text).toContain('\r\n0\r\n\r\n'); // the stream ended
      expect(head).not.toContain('connection: keep-alive');
      // RFC 9112 9.6: the server initiates the close after the final response.
      expect(res.serverClosedAfterMs).toBeGreaterThanOrEqual(0);
    },
  );
});
