import { describe, expect, it } from 'vitest';
import { MAX_EVENT_CHARS } from '../../src/lib/llm/stream-body.js';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { parseSse, textParser } from '../helpers/sse.js';
import {
  eventStream,
  splitBytes,
  type EventStreamOptions,
  type UpstreamScript,
} from '../helpers/upstream.js';

// Every byte here goes through the real SDK request and our reading of the body it hands back.
const ctx = useChatApp({ UPSTREAM_TIMEOUT_MS: '2000', UPSTREAM_IDLE_TIMEOUT_MS: '2000' });

const newChat = async () =>
  (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body.id as string;

const streamTo = (chatId: string, content = 'hello') =>
  ctx
    .request()
    .post(`/api/chats/${chatId}/messages`)
    .set(ctx.user.auth)
    .send({ content, stream: true })
    .buffer(true)
    .parse(textParser);

const sendJsonTo = (chatId: string, content = 'hello') =>
  ctx
    .request()
    .post(`/api/chats/${chatId}/messages`)
    .set(ctx.user.auth)
    .send({ content, stream: false });

// Two-, three- and four-byte UTF-8 characters, so byte cuts land inside them.
const chunks = ['Grüße', ' 🌍 ', 'und ', '日本語', '!'];
const text = chunks.join('');
const usage = { promptTokens: 11, completionTokens: chunks.length, totalTokens: 16 };
const whole = (options: EventStreamOptions = {}) => eventStream('test-model', chunks, options);

const cut = splitBytes(whole({ lineEnd: '\r\n' }), 5);

const readable: [string, UpstreamScript, typeof usage | null][] = [
  ['lines end in CRLF', { raw: { pieces: [whole({ lineEnd: '\r\n' })] } }, usage],
  ['lines end in CR alone', { raw: { pieces: [whole({ lineEnd: '\r' })] } }, usage],
  [
    'the body arrives 5 bytes at a time, cutting lines, CRLFs and multi-byte characters',
    { delayMs: 1, raw: { pieces: cut } },
    usage,
  ],
  [
    'the body arrives in two reads cut between CR and LF',
    {
      delayMs: 20,
      raw: (() => {
        const body = whole({ lineEnd: '\r\n' });
        const at = body.indexOf('\r\n') + 1;
        return { pieces: [body.slice(0, at), body.slice(at)] };
      })(),
    },
    usage,
  ],
  [
    '[DONE] never comes and the stream just ends',
    { raw: { pieces: [whole({ done: false })] } },
    usage,
  ],
  [
    'the usage chunk has choices: null',
    { raw: { pieces: [whole({ usage: 'null-choices' })] } },
    usage,
  ],
  [
    'the usage chunk has no choices at all',
    { raw: { pieces: [whole({ usage: 'no-choices' })] } },
    usage,
  ],
  ['no usage chunk comes', { raw: { pieces: [whole({ usage: false })] } }, null],
  [
    'comments, ids, event names and a BOM surround the chunks',
    {
      raw: {
        pieces: [
          '\uFEFF: OPENROUTER PROCESSING\n\n',
          whole()
            .split('\n\n')
            .filter(Boolean)
            .map((event, i) => `id: ${i}\nevent: message\n${event}\n\n: keep-alive\n\n`)
            .join(''),
        ],
      },
    },
    usage,
  ],
];

describe('reading what an OpenAI-compatible provider streams', () => {
  it('the 5-byte cut really splits multi-byte characters and CRLFs', () => {
    expect(cut.some((piece) => (piece[0]! & 0xc0) === 0x80)).toBe(true);
    expect(cut.some((piece) => piece.at(-1) === 13)).toBe(true);
  });

  for (const [when, script, expectedUsage] of readable) {
    it(`when ${when}, then every delta arrives intact and the reply is stored complete`, async () => {
      const chatId = await newChat();
      ctx.upstream.script(script);
      const res = await streamTo(chatId);
      expect(res.status).toBe(200);
      const { events } = parseSse(res.body as string);
      expect(events.map((e) => e.event)).toEqual(['meta', ...chunks.map(() => 'delta'), 'done']);
      expect(events.filter((e) => e.event === 'delta').map((e) => e.data.content)).toEqual(chunks);
      expect(events.at(-1)!.data.message).toMatchObject({
        content: text,
        status: 'complete',
        finishReason: 'stop',
        usage: expectedUsage,
      });
      const stored = await Message.find({ chatId }).sort({ createdAt: 1, _id: 1 }).lean();
      expect(stored.map((m) => [m.role, m.content, m.status])).toEqual([
        ['user', 'hello', 'complete'],
        ['assistant', text, 'complete'],
      ]);
      expect(stored[1]!.finishReason).toBe('stop');
      expect(stored[1]!.usage).toEqual(expectedUsage);
      expect(stored[1]!.error).toBeNull();
    });
  }
});

describe('a model that finishes without writing anything', () => {
  for (const finishReason of ['stop', 'content_filter']) {
    it(`when the provider streams no text but finish_reason ${finishReason}, then the reply is stored complete and empty with that reason and the stream ends with done`, async () => {
      const chatId = await newChat();
      ctx.upstream.script({ chunks: [''], finishReason });
      const res = await streamTo(chatId);
      const { events } = parseSse(res.body as string);
      expect(events.map((e) => e.event)).toEqual(['meta', 'done']);
      expect(events[1]!.data.message).toMatchObject({
        content: '',
        status: 'complete',
        finishReason,
      });
      const stored = await Message.find({ chatId }).sort({ createdAt: 1, _id: 1 }).lean();
      expect(stored.map((m) => [m.role, m.content, m.status])).toEqual([
        ['user', 'hello', 'complete'],
        ['assistant', '', 'complete'],
      ]);
      expect(stored[1]!.finishReason).toBe(finishReason);
      expect(stored[1]!.error).toBeNull();
      expect(await Generation.countDocuments({ userId: ctx.user.id })).toBe(0);
    });
  }
});

const completion = JSON.stringify({
  id: 'chatcmpl-json',
  object: 'chat.completion',
  choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
});
const UNREADABLE = 'The model provider sent a reply that could not be read';
/** A 200 that is not an event stream, and what the user is told of it. */
const unreadable: [string, UpstreamScript, string][] = [
  [
    'a JSON answer instead of a stream',
    { raw: { contentType: 'application/json', pieces: [completion] } },
    UNREADABLE,
  ],
  [
    'an HTML page (a proxy or portal)',
    {
      raw: {
        contentType: 'text/html; charset=utf-8',
        pieces: ['<html><body>Bad gateway sk-leak-123</body></html>'],
      },
    },
    UNREADABLE,
  ],
  [
    'a JSON body without a content type',
    { raw: { contentType: null, pieces: [completion] } },
    UNREADABLE,
  ],
  [
    'plain text labelled as an event stream',
    { raw: { pieces: ['upstream says: sk-leak-123\nno events here\n'] } },
    UNREADABLE,
  ],
  // Some gateways answer a failed call with a 200 and the error object a failed stream would
  // carry: the provider's error, as a mid-stream one is, not an unreadable reply.
  [
    "the provider's error object as a JSON body",
    {
      raw: {
        contentType: 'application/json',
        pieces: [
          JSON.stringify({
            error: {
              message: 'secret upstream detail sk-leak-123',
              type: 'server_error',
              code: 'upstream_overloaded',
            },
          }),
        ],
      },
    },
    'The model provider failed to answer',
  ],
];

async function expectStoredUnreadable(chatId: string, message = UNREADABLE) {
  const stored = await Message.find({ chatId }).sort({ createdAt: 1, _id: 1 }).lean();
  expect(stored.map((m) => [m.role, m.content, m.status])).toEqual([
    ['user', 'hello', 'complete'],
    ['assistant', '', 'error'],
  ]);
  expect(stored[1]!.error).toEqual({ code: 'UPSTREAM_ERROR', message });
  expect(await Generation.countDocuments({ userId: ctx.user.id })).toBe(0);
}

describe('a 200 from the provider that is not an event stream', () => {
  it('when the provider sends more than MAX_EVENT_CHARS without ending an event and keeps the answer open, then the reply ends at once with UPSTREAM_ERROR, not at the idle timeout', async () => {
    const chatId = await newChat();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // One data line a character past the cap, in 1 MiB pieces, then silence with the answer open.
    const line = `data: ${'x'.repeat(MAX_EVENT_CHARS)}`;
    const pieces = Array.from({ length: Math.ceil(line.length / 2 ** 20) }, (_, i) =>
      line.slice(i * 2 ** 20, (i + 1) * 2 ** 20),
    );
    ctx.upstream.script({ raw: { pieces }, holdUntil: held });
    try {
      const res = await streamTo(chatId);
      const { events } = parseSse(res.body as string);
      expect(events.map((e) => e.event)).toEqual(['meta', 'error']);
      expect(events[1]!.data.error).toEqual({
        code: 'UPSTREAM_ERROR',
        message: UNREADABLE,
      });
      await expectStoredUnreadable(chatId);
      // The provider was still holding its answer open: the cap ended the reply (and dropped the
      // provider's connection), not the end of the body.
      const upstreamRequest = ctx.upstream.requests.at(-1)!;
      await upstreamRequest.finished;
      expect(upstreamRequest.aborted).toBe(true);
    } finally {
      release();
    }
  });

  for (const [when, script, message] of unreadable) {
    it(`when the provider sends ${when}, then JSON mode answers 502 UPSTREAM_ERROR and the reply is stored as error`, async () => {
      const chatId = await newChat();
      ctx.upstream.script(script);
      const res = await sendJsonTo(chatId);
      expect(res.status).toBe(502);
      expect(res.body.error).toMatchObject({
        code: 'UPSTREAM_ERROR',
        message,
        requestId: expect.any(String),
      });
      expect(JSON.stringify(res.body)).not.toContain('sk-leak');
      await expectStoredUnreadable(chatId, message);
    });

    it(`when the provider sends ${when}, then the stream ends with one UPSTREAM_ERROR event`, async () => {
      const chatId = await newChat();
      ctx.upstream.script(script);
      const res = await streamTo(chatId);
      expect(res.status).toBe(200);
      const { events } = parseSse(res.body as string);
      expect(events.map((e) => e.event)).toEqual(['meta', 'error']);
      expect(events[1]!.data.error).toEqual({ code: 'UPSTREAM_ERROR', message });
      expect(events[1]!.data.message).toMatchObject({ status: 'error', content: '' });
      expect(res.body).not.toContain('sk-leak');
      await expectStoredUnreadable(chatId, message);
    });
  }
});

const base = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'test-model' };
const ev = (choices: unknown[], extra: Record<string, unknown> = {}) =>
  `data: ${JSON.stringify({ ...base, choices, ...extra })}\n\n`;

