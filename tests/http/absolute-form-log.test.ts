import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { captureLogs } from '../helpers/log-capture.js';
import { useListeningApp } from '../helpers/sse.js';

const ctx = useTestApp();
const server = useListeningApp(ctx);
const lines = captureLogs();

/** One raw request on a connection of its own; resolves with the whole answer once the server closes. */
function raw(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1', () => socket.write(request));
    let text = '';
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

describe('the request line of an absolute-form request in the log', () => {
  it('when a request names its target in absolute form with credentials in it, then the logged url keeps neither the credentials nor the host', async () => {
    lines.length = 0;
    const answer = await raw(
      'GET http://ada:SECRET-CANARY-USERINFO@api.example.test/api/chats HTTP/1.1\r\nHost: api.example.test\r\nConnection: close\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 401/);
    const logged = lines.map((l) => JSON.parse(l) as { req?: { url?: string } });
    const urls = logged.map((l) => l.req?.url).filter(Boolean);
    expect(urls.length).toBeGreaterThan(0);
    expect(lines.join('')).not.toContain('SECRET-CANARY-USERINFO');
    expect(urls).toContain('/api/chats');
  });

  it('when an unknown /v1 URL is asked in absolute form with credentials in it, then neither the answer nor the log holds them', async () => {
    lines.length = 0;
    const answer = await raw(
      'GET http://ada:SECRET-CANARY-V1@api.example.test/v1/nothing-here HTTP/1.1\r\nHost: api.example.test\r\nConnection: close\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 404/);
    expect(answer).toContain('Unknown request URL: GET /v1/nothing-here');
    expect(answer).not.toContain('SECRET-CANARY-V1');
    expect(lines.join('')).not.toContain('SECRET-CANARY-V1');
  });
});
