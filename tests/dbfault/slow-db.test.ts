import { describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { createUser } from '../helpers/users.js';
import { openStream } from '../helpers/sse.js';
import { PASSWORD, refreshCookieOf } from '../helpers/auth.js';
import { uniqueEmail } from '../helpers/app.js';
import { databaseBack, sleep, useProxiedApp } from '../helpers/proxied-app.js';

const ctx = useProxiedApp();

describe('a database that answers every reply 300 ms late', () => {
  it('then sign-up, refresh, a JSON send, a streamed send and a chat deletion all work', async () => {
    ctx.proxy.setDelay(300);
    try {
      const email = uniqueEmail('slow');
      const signup = await ctx
        .request()
        .post('/api/auth/signup')
        .send({ email, password: PASSWORD });
      expect(signup.status).toBe(201);
      const refresh = await ctx
        .request()
        .post('/api/auth/refresh')
        .set('Cookie', `refresh_token=${refreshCookieOf(signup)}`);
      expect(refresh.status).toBe(200);
      const auth = { Authorization: `Bearer ${refresh.body.accessToken}` };
      const chat = await ctx.request().post('/api/chats').set(auth).send({ title: 'slow' });
      expect(chat.status).toBe(201);
      const json = await ctx
        .request()
        .post(`/api/chats/${chat.body.id}/messages`)
        .set(auth)
        .send({ content: 'a', stream: false });
      expect(json.status, JSON.stringify(json.body)).toBe(201);
      const stream = openStream(
        ctx.server.port,
        `/api/chats/${chat.body.id}/messages`,
        refresh.body.accessToken,
        { content: 'b', stream: true },
      );
      await stream.ended;
      expect(stream.events.at(-1)?.event).toBe('done');
      const del = await ctx.request().delete(`/api/chats/${chat.body.id}`).set(auth);
      expect(del.status).toBe(204);
    } finally {
      ctx.proxy.setDelay(0);
    }
  }, 90_000);
});

describe('a database that answers every reply 2 s late while a reply streams', () => {
  it('then the stream still ends (done or error) in bounded time, with no duplicate answer', async () => {
    await databaseBack();
    const user = await createUser();
    const chat = await ctx.request().post('/api/chats').set(user.auth).send({ title: 'slow2' });
    ctx.upstream.script({ chunks: Array.from({ length: 10 }, (_, i) => `s${i} `), delayMs: 300 });
    const stream = openStream(
      ctx.server.port,
      `/api/chats/${chat.body.id}/messages`,
      user.accessToken,
      { content: 'slow 2s', stream: true },
    );
    await stream.waitFor(() => stream.deltas().length >= 1);
    ctx.proxy.setDelay(2000);
    const started = Date.now();
    const bound = setTimeout(() => stream.close(), 60_000);
    await stream.ended;
    clearTimeout(bound);
    const took = Date.now() - started;
    ctx.proxy.setDelay(0);
    await databaseBack();
    await sleep(3000);
    const messages = await ctx.db
      .collection('messages')
      .find({ chatId: new ObjectId(chat.body.id) })
      .toArray();
    console.log(
      'slow2',
      took,
      stream.events.at(-1)?.event,
      JSON.stringify(stream.events.at(-1)?.data.error ?? null),
      messages.map((m) => `${m.role}:${m.status}:${m.content}`).join(' | '),
    );
    expect(['done', 'error']).toContain(stream.events.at(-1)?.event);
    expect(took).toBeLessThan(45_000);
    // Left `streaming` here: the interrupted-reply sweep (server.ts) does not run in-process; it
    // finishes the reply as INTERRUPTED once its lease lapses (README "Database outages").
    expect(messages.filter((m) => m.role === 'assistant')).toHaveLength(1);
  }, 90_000);
});