describe('provider output that is not plain text', () => {
  it('when a provider that ignores n streams two choices, then only choice 0 is the reply', async () => {
    const chatId = await newChat();
    ctx.upstream.script({
      raw: {
        pieces: [
          ev([{ index: 0, delta: { role: 'assistant', content: 'Hello' }, finish_reason: null }]),
          ev([{ index: 1, delta: { role: 'assistant', content: 'Bonjour' }, finish_reason: null }]),
          ev([{ index: 0, delta: { content: ' world' }, finish_reason: null }]),
          ev([{ index: 1, delta: { content: ' monde' }, finish_reason: null }]),
          ev([{ index: 0, delta: {}, finish_reason: 'stop' }]),
          ev([{ index: 1, delta: {}, finish_reason: 'length' }]),
          'data: [DONE]\n\n',
        ],
      },
    });
    const res = await streamTo(chatId, 'hi');
    const { events } = parseSse(res.body as string);
    const done = events.find((e) => e.event === 'done')!;
    expect(done.data.message).toMatchObject({ content: 'Hello world', finishReason: 'stop' });
    const stored = await Message.findOne({ chatId, role: 'assistant' }).lean();
    expect(stored!.content).toBe('Hello world');
  });

  it('when usage leaves reasoning tokens out of completion_tokens (Gemini-style: in the details and the total), then the thinking is charged', async () => {
    const chatId = await newChat();
    ctx.upstream.script({
      reasoning: { pieces: ['Let me think', ' hard'] },
      chunks: ['Hi'],
      // completion_tokens counts the answer only; the 60 thinking tokens are in the details and
      // the total, as Gemini's OpenAI-compatible endpoint and several gateways report them.
      usage: {
        prompt_tokens: 11,
        completion_tokens: 1,
        total_tokens: 72,
        completion_tokens_details: { reasoning_tokens: 60 },
      } as never,
    });
    const res = await sendJsonTo(chatId, 'hi');
    expect(res.status).toBe(201);
    expect(res.body.messages[1].usage).toEqual({
      promptTokens: 11,
      completionTokens: 61,
      totalTokens: 72,
    });
  });

  it('when a reply is only whitespace, then it is not sent back to the model as an assistant turn', async () => {
    const chatId = await newChat();
    ctx.upstream.script({ chunks: ['\n', '  \n'] });
    await sendJsonTo(chatId, 'one');
    await sendJsonTo(chatId, 'two');
    const sent = ctx.upstream.requests.at(-1)!.messages;
    expect(sent.filter((m) => m.role === 'assistant')).toEqual([]);
  });

  it('when a reasoning model runs out of tokens while still thinking, then its answer (no text, finishReason length) cannot be continued: 409 saying to regenerate it', async () => {
    const chatId = await newChat();
    ctx.upstream.script({
      reasoning: { pieces: ['Hmm', ' let me see'] },
      chunks: [],
      finishReason: 'length',
    });
    const res = await sendJsonTo(chatId, 'hi');
    expect(res.status).toBe(201);
    const answer = res.body.messages[1];
    expect(answer).toMatchObject({ content: '', status: 'complete', finishReason: 'length' });
    const calls = ctx.upstream.requests.length;
    const cont = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages/${answer.id}/continue`)
      .set(ctx.user.auth)
      .send({ stream: false });
    expect(cont.status).toBe(409);
    expect(cont.body.error).toMatchObject({ code: 'REPLY_NOT_CONTINUABLE' });
    expect(cont.body.error.message).toMatch(/nothing to continue: regenerate it/);
    expect(ctx.upstream.requests).toHaveLength(calls);
  });
});
