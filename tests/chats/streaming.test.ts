import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it, vi } from 'vitest';
import * as mapper from '../../src/modules/chats/chats.mapper.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { liveReply } from '../../src/modules/chats/reply-stream.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';
import { parseSse, textParser } from '../helpers/sse.js';

const ctx = useChatApp({ MODELS: 'test-model,other-model', SSE_PING_SECONDS: '0.1' });

const newChat = async (body: Record<string, unknown> = {}) => {
  const res = await ctx.request().post('/api/chats').set(ctx.user.auth).send(body);
  expect(res.status).toBe(201);
  return res.body.id as string;
};

const streamTo = (chatId: string, body: Record<string, unknown>) =>
  ctx
    .request()
    .post(`/api/chats/${chatId}/messages`)
    .set(ctx.user.auth)
    .send({ stream: true, ...body })
    .buffer(true)
    .parse(textParser);

describe('streaming a reply', () => {
  it('when a message is sent with stream: true, then meta, one delta per upstream chunk and done arrive with cursor ids, and both messages are stored', async () => {
    const chatId = await newChat({ systemPrompt: 'Be brief.' });
    ctx.upstream.script({
      chunks: ['Hel', 'lo', ' there'],
      usage: { prompt_tokens: 20, completion_tokens: 3, total_tokens: 23 },
    });
    const res = await streamTo(chatId, { content: 'Hi!' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(res.headers['cache-control']).toContain('no-cache');
    expect(res.headers['cache-control']).toContain('no-transform');
    expect(res.headers['x-accel-buffering']).toBe('no');
    expect(res.headers['content-encoding']).toBeUndefined();

    const { events } = parseSse(res.body as string);
    expect(events.map((e) => e.event)).toEqual(['meta', 'delta', 'delta', 'delta', 'done']);
    const [meta, ...rest] = events;
    // Each id is a cursor: the reply and the length of its text delivered so far.
    const replyId = meta!.data.assistantMessage.id as string;
    expect(events.map((e) => e.id)).toEqual(
      ['0', '3', '5', '11', 'end'].map((offset) => `${replyId}:${offset}`),
    );
    expect(meta!.data.chat.id).toBe(chatId);
    expect(meta!.data.userMessage).toMatchObject({
      role: 'user',
      content: 'Hi!',
      status: 'complete',
      chatId,
      parentId: null,
    });
    expect(meta!.data.assistantMessage).toMatchObject({
      role: 'assistant',
      status: 'streaming',
      content: '',
      parentId: meta!.data.userMessage.id,
    });
    expect(rest.slice(0, 3).map((e) => e.data)).toEqual([
      { content: 'Hel' },
      { content: 'lo' },
      { content: ' there' },
    ]);
    const done = events.at(-1)!.data;
    expect(done.message).toEqual({
      id: meta!.data.assistantMessage.id,
      chatId,
      parentId: meta!.data.userMessage.id,
      role: 'assistant',
      content: 'Hello there',
      status: 'complete',
      model: 'test-model',
      finishReason: 'stop',
      usage: { promptTokens: 20, completionTokens: 3, totalTokens: 23 },
      error: null,
      stopReason: null,
      createdAt: expect.any(String),
    });
    expect(done.chat.id).toBe(chatId);

    expect(ctx.upstream.requests).toHaveLength(1);
    expect(ctx.upstream.requests[0]!.model).toBe('test-model');
    expect(ctx.upstream.requests[0]!.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi!' },
    ]);
    expect(ctx.upstream.requests[0]!.body.stream_options).toEqual({ include_usage: true });

    const stored = await Message.find({ chatId }).sort({ createdAt: 1, _id: 1 }).lean();
    expect(stored.map((m) => [m.role, m.content, m.status])).toEqual([
      ['user', 'Hi!', 'complete'],
      ['assistant', 'Hello there', 'complete'],
    ]);
    expect(stored[1]!.ttftMs).toEqual(expect.any(Number));
    expect(stored[1]!.durationMs).toEqual(expect.any(Number));
  });

  it('when the chat is renamed and pinned while a reply streams, then its `done` carries the chat as stored, not as the send read it', async () => {
    const chatId = await newChat();
    ctx.upstream.script({ chunks: ['first answer'] });
    expect((await streamTo(chatId, { content: 'first' })).status).toBe(200);
    let release!: () => void;
    ctx.upstream.script({
      chunks: ['held'],
      holdUntil: new Promise<void>((r) => (release = r)),
      afterHold: [' on'],
    });
    const held = ctx.stream(`/api/chats/${chatId}/messages`, { content: 'second', stream: true });
    await held.waitForEvent('delta');
    const meta = held.events.find((e) => e.event === 'meta')!.data;
    expect(meta.chat.title).not.toBe('Renamed meanwhile');
    expect(meta.chat.pinned).toBe(false);
    const changed = await ctx
      .request()
      .patch(`/api/chats/${chatId}`)
      .set(ctx.user.auth)
      .send({ title: 'Renamed meanwhile', pinned: true });
    expect(changed.status).toBe(200);
    release();
    await held.ended;
    const done = held.events.at(-1)!;
    expect(done.event).toBe('done');
    expect(done.data.message.content).toBe('held on');
    // What a client applying `done` shows is what the chat list shows.
    const list = await ctx.request().get('/api/chats').set(ctx.user.auth);
    expect(list.status).toBe(200);
    const listed = (list.body as { id: string }[]).find((c) => c.id === chatId);
    expect(done.data.chat).toEqual(listed);
    expect(done.data.chat).toMatchObject({
      title: 'Renamed meanwhile',
      pinned: true,
      lastMessageAt: meta.chat.lastMessageAt,
    });
    const chat = await Chat.findById(chatId).lean();
    expect(chat).toMatchObject({ title: 'Renamed meanwhile', pinned: true });
    // The reply's text went into the turns the chat keeps for its next send.
    expect(chat!.context?.pending).toBe(false);
    expect(String(chat!.context?.leafId)).toBe(done.data.message.id);
    expect(chat!.context!.turns.at(-1)).toMatchObject({ role: 'assistant', content: 'held on' });
  });

  it('when Accept is text/event-stream and stream is absent, then the reply streams; when stream is false, then JSON wins', async () => {
    const chatId = await newChat();
    const streamed = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(ctx.user.auth)
      .set('Accept', 'text/event-stream')
      .send({ content: 'one' })
      .buffer(true)
      .parse(textParser);
    expect(streamed.status).toBe(200);
    expect(parseSse(streamed.body as string).events.at(-1)!.event).toBe('done');
    const json = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(ctx.user.auth)
      .set('Accept', 'text/event-stream')
      .send({ content: 'two', stream: false });
    expect(json.status).toBe(201);
    expect(json.headers['content-type']).toMatch(/application\/json/);
  });

  it('when the chat has history, then it is sent upstream oldest first with the new message last, and parentId links the thread', async () => {
    const chatId = await newChat();
    await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(ctx.user.auth)
      .send({ content: 'first' });
    ctx.upstream.script({ chunks: ['second answer'] });
    const res = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(ctx.user.auth)
      .send({ content: 'second' });
    expect(res.status).toBe(201);
    expect(ctx.upstream.requests[1]!.messages).toEqual([
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'Hello world!' },
      { role: 'user', content: 'second' },
    ]);
    const stored = await Message.find({ chatId }).sort({ createdAt: 1, _id: 1 }).lean();
    expect(stored).toHaveLength(4);
    expect(String(stored[1]!.parentId)).toBe(String(stored[0]!._id));
    expect(String(stored[2]!.parentId)).toBe(String(stored[1]!._id));
    expect(String(stored[3]!.parentId)).toBe(String(stored[2]!._id));
  });

  it('when the history is over the token budget, then the oldest turns are dropped and the newest kept', async () => {
    const chatId = await newChat();
    for (const word of ['a', 'b', 'c']) {
      await ctx
        .request()
        .post(`/api/chats/${chatId}/messages`)
        .set(ctx.user.auth)
        .send({ content: word.repeat(12000) });
    }
    await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(ctx.user.auth)
      .send({ content: 'latest' });
    const sent = ctx.upstream.requests.at(-1)!.messages;
    expect(sent.at(-1)).toEqual({ role: 'user', content: 'latest' });
    const tokens = sent.reduce((sum, m) => sum + Math.ceil(m.content.length / 4) + 4, 0);
    expect(tokens).toBeLessThanOrEqual(8000);
    expect(sent.some((m) => m.content.startsWith('a'))).toBe(false);
    expect(sent.some((m) => m.content.startsWith('c'))).toBe(true);
  });

  it('when the history is in a script of up to three real tokens a character (Yi, rare ideographs), then what the model is sent stays within 4× the budget in real tokens, as README says', async () => {
    const chatId = await newChat();
    /** `count` distinct characters from `first` on (repeats would tokenize into fewer tokens). */
    const run = (first: number, count: number) =>
      Array.from({ length: count }, (_, i) => String.fromCodePoint(first + i)).join('');
    const dense = run(0xa000, 1000) + run(0x3400, 2000); // Yi syllables, CJK Extension A
    for (const mark of ['a', 'b', 'c', 'd']) {
      ctx.upstream.script({ chunks: [dense] });
      const res = await ctx
        .request()
        .post(`/api/chats/${chatId}/messages`)
        .set(ctx.user.auth)
        .send({ content: `${mark}${dense}` });
      expect(res.status).toBe(201);
    }
    await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(ctx.user.auth)
      .send({ content: 'latest' })
      .expect(201);
    const sent = ctx.upstream.requests.at(-1)!.messages;
    expect(sent.at(-1)).toEqual({ role: 'user', content: 'latest' });
    const realTokens = sent.reduce((sum, m) => sum + countTokens(m.content), 0);
    expect(realTokens).toBeLessThanOrEqual(4 * 8000);
    // The newest turns are the ones kept.
    expect(sent.some((m) => m.content.startsWith('a'))).toBe(false);
    expect(sent.some((m) => m.content.startsWith('d'))).toBe(true);
  });

  it('when the upstream sends choices: null with usage, or no usage at all, then the reply still completes', async () => {
    const chatId = await newChat();
    ctx.upstream.script({ chunks: ['x'], usage: 'null-choices' }, { chunks: ['y'], usage: false });
    const a = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(ctx.user.auth)
      .send({ content: 'q1' });
    const b = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(ctx.user.auth)
      .send({ content: 'q2' });
    expect(a.status).toBe(201);
    expect(a.body.messages[1]).toMatchObject({
      content: 'x',
      status: 'complete',
      usage: { promptTokens: 11, completionTokens: 1, totalTokens: 12 },
    });
    expect(b.status).toBe(201);
    expect(b.body.messages[1]).toMatchObject({
      content: 'y',
      status: 'complete',
      usage: null,
      finishReason: 'stop',
    });
  });

  it('when the model is silent for a while, then `: ping` comments keep the stream alive without changing the events', async () => {
    const chatId = await newChat();
    let seenTwoPings!: () => void;
    const silentUntil = new Promise<void>((resolve) => (seenTwoPings = resolve));
    // The model sends its chunks, then says nothing until the client has received two pings.
    ctx.upstream.script({ chunks: ['slow', ' reply'], holdUntil: silentUntil });
    const s = ctx.stream(`/api/chats/${chatId}/messages`, {
      content: 'take your time',
      stream: true,
    });
    await s.waitFor(() => s.comments.filter((c) => c === 'ping').length >= 2);
    seenTwoPings();
    await s.ended;
    expect(s.events.map((e) => e.event)).toEqual(['meta', 'delta', 'delta', 'done']);
    expect(s.events.at(-1)!.data.message).toMatchObject({
      status: 'complete',
      content: 'slow reply',
    });
  });

  it('when deltas flow for several ping periods, then `: ping`s still come, about one per period and never in a burst, and the events are unchanged', async () => {
    const chatId = await newChat();
    // 60 chunks 10 ms apart: about six ping periods (0.1 s) of deltas. A ping owed meanwhile
    // rides with the next delta (one socket write); the client sees it the same way.
    const chunks = Array.from({ length: 60 }, (_, i) => `w${i} `);
    ctx.upstream.script({ chunks, delayMs: 10 });
    const s = ctx.stream(`/api/chats/${chatId}/messages`, { content: 'go on', stream: true });
    const pings = () => s.comments.filter((c) => c === 'ping').length;
    const deltas = () => s.events.filter((e) => e.event === 'delta').length;
    await s.waitFor(() => deltas() >= 1);
    const [firstAt, atFirst] = [Date.now(), pings()];
    await s.waitFor(() => deltas() === chunks.length);
    const periods = (Date.now() - firstAt) / 100;
    // About one per period. The ping wheel does not catch up the ticks a stalled event loop
    // missed (a collection, a busy machine) while the stall still adds to the time: half of
    // them leaves room for stalls of up to about half the stream's time, and still fails
    // when pings stop while deltas flow (the exact cadence is shared-timers.test.ts's).
    expect(pings() - atFirst).toBeGreaterThanOrEqual(Math.max(2, Math.floor(periods / 2)));
    expect(pings() - atFirst).toBeLessThanOrEqual(Math.ceil(periods / (6 / 8)) + 1);
    await s.ended;
    expect(s.events.map((e) => e.event)).toEqual(['meta', ...chunks.map(() => 'delta'), 'done']);
    expect(s.events.at(-1)!.data.message).toMatchObject({
      status: 'complete',
      content: chunks.join(''),
    });
  });

  it('when a message names another allowed model, then that model is asked and recorded', async () => {
    const chatId = await newChat();
    const res = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(ctx.user.auth)
      .send({ content: 'hi', model: 'other-model' });
    expect(res.status).toBe(201);
    expect(ctx.upstream.requests[0]!.model).toBe('other-model');
    expect(res.body.messages[1].model).toBe('other-model');
    expect((await Chat.findById(chatId).lean())!.model).toBe('test-model');
  });
});

