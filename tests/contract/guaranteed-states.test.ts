import { Types } from 'mongoose';
import { beforeAll, describe, expect, it } from 'vitest';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { publishedSchemas } from '../helpers/published.js';
import { openSse, type SseClient, type SseEvent } from '../helpers/sse.js';

/**
 * The states the description publishes for the messages of an exchange (UserMessage,
 * StreamingReply, DoneReply, FailedReply, AnsweredReply) are what the server sends on every path
 * that sends them: each answer below is validated against the published components, as served.
 */
describe('the published states of an exchange’s messages, on every path that sends them', () => {
  const ctx = useChatApp();
  let published: ReturnType<typeof publishedSchemas>;
  beforeAll(async () => {
    published = publishedSchemas((await ctx.request().get('/api/openapi.json').expect(200)).body);
  });

  const EVENT_DATA: Record<string, string> = {
    meta: 'MetaEventData',
    delta: 'DeltaEventData',
    title: 'TitleEventData',
    done: 'DoneEventData',
    error: 'ErrorEventData',
  };

  /** Every event of a finished stream, each against its published data; returns the final one. */
  const checkEvents = (events: SseEvent[], label: string): SseEvent => {
    for (const e of events) published.check(EVENT_DATA[e.event]!, e.data, `${label} ${e.event}`);
    const finals = events.filter((e) => e.event === 'done' || e.event === 'error');
    expect(finals, label).toHaveLength(1);
    return finals[0]!;
  };
  const finished = async (s: SseClient, label: string) => {
    await s.waitFor(() => s.events.some((e) => e.event === 'done' || e.event === 'error'));
    await s.ended;
    return checkEvents(s.events, label);
  };
  const json = (path: string, body: unknown, key?: string) => {
    const req = ctx.request().post(path).set(ctx.user.auth);
    return (key ? req.set('Idempotency-Key', key) : req).send(body as object);
  };
  const newChat = async () =>
    (await ctx.request().post('/api/chats').set(ctx.user.auth).send({}).expect(201)).body
      .id as string;

  it('when the published components are given states the server never sends, then they refuse them (the check has teeth)', async () => {
    const s = ctx.stream(`/api/chats/${await newChat()}/messages`, { content: 'hi' });
    const { data } = await finished(s, 'send');
    const meta = s.events[0]!.data;
    expect(published.valid('DoneEventData', data)).toBe(true);
    for (const status of ['streaming', 'error'])
      expect(
        published.valid('DoneEventData', { ...data, message: { ...data.message, status } }),
      ).toBe(false);
    expect(
      published.valid('DoneEventData', {
        ...data,
        message: { ...data.message, error: { code: 'INTERNAL', message: 'x' } },
      }),
    ).toBe(false);
    const asError = { error: { code: 'INTERNAL', message: 'x' }, message: data.message };
    expect(published.valid('ErrorEventData', asError)).toBe(false); // status complete, error null
    const metaWith = (part: string, change: object) =>
      published.valid('MetaEventData', { ...meta, [part]: { ...meta[part], ...change } });
    expect(metaWith('userMessage', { role: 'assistant' })).toBe(false);
    expect(metaWith('userMessage', { status: 'streaming' })).toBe(false);
    expect(metaWith('assistantMessage', { role: 'user' })).toBe(false);
    expect(metaWith('assistantMessage', { status: 'complete' })).toBe(false);
    const sent = (
      await json(`/api/chats/${meta.chat.id}/messages`, { content: 'again', stream: false })
    ).body;
    published.check('ExchangeResult', sent);
    expect(
      published.valid('ExchangeResult', {
        ...sent,
        messages: [sent.messages[1], sent.messages[0]],
      }),
    ).toBe(false);
    expect(
      published.valid('ExchangeResult', {
        ...sent,
        messages: [...sent.messages, sent.messages[0]],
      }),
    ).toBe(false);
  });

  it('when replies are sent, streamed or as JSON, on the chats routes and the SigmaGPT route, then meta, done and the [user, assistant] pair are as published', async () => {
    ctx.upstream.setDefault({ chunks: ['Hel', 'lo'] });
    const created = ctx.stream('/api/chats', { message: 'first', stream: true });
    const createdEnd = await finished(created, 'POST /api/chats stream');
    expect(createdEnd.event).toBe('done');
    expect(createdEnd.data.message).toMatchObject({
      role: 'assistant',
      status: 'complete',
      error: null,
    });
    const meta = created.events[0]!;
    expect(meta.event).toBe('meta');
    expect(meta.data.userMessage).toMatchObject({ role: 'user', status: 'complete' });
    expect(meta.data.assistantMessage).toMatchObject({
      role: 'assistant',
      status: 'streaming',
      error: null,
    });

    const chatId = meta.data.chat.id as string;
    const sends = [
      ['POST /api/chats/:id/messages', `/api/chats/${chatId}/messages`, { content: 'more' }],
      ['POST /api/chat', '/api/chat', { message: 'compat', chatId }],
      ['POST /api/chat (new chat)', '/api/chat', { message: 'compat new' }],
    ] as const;
    for (const [label, path, body] of sends) {
      const end = await finished(ctx.stream(path, { ...body, stream: true }), label);
      expect(end.event, label).toBe('done');
    }
    for (const [label, path, body] of sends) {
      const res = await json(path, { ...body, stream: false });
      expect(res.status, label).toBe(201);
      published.check('ExchangeResult', res.body, `${label} JSON`);
      expect(res.body.messages[0]).toMatchObject({ role: 'user', status: 'complete' });
      expect(res.body.messages[1]).toMatchObject({ role: 'assistant', status: 'complete' });
    }
    const started = await json('/api/chats', { message: 'json first', stream: false });
    published.check('CreatedChat', started.body, 'POST /api/chats JSON');
  });

  it('when a reply is stopped, fails upstream, is regenerated or continued, then every event and JSON answer is as published', async () => {
    const chatId = await newChat();
    // Stopped: done, incomplete, no error.
    // Paced: a model writing as fast as it can would leave the test's reader a backlog to parse
    // after the stop, longer than its wait on a loaded machine.
    ctx.upstream.setDefault({ chunks: ['and on'], endless: true, delayMs: 5 });
    const s = ctx.stream(`/api/chats/${chatId}/messages`, { content: 'go on' });
    await s.waitForEvent('delta');
    await ctx.request().post(`/api/chats/${chatId}/stop`).set(ctx.user.auth).expect(202);
    const stopped = await finished(s, 'stopped');
    expect(stopped.event).toBe('done');
    expect(stopped.data.message).toMatchObject({
      status: 'incomplete',
      stopReason: 'stop',
      error: null,
    });
    const answerId = stopped.data.message.id as string;

    // Continued (an incomplete answer, then one cut by the token limit), streamed and as JSON.
    const continuePath = `/api/chats/${chatId}/messages/${answerId}/continue`;
    ctx.upstream.script({ chunks: [' cut'], finishReason: 'length' });
    const cut = ctx.stream(continuePath, {});
    expect((await finished(cut, 'continue, cut by length')).event).toBe('done');
    expect(cut.events[0]!.data.assistantMessage).toMatchObject({ status: 'streaming' });
    ctx.upstream.script({ chunks: [' cut again'], finishReason: 'length' });
    const continuedJson = await json(continuePath, { stream: false });
    expect(continuedJson.status).toBe(201);
    published.check('ExchangeResult', continuedJson.body, 'continue JSON');
    ctx.upstream.setDefault({ chunks: [' and the end'] });
    expect((await finished(ctx.stream(continuePath, {}), 'continue')).event).toBe('done');

    // Regenerated, streamed then as JSON.
    const regenerated = ctx.stream(`/api/chats/${chatId}/messages/${answerId}/regenerate`, {});
    expect((await finished(regenerated, 'regenerate')).event).toBe('done');
    const regeneratedJson = await json(`/api/chats/${chatId}/messages/${answerId}/regenerate`, {
      stream: false,
    });
    expect(regeneratedJson.status).toBe(201);
    published.check('ExchangeResult', regeneratedJson.body, 'regenerate JSON');

    // Failed upstream: the error event, status error, its error the event's own.
    for (const script of [
      { status: 500 },
      { chunks: ['a', 'b'], failAfter: 1, failWith: 'error-event' as const },
    ]) {
      ctx.upstream.script(script);
      const failed = await finished(
        ctx.stream(`/api/chats/${chatId}/messages`, { content: 'fail' }),
        `failed ${JSON.stringify(script)}`,
      );
      expect(failed.event).toBe('error');
      expect(failed.data.message).toMatchObject({ role: 'assistant', status: 'error' });
      expect(failed.data.message.error).toEqual(failed.data.error);
    }
  });

  /** A finished exchange of a new chat, streamed: its chat, reply and question ids. */
  const exchange = async (content: string, key?: string) => {
    ctx.upstream.setDefault({ chunks: ['An ', 'answer'] });
    const s = openSse(ctx.server.port, {
      path: '/api/chats',
      token: ctx.user.accessToken,
      method: 'POST',
      body: { message: content, stream: true },
      headers: key ? { 'Idempotency-Key': key } : {},
    });
    await finished(s, 'exchange');
    const meta = s.events[0]!.data;
    return {
      chatId: meta.chat.id as string,
      replyId: meta.assistantMessage.id as string,
      userId: new Types.ObjectId(ctx.user.id),
    };
  };
  const follow = (chatId: string, replyId: string, lastEventId?: string) =>
    openSse(ctx.server.port, {
      path: `/api/chats/${chatId}/messages/${replyId}/stream`,
      token: ctx.user.accessToken,
      headers: lastEventId ? { 'Last-Event-ID': lastEventId } : {},
    });
  /** The reply as another instance would leave it while it generates: streaming under its live lease. */
  const streamingElsewhere = async (replyId: string, userId: Types.ObjectId, expiresAt: Date) => {
    const token = `elsewhere-${replyId}`;
    await Generation.collection.insertOne({
      _id: new Types.ObjectId(),
      userId,
      chatId: new Types.ObjectId(),
      slot: 7,
      token,
      instanceId: token,
      expiresAt,
      waitingSince: null,
    });
    await Message.collection.updateOne(
      { _id: new Types.ObjectId(replyId) },
      {
        $set: {
          status: 'streaming',
          content: 'So far',
          finishReason: null,
          usage: null,
          error: null,
          stopReason: null,
          lease: { slot: 7, token, at: new Date() },
        },
      },
    );
    return token;
  };

  it('when a reply is followed (another tab, a reconnect, a reader on another instance), then every event is as published, whichever way it ends there', async () => {
    // A finished reply, from the start (meta first) and from a cursor.
    const done = await exchange('follow me');
    const whole = follow(done.chatId, done.replyId);
    expect((await finished(whole, 'follow from the start')).event).toBe('done');
    expect(whole.events[0]!.data.assistantMessage).toMatchObject({
      status: 'streaming',
      content: '',
    });
    const rest = follow(done.chatId, done.replyId, `${done.replyId}:3`);
    await finished(rest, 'follow from a cursor');

    // Generated on another instance: followed through the database to its stored end, whole or
    // cut by that instance's shutdown.
    for (const [end, stopReason] of [
      ['complete', null],
      ['incomplete', 'shutdown'],
    ] as const) {
      const other = await exchange(`elsewhere ${end}`);
      const token = await streamingElsewhere(
        other.replyId,
        other.userId,
        new Date(Date.now() + 600_000),
      );
      const s = follow(other.chatId, other.replyId);
      await s.waitForEvent('delta');
      expect(s.events[0]!.data.assistantMessage).toMatchObject({ status: 'streaming' });
      await Message.collection.updateOne(
        { _id: new Types.ObjectId(other.replyId) },
        { $set: { status: end, content: 'So far, and the end', stopReason } },
      );
      const final = await finished(s, `followed elsewhere, ${end}`);
      expect(final.event).toBe('done');
      expect(final.data.message).toMatchObject({ status: end, stopReason, error: null });
      await Generation.deleteOne({ token });
    }

    // Its instance died: the follower finishes it as interrupted, an error event whose message is
    // incomplete; a JSON repeat of the send (its key) answers 201 with that reply.
    const dead = await exchange('interrupted', 'interrupted-key');
    await streamingElsewhere(dead.replyId, dead.userId, new Date(Date.now() - 120_000));
    const interrupted = await finished(follow(dead.chatId, dead.replyId), 'interrupted');
    expect(interrupted.event).toBe('error');
    expect(interrupted.data.message).toMatchObject({
      status: 'incomplete',
      error: { code: 'INTERRUPTED' },
    });
    const repeat = await json(
      '/api/chats',
      { message: 'interrupted', stream: false },
      'interrupted-key',
    );
    expect(repeat.status).toBe(201);
    published.check('CreatedChat', repeat.body, 'JSON repeat of an interrupted exchange');
    expect(repeat.body.messages[1]).toMatchObject({
      status: 'incomplete',
      error: { code: 'INTERRUPTED' },
    });

    // The reply deleted while a reader on another instance followed it: an error event, NOT_FOUND.
    const gone = await exchange('deleted while followed');
    const goneToken = await streamingElsewhere(
      gone.replyId,
      gone.userId,
      new Date(Date.now() + 600_000),
    );
    const s = follow(gone.chatId, gone.replyId);
    await s.waitForEvent('delta');
    await Message.collection.deleteOne({ _id: new Types.ObjectId(gone.replyId) });
    const deleted = await finished(s, 'deleted while followed');
    expect(deleted.data).toMatchObject({
      error: { code: 'NOT_FOUND' },
      message: { status: 'error' },
    });
    await Generation.deleteOne({ token: goneToken });
  });
});
