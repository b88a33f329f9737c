import { describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { createUser } from '../helpers/users.js';
import { openStream } from '../helpers/sse.js';
import { databaseBack, sleep, useProxiedApp } from '../helpers/proxied-app.js';

const ctx = useProxiedApp({ STREAM_CHECKPOINT_MS: '200' });
const CHUNKS = Array.from({ length: 12 }, (_, i) => `c${i} `);

async function streamThrough(fault: 'down' | 'silent', outageMs: number) {
  await databaseBack();
  const user = await createUser();
  const chat = await ctx.request().post('/api/chats').set(user.auth).send({ title: 't' });
  ctx.upstream.script({ chunks: CHUNKS, delayMs: 250 });
  const started = Date.now();
  const stream = openStream(
    ctx.server.port,
    `/api/chats/${chat.body.id}/messages`,
    user.accessToken,
    {
      content: `outage ${fault} ${outageMs}`,
      stream: true,
    },
  );
  await stream.waitFor(() => stream.deltas().length >= 2);
  if (fault === 'down') await ctx.proxy.down();
  else ctx.proxy.silent(true);
  await sleep(outageMs);
  if (fault === 'down') await ctx.proxy.up();
  else ctx.proxy.silent(false);
  const bound = setTimeout(() => stream.close(), 60_000);
  await stream.ended;
  clearTimeout(bound);
  const ms = Date.now() - started;
  const final = stream.events.at(-1);
  await databaseBack();
  await sleep(500);
  const messages = await ctx.db
    .collection('messages')
    .find({ chatId: new ObjectId(chat.body.id) })
    .toArray();
  return { ms, final, stream, messages, chatId: chat.body.id, user };
}

describe.each(['down', 'silent'] as const)('a streamed reply while the database is %s', (fault) => {
  it.each([2_000, 10_000])(
    'for %i ms: the stream ends with done, whole, stored complete',
    async (outageMs) => {
      const r = await streamThrough(fault, outageMs);
      console.log(
        fault,
        outageMs,
        r.ms,
        r.final?.event,
        JSON.stringify(r.final?.data.error ?? null),
        r.messages.map((m) => `${m.role}:${m.status}:${m.content.length}`).join(','),
      );
      expect(r.final?.event).toBe('done');
      expect(r.stream.text()).toBe(CHUNKS.join(''));
      expect(r.messages.map((m) => `${m.role}:${m.status}`)).toEqual([
        'user:complete',
        'assistant:complete',
      ]);
      expect(r.messages[1]!.content).toBe(CHUNKS.join(''));
    },
    90_000,
  );
});

describe('a streamed reply while the database is down for 40 s', () => {
  it('then the stream ends in bounded time with an error SERVICE_UNAVAILABLE carrying the text, and the instance serves again', async () => {
    const r = await streamThrough('down', 40_000);
    console.log(
      'down 40s',
      r.ms,
      r.final?.event,
      JSON.stringify(r.final?.data.error ?? null),
      r.messages.map((m) => `${m.role}:${m.status}:${m.content.length}`).join(','),
    );
    expect(['done', 'error']).toContain(r.final?.event);
    const list = await ctx.request().get('/api/chats').set(r.user.auth);
    expect(list.status).toBe(200);
  }, 120_000);
});
