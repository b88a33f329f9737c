import { describe, expect, it } from 'vitest';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { parseSse, textParser } from '../helpers/sse.js';
import type { UpstreamScript } from '../helpers/upstream.js';

// Every reply here ends in well under MAX_GENERATION_SECONDS but those that keep their answer
// open forever, which only that bound ends.
const ctx = useChatApp({
  UPSTREAM_TIMEOUT_MS: '300',
  UPSTREAM_IDLE_TIMEOUT_MS: '300',
  MAX_GENERATION_SECONDS: '2',
});

const newChat = async () =>
  (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body.id as string;

/** The thread holds the user message once and the assistant message once, with status error. */
async function expectStoredFailure(chatId: string, code: string, partial = '') {
  const stored = await Message.find({ chatId }).sort({ createdAt: 1, _id: 1 }).lean();
  expect(stored.map((m) => [m.role, m.status])).toEqual([
    ['user', 'complete'],
    ['assistant', 'error'],
  ]);
  expect(stored[1]!.content).toBe(partial);
  expect(stored[1]!.error?.code).toBe(code);
  expect(await Generation.countDocuments({ userId: ctx.user.id })).toBe(0);
}

const cases: [string, UpstreamScript, string, number, string][] = [
  ['the upstream answers 429', { status: 429 }, 'UPSTREAM_ERROR', 502, ''],
  ['the upstream answers 500', { status: 500 }, 'UPSTREAM_ERROR', 502, ''],
  [
    'the upstream does not answer within UPSTREAM_TIMEOUT_MS',
    { headerDelayMs: 1500, chunks: ['late'] },
    'UPSTREAM_TIMEOUT',
    504,
    '',
  ],
  [
    'the upstream fails mid-stream with an error event',
    { chunks: ['part', 'ial'], failAfter: 2, failWith: 'error-event' },
    'UPSTREAM_ERROR',
    502,
    'partial',
  ],
  [
    'the upstream fails mid-stream with an event named error whose data is the bare error',
    { chunks: ['part', 'ial'], failAfter: 2, failWith: 'named-error-event' },
    'UPSTREAM_ERROR',
    502,
    'partial',
  ],
  [
    "the upstream fails mid-stream with an `error:` line instead of `data:` (llama.cpp's server)",
    { chunks: ['part', 'ial'], failAfter: 2, failWith: 'error-field' },
    'UPSTREAM_ERROR',
    502,
    'partial',
  ],
  [
    'the upstream stalls mid-stream',
    { chunks: ['part', 'ial'], failAfter: 1, failWith: 'stall' },
    'UPSTREAM_TIMEOUT',
    504,
    'part',
  ],
  [
    'the upstream sends a garbage chunk',
    { chunks: ['part', 'ial'], failAfter: 1, failWith: 'garbage' },
    'UPSTREAM_ERROR',
    502,
    'part',
  ],
  [
    'the upstream closes the socket mid-stream',
    { chunks: ['part', 'ial'], failAfter: 1, failWith: 'close' },
    'UPSTREAM_ERROR',
    502,
    'part',
  ],
  [
    'the upstream sends only keep-alive comments after a chunk, for longer than MAX_GENERATION_SECONDS',
    { chunks: ['part', 'ial'], failAfter: 1, failWith: 'comments' },
    'UPSTREAM_TIMEOUT',
    504,
    'part',
  ],
  [
    'the upstream sends only empty chunks after a chunk, for longer than MAX_GENERATION_SECONDS',
    { chunks: ['part', 'ial'], failAfter: 1, failWith: 'empty-chunks' },
    'UPSTREAM_TIMEOUT',
    504,
    'part',
  ],
  [
    'the upstream ends its stream with [DONE] before any content or finish reason',
    { chunks: [], finishReason: null, usage: false },
    'UPSTREAM_ERROR',
    502,
    '',
  ],
  [
    'the upstream sends an empty first chunk and usage, then closes without a finish reason or [DONE]',
    { chunks: [''], finishReason: null, done: false },
    'UPSTREAM_ERROR',
    502,
    '',
  ],
];

describe('upstream failures in JSON mode', () => {
  for (const [when, script, code, status, partial] of cases) {
    it(`when ${when}, then ${status} ${code}, the user message is kept and the reply is stored as error`, async () => {
      const chatId = await newChat();
      ctx.upstream.script(script);
      const res = await ctx
        .request()
        .post(`/api/chats/${chatId}/messages`)
        .set(ctx.user.auth)
        .send({ content: 'hello', stream: false });
      expect(res.status).toBe(status);
      expect(res.body.error).toMatchObject({
        code,
        message: expect.any(String),
        requestId: expect.any(String),
      });
      expect(JSON.stringify(res.body)).not.toContain('sk-leak');
      await expectStoredFailure(chatId, code, partial);
    });
  }
});

describe('upstream failures in stream mode', () => {
  for (const [when, script, code, , partial] of cases) {
    it(`when ${when}, then the stream ends with exactly one error event carrying the stored message`, async () => {
      const chatId = await newChat();
      ctx.upstream.script(script);
      const res = await ctx
        .request()
        .post(`/api/chats/${chatId}/messages`)
        .set(ctx.user.auth)
        .send({ content: 'hello', stream: true })
        .buffer(true)
        .parse(textParser);
      expect(res.status).toBe(200);
      const { events } = parseSse(res.body as string);
      expect(events[0]!.event).toBe('meta');
      expect(events.filter((e) => e.event === 'error')).toHaveLength(1);
      expect(events.filter((e) => e.event === 'done')).toHaveLength(0);
      const last = events.at(-1)!;
      expect(last.event).toBe('error');
      expect(last.data.error).toEqual({ code, message: expect.any(String) });
      expect(last.data.message).toMatchObject({
        id: events[0]!.data.assistantMessage.id,
        status: 'error',
        content: partial,
        error: { code },
      });
      expect(res.body).not.toContain('sk-leak');
      await expectStoredFailure(chatId, code, partial);
    });
  }
});

describe('a reply that outlasts MAX_GENERATION_SECONDS', () => {
  it('when the provider keeps its answer open with keep-alive comments alone, then the reply ends at the bound with UPSTREAM_TIMEOUT, its text kept, the provider left and the slot given back', async () => {
    const chatId = await newChat();
    ctx.upstream.script({ chunks: ['thinking'], failAfter: 1, failWith: 'comments' });
    const startedAt = Date.now();
    const res = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(ctx.user.auth)
      .send({ content: 'hello', stream: true })
      .buffer(true)
      .parse(textParser);
    // The bound is what ended it: not the idle timeout (300 ms), which the comments hold off.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2000);
    const { events } = parseSse(res.body as string);
    expect(events.map((e) => e.event)).toEqual(['meta', 'delta', 'error']);
    expect(events[2]!.data.error).toEqual({
      code: 'UPSTREAM_TIMEOUT',
      message: 'The model took longer than a reply may take; its reply was cut there',
    });
    await expectStoredFailure(chatId, 'UPSTREAM_TIMEOUT', 'thinking');
    const upstreamRequest = ctx.upstream.requests.at(-1)!;
    await upstreamRequest.finished;
    expect(upstreamRequest.aborted).toBe(true);
  });
});

describe('a /v1 completion that outlasts MAX_GENERATION_SECONDS', () => {
  /** A completion asked for with an API key of the file's user, as an OpenAI SDK does. */
  async function complete() {
    const key = await ctx.request().post('/api/keys').set(ctx.user.auth).send({ name: 'sdk' });
    expect(key.status).toBe(201);
    return ctx
      .request()
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${key.body.key as string}`)
      .send({ model: 'test-model', messages: [{ role: 'user', content: 'hello' }] });
  }

  it("when the bound cuts it, then 504 with x-should-retry false: the caller's SDK would otherwise run as long a call again", async () => {
    ctx.upstream.script({ chunks: ['thinking'], failAfter: 1, failWith: 'comments' });
    const res = await complete();
    expect(res.status).toBe(504);
    expect(res.headers['x-should-retry']).toBe('false');
    expect(res.body.error.message).toBe(
      'The model took longer than a reply may take; its reply was cut there',
    );
  });

  it('when the provider merely stops sending, then 504 without x-should-retry: a retry of a stalled call may well work', async () => {
    ctx.upstream.script({ chunks: ['part'], failAfter: 1, failWith: 'stall' });
    const res = await complete();
    expect(res.status).toBe(504);
    expect(res.headers['x-should-retry']).toBeUndefined();
  });
});

describe('retries', () => {
  it('when UPSTREAM_MAX_RETRIES is 0, then a failing upstream is asked exactly once', async () => {
    const chatId = await newChat();
    ctx.upstream.script({ status: 500 });
    await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(ctx.user.auth)
      .send({ content: 'hello', stream: false });
    expect(ctx.upstream.requests).toHaveLength(1);
  });
});
