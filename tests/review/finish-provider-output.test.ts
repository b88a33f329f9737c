import { describe, expect, it } from 'vitest';
import { Message } from '../../src/modules/chats/message.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { parseSse, textParser } from '../helpers/sse.js';

const ctx = useChatApp({
  UPSTREAM_TIMEOUT_MS: '2000',
  UPSTREAM_IDLE_TIMEOUT_MS: '2000',
  TITLES: 'off',
});

const newChat = async () =>
  (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body.id as string;

const base = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'test-model' };
const ev = (choices: unknown[], extra: Record<string, unknown> = {}) =>
  `data: ${JSON.stringify({ ...base, choices, ...extra })}\n\n`;

describe('provider output that is not plain text', () => {
  it('two choices (a provider that ignores n): only choice 0 is the reply', async () => {
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
    const res = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(ctx.user.auth)
      .send({ content: 'hi', stream: true })
      .buffer(true)
      .parse(textParser);
    const { events } = parseSse(res.body as string);
    const done = events.find((e) => e.event === 'done')!;
    expect(done.data.message).toMatchObject({ content: 'Hello world', finishReason: 'stop' });
    const stored = await Message.findOne({ chatId, role: 'assistant' }).lean();
    expect(stored!.content).toBe('Hello world');
  });

  it('usage whose completion_tokens leave out reasoning tokens (Gemini-style): the thinking is charged', async () => {
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
    const res = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(ctx.user.auth)
      .send({ content: 'hi', stream: false });
    expect(res.status).toBe(201);
    expect(res.body.messages[1].usage).toEqual({
      promptTokens: 11,
      completionTokens: 61,
      totalTokens: 72,
    });
  });

  it('a reply that is only whitespace is not sent back to the model as an assistant turn', async () => {
    const chatId = await newChat();
    ctx.upstream.script({ chunks: ['\n', '  \n'] });
    await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(ctx.user.auth)
      .send({ content: 'one', stream: false });
    await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(ctx.user.auth)
      .send({ content: 'two', stream: false });
    const sent = ctx.upstream.requests.at(-1)!.messages;
    expect(sent.filter((m) => m.role === 'assistant')).toEqual([]);
  });
});
