import { describe, expect, it } from 'vitest';
import { Message } from '../../src/modules/chats/message.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { expectError } from '../helpers/auth.js';
import { parseSse, textParser } from '../helpers/sse.js';

const CAP = 1000;
const ctx = useChatApp({ MAX_REPLY_CHARS: String(CAP) });

const newChat = async () => {
  const res = await ctx.request().post('/api/chats').set(ctx.user.auth).send({});
  expect(res.status).toBe(201);
  return res.body.id as string;
};

const streamTo = (chatId: string) =>
  ctx
    .request()
    .post(`/api/chats/${chatId}/messages`)
    .set(ctx.user.auth)
    .send({ content: 'Write forever', stream: true })
    .buffer(true)
    .parse(textParser);

describe('a reply longer than MAX_REPLY_CHARS', () => {
  it('when the model writes past the cap, then the reply ends at it as one the token limit cut: what was streamed is what is stored, and it cannot be continued', async () => {
    const chatId = await newChat();
    // A model that never stops: 50 characters a chunk; the 21st would cross the cap.
    ctx.upstream.script({
      chunks: Array.from({ length: 10 }, (_, i) => `${i}`.padEnd(50, '.')),
      endless: true,
      delayMs: 2,
    });
    const res = await streamTo(chatId);
    expect(res.status).toBe(200);
    const { events } = parseSse(res.body as string);
    const streamed = events
      .filter((e) => e.event === 'delta')
      .map((e) => e.data.content as string)
      .join('');
    expect(streamed).toHaveLength(CAP);
    const done = events.at(-1)!;
    expect(done.event).toBe('done');
    expect(done.data.message).toMatchObject({ status: 'complete', finishReason: 'length' });
    expect(done.data.message.content).toBe(streamed);
    const replyId = done.data.message.id as string;
    const stored = await Message.findById(replyId).lean();
    expect(stored).toMatchObject({ status: 'complete', finishReason: 'length', content: streamed });
    // The model's connection was dropped at the cap (the model would have gone on).
    expect(ctx.upstream.requests).toHaveLength(1);
    await ctx.upstream.requests[0]!.finished;
    expect(ctx.upstream.requests[0]!.aborted).toBe(true);

    const again = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages/${replyId}/continue`)
      .set(ctx.user.auth)
      .send({});
    expectError(again, 409, 'REPLY_NOT_CONTINUABLE');
    expect(ctx.upstream.requests).toHaveLength(1);
  });

  it('when the cap falls inside a character of two UTF-16 units, then the reply stops before it', async () => {
    const chatId = await newChat();
    ctx.upstream.script({ chunks: ['x'.repeat(CAP - 1), '😀😀', 'more'] });
    const res = await streamTo(chatId);
    const { events } = parseSse(res.body as string);
    const done = events.at(-1)!;
    expect(done.data.message.content).toBe('x'.repeat(CAP - 1));
    expect(done.data.message.finishReason).toBe('length');
    // One unit short of the cap, no character of two fits: a continue could add nothing.
    const asked = ctx.upstream.requests.length;
    const again = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages/${done.data.message.id as string}/continue`)
      .set(ctx.user.auth)
      .send({});
    expectError(again, 409, 'REPLY_NOT_CONTINUABLE');
    expect(ctx.upstream.requests).toHaveLength(asked);
  });
});

describe("a reasoning model's thinking longer than MAX_REPLY_CHARS", () => {
  it('when the model thinks past the cap, then it is left there as one the token limit cut, before any answer', async () => {
    const chatId = await newChat();
    // 40 pieces of 50 characters of thinking: the 21st crosses the cap, before any answer (which
    // would go on for good).
    ctx.upstream.script({
      reasoning: { pieces: Array.from({ length: 40 }, (_, i) => `${i}`.padEnd(50, '~')) },
      chunks: ['The answer '],
      endless: true,
      delayMs: 2,
    });
    const res = await streamTo(chatId);
    expect(res.status).toBe(200);
    const done = parseSse(res.body as string).events.at(-1)!;
    expect(done.event).toBe('done');
    expect(done.data.message).toMatchObject({ content: '', finishReason: 'length' });
    const stored = await Message.findById(done.data.message.id as string).lean();
    expect(stored).toMatchObject({ content: '', finishReason: 'length' });
    await ctx.upstream.requests.at(-1)!.finished;
    expect(ctx.upstream.requests.at(-1)!.aborted).toBe(true);
  });
});
