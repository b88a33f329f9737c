import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { createUser } from '../helpers/users.js';
import { useListeningApp } from '../helpers/sse.js';
import { useWholeAuthWindows } from '../helpers/rate-windows.js';

// Default limits; TRUST_PROXY so the stranger and the owner are on different networks.
// The server's timeouts short, to show none of them ends the held connection.
const ctx = useTestApp({
  TRUST_PROXY: '1',
  REQUEST_TIMEOUT_MS: '1000',
  HEADERS_TIMEOUT_MS: '500',
  KEEP_ALIVE_TIMEOUT_MS: '1000',
});
const server = useListeningApp(ctx);
useWholeAuthWindows();

describe('the password gate and a client that never reads', () => {
  it("when a stranger pipelines a login for the owner's email behind answers it never reads, then the owner still logs in while that connection stays open (the queued login holds no place)", async () => {
    const owner = await createUser({ label: 'owner' });
    const ownerLogin = () =>
      ctx
        .request()
        .post('/api/auth/login')
        .set('X-Forwarded-For', '192.0.2.10')
        .send({ email: owner.email, password: owner.password });
    expect((await ownerLogin()).status).toBe(200);

    // No account needed: public answers (the OpenAPI description) to fill the socket, then a login
    // for the owner's email whose body the route will refuse (400) after the gate took its place.
    const spec = await ctx.request().get('/api/openapi.json');
    const specBytes = Buffer.byteLength(JSON.stringify(spec.body));
    const fillers = Math.ceil(12_000_000 / specBytes); // more than the kernel buffers take
    const body = JSON.stringify({ email: owner.email, password: 'x', extra: 1 });
    const head =
      'GET /api/openapi.json HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.5\r\n\r\n'.repeat(
        fillers,
      ) +
      `POST /api/auth/login HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.5\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const socket = net.connect(server.port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.pause(); // never reads
    await new Promise<void>((resolve) => socket.write(head, () => resolve()));
    // The server has received the login (it is waiting behind the unread answers).
    const deadline = Date.now() + 20_000;
    while (!server.served.some((s) => s.method === 'POST') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(server.served.some((s) => s.method === 'POST')).toBe(true);

    try {
      for (let i = 0; i < 3; i += 1) expect((await ownerLogin()).status).toBe(200);
    } finally {
      socket.destroy();
    }
  }, 60_000);
});
