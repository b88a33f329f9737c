import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import {
  abortAllGenerations,
  runningGenerations,
} from '../../src/modules/chats/generation/registry.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useTestApp } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { listen, openStream } from '../helpers/sse.js';
import { startUpstream } from '../helpers/upstream.js';
import { signUp, type TestUser } from '../helpers/users.js';

const upstream = await startUpstream();
const ctx = useTestApp({
  OPENAI_BASE_URL: upstream.url,
  MODELS: 'test-model',
  UPSTREAM_MAX_RETRIES: '0',
  MESSAGES_PER_MINUTE: '1000',
  MAX_CONCURRENT_STREAMS: '2',
  STOP_POLL_MS: '50',
  // A disconnect cuts the reply at once, as before replies outlived their connection
  // (tests/chats/resume.test.ts covers the grace period).
  DETACH_GRACE_SECONDS: '0',
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
beforeEach(() => upstream.reset());

const slow = { chunks: Array.from({ length: 40 }, (_, i) => `w${i} `), delayMs: 50 };
const newChat = async () =>
  (await ctx.request().post('/api/chats').set(user.auth).send({})).body.id as string;
const stream = (chatId: string, content = 'hello') =>
  openStream(server.port, `/api/chats/${chatId}/messages`, user.token, { content, stream: true });

const assistantOf = (chatId: string) =>
  eventually(
    () => Message.findOne({ chatId, role: 'assistant' }).lean(),
    (m) => m !== null && m.status !== 'streaming',
    2000,
  );
const leases = () => Generation.countDocuments({ userId: user.id });

describe('client disconnect', () => {
  it('when the client disconnects mid-reply, then the upstream request is aborted within a second and the partial answer is stored as incomplete', async () => {
    upstream.setDefault(slow);
    const chatId = await newChat();
    const s = stream(chatId);
    await s.waitFor(() => s.events.filter((e) => e.event === 'delta').length >= 2);
    const closedAt = Date.now();
    s.close();
    await upstream.requests[0]!.finished;
    expect(Date.now() - closedAt).toBeLessThan(1000);
    expect(upstream.requests[0]!.aborted).toBe(true);
    const reply = await assistantOf(chatId);
    expect(reply).toMatchObject({ status: 'incomplete', error: null });
    expect(reply!.content.startsWith('w0 w1 ')).toBe(true);
    expect(reply!.content.length).toBeLessThan(slow.chunks.join('').length);
    expect(await eventually(leases, (n) => n === 0, 2000)).toBe(0);
  });

  it('when 100 streams in a row are aborted by their clients, then a new one still starts and completes', async () => {
    upstream.setDefault(slow);
    const chatId = await newChat();
    for (let i = 0; i < 100; i += 1) {
      const s = stream(chatId, `try ${i}`);
      await s.waitForEvent('delta');
      expect(s.status).toBe(200);
      s.close();
      await upstream.requests[i]!.finished;
    }
    expect(upstream.requests.every((r) => r.aborted)).toBe(true);
    upstream.setDefault({ chunks: ['fine'] });
    const last = stream(chatId, 'finally');
    await last.ended;
    expect(last.status).toBe(200);
    expect(last.events.at(-1)).toMatchObject({
      event: 'done',
      data: { message: { status: 'complete', content: 'fine' } },
    });
    expect(await eventually(leases, (n) => n === 0, 2000)).toBe(0);
    expect(runningGenerations()).toBe(0);
    const incomplete = await Message.countDocuments({
      chatId,
      role: 'assistant',
      status: 'incomplete',
    });
    expect(incomplete).toBe(100);
  }, 60_000);
});

describe('concurrent generations', () => {
  it('when a third reply is asked while two stream, then 429 TOO_MANY_STREAMS before anything is stored, and the two complete', async () => {
    // About 2 s per reply: both still stream while the refused requests run, even on a loaded machine.
    const letters = 'abcdefghijklmnopqrst'.split('');
    upstream.setDefault({ chunks: letters, delayMs: 100 });
    const [c1, c2, c3] = [await newChat(), await newChat(), await newChat()];
    const s1 = stream(c1);
    const s2 = stream(c2);
    await Promise.all([s1.waitForEvent('meta'), s2.waitForEvent('meta')]);
    const third = await ctx
      .request()
      .post(`/api/chats/${c3}/messages`)
      .set(user.auth)
      .send({ content: 'third', stream: true });
    expect(third.status).toBe(429);
    expect(third.body.error.code).toBe('TOO_MANY_STREAMS');
    expect(await Message.countDocuments({ chatId: c3 })).toBe(0);
    const viaCreate = await ctx
      .request()
      .post('/api/chats')
      .set(user.auth)
      .send({ message: 'new chat', stream: false });
    expect(viaCreate.status).toBe(429);
    await Promise.all([s1.ended, s2.ended]);
    for (const s of [s1, s2])
      expect(s.events.at(-1)).toMatchObject({
        event: 'done',
        data: { message: { status: 'complete', content: letters.join('') } },
      });
    expect(upstream.requests).toHaveLength(2);
    const after = await ctx
      .request()
      .post(`/api/chats/${c3}/messages`)
      .set(user.auth)
      .send({ content: 'third again', stream: false });
    expect(after.status).toBe(201);
  });

  it('when a lease expired (its instance crashed), then its slot is taken over', async () => {
    const chatId = await newChat();
    const expired = new Date(Date.now() - 1000);
    await Generation.create([
      {
        userId: user.id,
        slot: 0,
        token: 'crashed-0',
        chatId,
        instanceId: 'gone',
        expiresAt: expired,
      },
      {
        userId: user.id,
        slot: 1,
        token: 'crashed-1',
        chatId,
        instanceId: 'gone',
        expiresAt: new Date(Date.now() + 60_000),
      },
    ]);
    const res = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(user.auth)
      .send({ content: 'hi', stream: false });
    expect(res.status).toBe(201);
    // Slot 1 is still held by a live lease, so only one reply fits at a time; slot 0 was freed again.
    const again = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(user.auth)
      .send({ content: 'hi', stream: false });
    expect(again.status).toBe(201);
    expect(await Generation.countDocuments({ userId: user.id, token: 'crashed-1' })).toBe(1);
    await Generation.deleteMany({ userId: user.id });
  });
});

describe('stopping a reply', () => {
  it('when POST /:id/stop is called mid-reply, then 202, the stream ends with done (status incomplete) and the upstream is aborted', async () => {
    upstream.setDefault(slow);
    const chatId = await newChat();
    const s = stream(chatId);
    await s.waitFor(() => s.events.some((e) => e.event === 'delta'));
    const res = await ctx.request().post(`/api/chats/${chatId}/stop`).set(user.auth);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ stopping: true });
    await s.ended;
    const last = s.events.at(-1)!;
    expect(last.event).toBe('done');
    expect(last.data.message.status).toBe('incomplete');
    expect(s.events.filter((e) => e.event === 'done' || e.event === 'error')).toHaveLength(1);
    await upstream.requests[0]!.finished;
    expect(upstream.requests[0]!.aborted).toBe(true);
    const stored = await Message.findById(last.data.message.id).lean();
    expect(stored).toMatchObject({ status: 'incomplete', content: last.data.message.content });
  });

  it('when another instance flags the lease, then this instance’s poller aborts the stream', async () => {
    upstream.setDefault(slow);
    const chatId = await newChat();
    const s = stream(chatId);
    await s.waitFor(() => s.events.some((e) => e.event === 'delta'));
    // What POST /stop on another instance does: only the database changes.
    await Generation.updateMany({ chatId }, { $set: { stopRequested: true } });
    const flaggedAt = Date.now();
    await s.ended;
    expect(Date.now() - flaggedAt).toBeLessThan(1000);
    expect(s.events.at(-1)).toMatchObject({
      event: 'done',
      data: { message: { status: 'incomplete' } },
    });
  });

  it('when nothing is being generated, then stop answers 202 with stopping: false', async () => {
    const chatId = await newChat();
    const res = await ctx.request().post(`/api/chats/${chatId}/stop`).set(user.auth);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ stopping: false });
  });

  it('when the process aborts every generation (shutdown), then each stream ends with an incomplete reply', async () => {
    upstream.setDefault(slow);
    const [c1, c2] = [await newChat(), await newChat()];
    const streams = [stream(c1), stream(c2)];
    await Promise.all(
      streams.map((s) => s.waitFor(() => s.events.some((e) => e.event === 'delta'))),
    );
    expect(abortAllGenerations()).toBe(2);
    await Promise.all(streams.map((s) => s.ended));
    for (const s of streams)
      expect(s.events.at(-1)).toMatchObject({
        event: 'done',
        data: { message: { status: 'incomplete' } },
      });

    // A request that was already past the door when shutdown began is cut as soon as it starts.
    // (This leaves the process in its shutting-down state: keep this the last test of the file.)
    const late = stream(await newChat());
    await late.ended;
    expect(late.events.at(-1)).toMatchObject({
      event: 'done',
      data: { message: { status: 'incomplete' } },
    });
    expect(runningGenerations()).toBe(0);
  });
});
