import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Message } from '../../src/modules/chats/message.model.js';
import { useTestApp } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { listen, parseSse } from '../helpers/sse.js';
import { startUpstream } from '../helpers/upstream.js';
import { signUp, type TestUser } from '../helpers/users.js';

const IDLE_TIMEOUT_MS = 300;
const upstream = await startUpstream();
const ctx = useTestApp({
  OPENAI_BASE_URL: upstream.url,
  MODELS: 'test-model',
  UPSTREAM_MAX_RETRIES: '0',
  MESSAGES_PER_MINUTE: '1000',
  UPSTREAM_IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS),
});
let user: TestUser;
let server: Awaited<ReturnType<typeof listen>>;

beforeAll(async () => {
  user = await signUp(ctx.request);
  server = await listen(ctx.app);
});
afterAll(async () => {
  await server.close();
  await upstream.close();
});

describe('a slow reader', () => {
  it('when the client stops reading for longer than the upstream idle timeout, then the server stops pulling from the model and the reply still completes', async () => {
    // ~16 MB of reply: more than the loopback socket buffers hold, so the server must wait for 'drain'.
    const chunk = 'x'.repeat(4096);
    const chunks = Array.from({ length: 4000 }, () => chunk);
    upstream.script({ chunks });
    const payload = JSON.stringify({ message: 'a long answer please', stream: true });
    let resumedAt = 0;
    const body = await new Promise<string>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: '/api/chats',
          method: 'POST',
          headers: {
            authorization: `Bearer ${user.token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (part: string) => (text += part));
          res.on('end', () => resolve(text));
          // Read the first bytes, then stop reading for several idle timeouts.
          res.once('data', () => {
            res.pause();
            setTimeout(() => {
              resumedAt = Date.now();
              res.resume();
            }, IDLE_TIMEOUT_MS * 5);
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });

    const [request] = upstream.requests;
    await request!.finished;
    const { events } = parseSse(body);
    const done = events.at(-1)!;
    expect(done.event).toBe('done');
    expect(done.data.message.status).toBe('complete');
    expect(events.filter((e) => e.event === 'delta')).toHaveLength(chunks.length);
    // Backpressure reached the model: it could not finish sending until the client read again.
    expect(request!.aborted).toBe(false);
    expect(request!.endedAt).toBeGreaterThan(resumedAt);
    const stored = await Message.findOne({ _id: done.data.message.id }).lean();
    expect(stored?.content.length).toBe(chunk.length * chunks.length);
  }, 30_000);

  it('when the client keeps the connection open but never reads again, then a stop still ends the reply at once and frees its slot', async () => {
    const chunk = 'y'.repeat(4096);
    upstream.script({ chunks: Array.from({ length: 4000 }, () => chunk), delayMs: 0 });
    const payload = JSON.stringify({ message: 'a long answer please', stream: true });
    let req!: http.ClientRequest;
    const chatId = await new Promise<string>((resolve, reject) => {
      req = http.request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: '/api/chats',
          method: 'POST',
          headers: {
            authorization: `Bearer ${user.token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          const onData = (part: string) => {
            text += part;
            const meta = parseSse(text.slice(0, text.indexOf('\n\n') + 2)).events[0];
            if (!meta) return;
            res.off('data', onData);
            res.pause(); // and never read again
            resolve(meta.data.chat.id as string);
          };
          res.on('data', onData);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
    // Let the socket fill up and the server block on it.
    await new Promise((r) => setTimeout(r, IDLE_TIMEOUT_MS * 3));
    const stopped = await ctx.request().post(`/api/chats/${chatId}/stop`).set(user.auth);
    expect(stopped.status).toBe(202);
    const reply = await eventually(
      () => Message.findOne({ chatId, role: 'assistant' }).lean(),
      (m) => m !== null && m.status !== 'streaming',
      // Storing several MB (the final write, after a checkpoint that may be in flight) takes
      // seconds on FerretDB under load.
      10_000,
    );
    expect(reply?.status).toBe('incomplete');
    expect(reply!.content.length).toBeGreaterThan(0);
    expect(reply!.content.length).toBeLessThan(chunk.length * 4000);
    req.destroy();
  }, 30_000);
});