describe('a stream whose meta cannot be built', () => {
  it('when building the `meta` event throws, then the client gets a JSON 500 instead of a stream, and the reply is not left registered and unrun: its model call is dropped, its slot given back and it is stored as stopped', async () => {
    const chatId = await newChat();
    ctx.upstream.script({ endless: true, chunks: ['never read '] });
    // A chat document its mapper cannot serialise; every other chat maps as usual. Restored
    // before anything is asserted: the worker's next files import the same module.
    const original = mapper.toChatJson;
    const spy = vi.spyOn(mapper, 'toChatJson').mockImplementation((chat) => {
      if (String(chat._id) === chatId) throw new Error('unexpected chat document');
      return original(chat);
    });
    const res = await Promise.resolve(streamTo(chatId, { content: 'Hi!' })).finally(() =>
      spy.mockRestore(),
    );
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(res.body as string)).toMatchObject({ error: { code: 'INTERNAL' } });

    const reply = await eventually(
      () => Message.findOne({ chatId, role: 'assistant' }).lean(),
      (m) => m !== null && m.status !== 'streaming',
      5000,
    );
    expect(reply).toMatchObject({ status: 'incomplete', stopReason: 'stop', content: '' });
    // Its registration and slot go once its final write has landed, a moment after.
    await eventually(
      () => Promise.resolve(liveReply(String(reply!._id))),
      (live) => live === undefined,
    );
    expect(
      await eventually(
        () => Generation.countDocuments({ userId: reply!.userId }),
        (n) => n === 0,
      ),
    ).toBe(0);
    await eventually(
      () => Promise.resolve(ctx.upstream.requests.at(-1)?.aborted),
      (aborted) => aborted === true,
    );
  });
});
