import type { CommandStartedEvent } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { forgetLapsedReaders, ReplyReader } from '../../src/modules/chats/reply-reader.model.js';
import { UsageEntry } from '../../src/modules/usage/usage.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { monitoredClient } from '../helpers/commands.js';
import { expectError } from '../helpers/auth.js';
import { eventually } from '../helpers/eventually.js';
import { finalsOf, openSse } from '../helpers/sse.js';
import { createUser, type TestUser } from '../helpers/users.js';

const CHECKPOINT_MS = 200;
const ctx = useChatApp({
  MAX_CONCURRENT_STREAMS: '4',
  STREAM_CHECKPOINT_MS: String(CHECKPOINT_MS),
  DETACH_GRACE_SECONDS: '3',
  RESUME_POLL_MS: '50',
  DB_COMMAND_METRICS: 'true',
});
let other: TestUser;
const commands: CommandStartedEvent[] = [];

beforeAll(async () => {
  monitoredClient().on('commandStarted', (event) => commands.push(event));
  other = await createUser({ label: 'other' });
});

const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i} `);
const newChat = async (as = ctx.user) =>
  (await ctx.request().post('/api/chats').set(as.auth).send({})).body.id as string;
const send = (chatId: string, headers: Record<string, string> = {}, content = 'hello') =>
  openSse(ctx.server.port, {
    method: 'POST',
    path: `/api/chats/${chatId}/messages`,
    token: ctx.user.accessToken,
    body: { content, stream: true },
    headers,
  });
const resume = (
  chatId: string,
  replyId: string,
  headers: Record<string, string> = {},
  as = ctx.user,
) =>
  openSse(ctx.server.port, {
    path: `/api/chats/${chatId}/messages/${replyId}/stream`,
    token: as.accessToken,
    headers,
  });
const replyIdOf = (s: ReturnType<typeof send>) =>
  s.events.find((e) => e.event === 'meta')!.data.assistantMessage.id as string;
const final = (replyId: string) =>
  eventually(
    () => Message.findById(replyId).lean(),
    (m) => m !== null && m.status !== 'streaming',
    10_000,
  );

/** A chat with one exchange; its question's id. */
async function chatWithQuestion(): Promise<{ chatId: string; questionId: string }> {
  const chatId = await newChat();
  ctx.upstream.script({ chunks: ['q'] });
  const res = await ctx
    .request()
    .post(`/api/chats/${chatId}/messages`)
    .set(ctx.user.auth)
    .send({ content: 'before' });
  return { chatId, questionId: res.body.messages[0].id as string };
}

/**
 * A second answer to the question, streaming under a generation lease of another instance (dead
 * when `expiresAt` has passed, alive when it is renewed far ahead), stored with `content` so far.
 * The regenerate that began it moved the chat's branch to it.
 */
async function streamingReply(
  chatId: string,
  questionId: string,
  content: string,
  lease: { token: string; slot: number; instanceId: string; expiresAt: Date },
  /** When the budget admitted its call (on the reply's lease, as an exchange writes it). */
  admittedAt = new Date(),
) {
  const { token, slot } = lease;
  const reply = await Message.create({
    chatId,
    userId: ctx.user.id,
    parentId: questionId,
    role: 'assistant',
    content,
    status: 'streaming',
    model: 'test-model',
    createdAt: new Date(),
    lease: { slot, token, at: admittedAt },
  });
  await Generation.create({ userId: ctx.user.id, chatId, ...lease });
  await Chat.updateOne(
    { _id: chatId },
    { $set: { activeLeafId: reply._id }, $unset: { context: 1 } },
  );
  return reply;
}

describe('a reply stored while it grows', () => {
  it('when a reply streams, then GET /api/chats/:id shows it `streaming` with its checkpointed text, and checkpoints follow the duration, not the chunk count', async () => {
    const chatId = await newChat();
    // About 1.5 s either way: 15 chunks 100 ms apart, then 75 chunks 20 ms apart.
    const checkpointsDuring = async (chunks: number, delayMs: number) => {
      ctx.upstream.script({ chunks: words(chunks), delayMs });
      const s = send(chatId);
      await s.waitFor(() => s.deltas().length >= chunks / 2);
      commands.length = 0;
      const seen = await eventually(
        async () => (await ctx.request().get(`/api/chats/${chatId}`).set(ctx.user.auth)).body,
        (chat) => chat.messages.at(-1)?.content.length > 0,
        5000,
      );
      const reply = seen.messages.at(-1);
      expect(reply).toMatchObject({ role: 'assistant', status: 'streaming', id: replyIdOf(s) });
      expect(words(chunks).join('').startsWith(reply.content)).toBe(true);
      await s.ended;
      expect(s.events.at(-1)!.event).toBe('done');
      return commands.filter((c) => c.commandName === 'update' && c.command.update === 'messages')
        .length;
    };
    const few = await checkpointsDuring(15, 100);
    const many = await checkpointsDuring(75, 20);
    // Half of ~1.5 s at one checkpoint per 200 ms, plus the final write: far below 37 chunks.
    for (const writes of [few, many]) {
      expect(writes).toBeGreaterThanOrEqual(2);
      expect(writes).toBeLessThanOrEqual(8);
    }
  });
});

describe('resuming a reply on the instance that generates it', () => {
  it('when the client drops after k deltas (random k) and reconnects with Last-Event-ID, then it gets exactly the rest, then done', async () => {
    const chunks = words(40);
    for (const k of [1 + Math.floor(Math.random() * 10), 10 + Math.floor(Math.random() * 25)]) {
      ctx.upstream.script({ chunks, delayMs: 30 });
      const chatId = await newChat();
      const first = send(chatId);
      await first.waitFor(() => first.deltas().length >= k);
      first.close();
      const seen = first.text();
      const lastId = first.lastId();
      const replyId = replyIdOf(first);
      expect(lastId).toBe(`${replyId}:${seen.length}`);

      const again = resume(chatId, replyId, { 'Last-Event-ID': lastId });
      await again.ended;
      expect(again.status).toBe(200);
      expect(again.events[0]!.event).toBe('delta'); // no meta: it had that
      expect(seen + again.text()).toBe(chunks.join(''));
      expect(finalsOf(again)).toHaveLength(1);
      expect(again.events.at(-1)).toMatchObject({
        event: 'done',
        id: `${replyId}:end`,
        data: { message: { id: replyId, status: 'complete', content: chunks.join('') } },
      });
      expect(ctx.upstream.requests).toHaveLength(1);
      ctx.upstream.reset();
    }
  });

  it('when a reader resumes at the end of what was sent while the model holds its next token, then the stream opens (200, headers) before any event, and the rest follows', async () => {
    let release!: () => void;
    ctx.upstream.script({
      chunks: ['a ', 'b '],
      holdUntil: new Promise<void>((r) => (release = r)),
      afterHold: ['c'],
    });
    const chatId = await newChat();
    const first = send(chatId);
    await first.waitFor(() => first.deltas().length === 2);
    first.close();
    const replyId = replyIdOf(first);
    const again = resume(chatId, replyId, { 'Last-Event-ID': first.lastId() });
    try {
      await again.waitFor(() => again.status === 200);
      expect(again.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(again.events).toEqual([]);
    } finally {
      release();
    }
    await again.ended;
    expect(again.text()).toBe('c');
    expect(again.events.at(-1)).toMatchObject({
      event: 'done',
      data: { message: { id: replyId, status: 'complete', content: 'a b c' } },
    });
  });

  it('when a second reader attaches from the beginning, then both get identical events from one generation', async () => {
    ctx.upstream.script({ chunks: words(30), delayMs: 30 });
    const chatId = await newChat();
    const first = send(chatId);
    await first.waitFor(() => first.deltas().length >= 5);
    const second = resume(chatId, replyIdOf(first));
    await Promise.all([first.ended, second.ended]);
    expect(second.events[0]!.event).toBe('meta');
    expect(second.text()).toBe(first.text());
    expect(second.events.at(-1)).toEqual(first.events.at(-1));
    expect(second.events[0]!.data).toEqual(first.events[0]!.data);
    expect(ctx.upstream.requests).toHaveLength(1);
  });

  it('when the only client goes away, then the reply goes on and is stored complete; a reconnect after the end gets the rest and done at once', async () => {
    const chunks = words(20);
    // Three words, then the model waits for the client to be gone before the other seventeen: the
    // reconnect always has text to catch up on, however the deltas were batched on the way.
    let gone!: () => void;
    const clientGone = new Promise<void>((resolve) => (gone = resolve));
    ctx.upstream.script({
      chunks: chunks.slice(0, 3),
      holdUntil: clientGone,
      afterHold: chunks.slice(3),
    });
    const chatId = await newChat();
    const first = send(chatId);
    await first.waitFor(() => first.deltas().length === 3);
    first.close();
    await first.ended;
    gone();
    const replyId = replyIdOf(first);
    expect(await final(replyId)).toMatchObject({ status: 'complete', content: chunks.join('') });
    expect(ctx.upstream.requests[0]!.aborted).toBe(false);

    const again = resume(chatId, replyId, { 'Last-Event-ID': first.lastId() });
    await again.ended;
    expect(first.text() + again.text()).toBe(chunks.join(''));
    // Exactly the rest, then done: served from the stored reply as one delta, or, while this
    // instance still holds the finished reply, as the deltas it buffered.
    expect(again.events.at(-1)!.event).toBe('done');
    expect(again.events.slice(0, -1).every((e) => e.event === 'delta')).toBe(true);
    expect(again.deltas().length).toBeGreaterThan(0);
    // The same through ?lastEventId= for clients that cannot set headers.
    const viaQuery = openSse(ctx.server.port, {
      path: `/api/chats/${chatId}/messages/${replyId}/stream?lastEventId=${encodeURIComponent(first.lastId())}`,
      token: ctx.user.accessToken,
    });
    await viaQuery.ended;
    expect(viaQuery.text()).toBe(again.text());
  });

  it('when no reader attaches within DETACH_GRACE_SECONDS, then the reply is cut and stored incomplete, and its slot is freed', async () => {
    ctx.upstream.script({ chunks: words(400), delayMs: 25 });
    const chatId = await newChat();
    const first = send(chatId);
    await first.waitFor(() => first.deltas().length >= 2);
    const left = Date.now();
    first.close();
    const reply = await final(replyIdOf(first));
    expect(Date.now() - left).toBeGreaterThanOrEqual(2500);
    expect(reply).toMatchObject({ status: 'incomplete', error: null, stopReason: 'detached' });
    expect(reply!.content.length).toBeLessThan(words(400).join('').length);
    await ctx.upstream.requests[0]!.finished;
    expect(ctx.upstream.requests[0]!.aborted).toBe(true);
    expect(
      await eventually(
        () => Generation.countDocuments({ userId: ctx.user.id }),
        (n) => n === 0,
      ),
    ).toBe(0);
  });
});

describe('reconnecting with POST (EventSource style)', () => {
  it('when a POST carries the Last-Event-ID of a finished reply, then nothing is sent again: the rest and done, or 204 once all was delivered', async () => {
    ctx.upstream.script({ chunks: words(10), delayMs: 10 });
    const chatId = await newChat();
    const first = send(chatId);
    await first.waitFor(() => first.deltas().length >= 2);
    first.close();
    const replyId = replyIdOf(first);
    await final(replyId);

    const again = send(chatId, { 'Last-Event-ID': first.lastId() });
    await again.ended;
    expect(again.status).toBe(200);
    expect(first.text() + again.text()).toBe(words(10).join(''));
    expect(again.lastId()).toBe(`${replyId}:end`);

    const done = send(chatId, { 'Last-Event-ID': again.lastId() });
    await done.ended;
    expect(done.status).toBe(204);
    // Asked as JSON, a reconnect is a contradiction: refused, nothing sent either.
    const asJson = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(ctx.user.auth)
      .set('Last-Event-ID', first.lastId())
      .send({ content: 'hello', stream: false });
    expectError(asJson, 400, 'INVALID_LAST_EVENT_ID');
    expect(asJson.body.error.message).toMatch(/JSON/);
    expect(await Message.countDocuments({ chatId })).toBe(2);
    expect(ctx.upstream.requests).toHaveLength(1);
  });
});

describe('resuming with bad input', () => {
  it('when a made-up Last-Event-ID points inside a character (a surrogate pair), then 400, for a finished reply and one streaming here; at its edge, the rest', async () => {
    const chatId = await newChat();
    ctx.upstream.script({ chunks: ['a😀', 'b'] });
    const done = send(chatId);
    await done.ended;
    const finished = replyIdOf(done);
    const path = (replyId: string) => `/api/chats/${chatId}/messages/${replyId}/stream`;
    const inside = await ctx
      .request()
      .get(path(finished))
      .set(ctx.user.auth)
      .set('Last-Event-ID', `${finished}:2`);
    expectError(inside, 400, 'INVALID_LAST_EVENT_ID');
    expect(inside.body.error.message).toMatch(/inside a character/);
    const edge = resume(chatId, finished, { 'Last-Event-ID': `${finished}:1` });
    await edge.ended;
    expect(edge.text()).toBe('😀b');

    let release!: () => void;
    ctx.upstream.script({ chunks: ['c😀'], holdUntil: new Promise<void>((r) => (release = r)) });
    const held = send(chatId, {}, 'again');
    await held.waitForEvent('delta');
    const live = replyIdOf(held);
    expectError(
      await ctx.request().get(path(live)).set(ctx.user.auth).set('Last-Event-ID', `${live}:2`),
      400,
      'INVALID_LAST_EVENT_ID',
    );
    const rest = resume(chatId, live, { 'Last-Event-ID': `${live}:1` });
    await rest.waitFor(() => rest.text() === '😀');
    release();
    await Promise.all([held.ended, rest.ended]);
    expect(rest.events.at(-1)!.event).toBe('done');
  });

  it('when the Last-Event-ID is malformed, names another reply or points past the end, or the message is not a reply of this chat of this user, then 400/404 JSON and nothing changes', async () => {
    ctx.upstream.script({ chunks: ['a', 'b'] }, { chunks: ['c'] });
    const chatId = await newChat();
    const a = send(chatId);
    await a.ended;
    const b = send(chatId);
    await b.ended;
    const [replyA, replyB] = [replyIdOf(a), replyIdOf(b)];
    const question = a.events[0]!.data.userMessage.id as string;
    const otherChat = await newChat(other);
    const before = await Message.find().sort({ _id: 1 }).lean();
    const chatsBefore = await Chat.countDocuments({ userId: ctx.user.id });

    const get = (path: string, lastEventId?: string, as = ctx.user) => {
      const req = ctx.request().get(path).set(as.auth);
      return lastEventId === undefined ? req : req.set('Last-Event-ID', lastEventId);
    };
    const stream = `/api/chats/${chatId}/messages/${replyA}/stream`;
    for (const bad of ['1', `${replyA}`, `${replyA}:-1`, `${replyA}:x`, 'a'.repeat(24) + ':1'])
      expectError(await get(stream, bad), 400, 'INVALID_LAST_EVENT_ID');
    expectError(await get(stream, `${replyB}:1`), 400, 'INVALID_LAST_EVENT_ID');
    expectError(await get(stream, `${replyA}:3`), 400, 'INVALID_LAST_EVENT_ID');
    // Past the published maxLength (100) too, in the header as in the query: the code README names.
    for (const bad of ['nonsense', 'x'.repeat(101), `${replyA}:${'1'.repeat(100)}`]) {
      expectError(await get(stream, bad), 400, 'INVALID_LAST_EVENT_ID');
      const asQuery = await ctx
        .request()
        .get(stream)
        .query({ lastEventId: bad })
        .set(ctx.user.auth);
      expectError(asQuery, 400, 'INVALID_LAST_EVENT_ID');
      expect(asQuery.body.error.message).toBe(
        'The Last-Event-ID is not usable: expected an event id of this API, `<replyId>:<offset>`',
      );
    }
    // Another user's chat, a reply of another chat, a user message, a message that does not exist.
    expectError(await get(stream, undefined, other), 404, 'NOT_FOUND');
    expectError(
      await get(`/api/chats/${otherChat}/messages/${replyA}/stream`, undefined, other),
      404,
      'NOT_FOUND',
    );
    expectError(
      await get(`/api/chats/${chatId}/messages/${question}/stream`),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await get(`/api/chats/${chatId}/messages/${'f'.repeat(24)}/stream`),
      404,
      'NOT_FOUND',
    );
    // A POST reconnect naming another user's reply, or one of another chat.
    const otherReply = await ctx
      .request()
      .post(`/api/chats/${otherChat}/messages`)
      .set(other.auth)
      .send({ content: 'mine' });
    const foreign = `${otherReply.body.messages[1].id}:0`;
    const post = (path: string, id: string) =>
      ctx
        .request()
        .post(path)
        .set(ctx.user.auth)
        .set('Last-Event-ID', id)
        .send(
          path === '/api/chats'
            ? { message: 'again', stream: true }
            : { content: 'again', stream: true },
        );
    expectError(await post(`/api/chats/${chatId}/messages`, foreign), 400, 'INVALID_LAST_EVENT_ID');
    expectError(await post('/api/chats', foreign), 400, 'INVALID_LAST_EVENT_ID');
    expectError(await post(`/api/chats/${chatId}/messages`, 'x'), 400, 'INVALID_LAST_EVENT_ID');
    // Creating a chat without a message: the header is still read, never ignored.
    const createWith = (id: string) =>
      ctx.request().post('/api/chats').set(ctx.user.auth).set('Last-Event-ID', id).send({});
    expectError(await createWith('x'.repeat(101)), 400, 'INVALID_LAST_EVENT_ID');
    expectError(await createWith(foreign), 400, 'INVALID_LAST_EVENT_ID');
    expect(await Chat.countDocuments({ userId: ctx.user.id })).toBe(chatsBefore);

    const after = await Message.find({ chatId: { $ne: otherChat } })
      .sort({ _id: 1 })
      .lean();
    expect(after).toEqual(before);
    expect(ctx.upstream.requests).toHaveLength(3);
  });
});

describe('a reply whose instance died', () => {
  it('when a streaming reply has a lapsed lease, then reading the chat finishes it as incomplete with its checkpoint and INTERRUPTED, and a reader gets that final event', async () => {
    const { chatId, questionId } = await chatWithQuestion();
    // What a crashed instance leaves behind: a checkpointed reply and a lease nobody renews.
    const crashed = async (token: string, admittedAt?: Date) => {
      const reply = await streamingReply(
        chatId,
        questionId,
        `partial ${token}`,
        { token, slot: 3, instanceId: 'gone', expiresAt: new Date(Date.now() - 1000) },
        admittedAt,
      );
      return String(reply._id);
    };
    // Admitted the day before (its call ran past midnight when the instance died).
    const dayBefore = new Date(Date.now() - 86_400_000);
    const readByChat = await crashed('dead-1', dayBefore);
    const chat = await ctx.request().get(`/api/chats/${chatId}`).set(ctx.user.auth);
    expect(chat.body.messages.find((m: { id: string }) => m.id === readByChat)).toMatchObject({
      status: 'incomplete',
      content: 'partial dead-1',
      error: { code: 'INTERRUPTED' },
    });
    expect(await Generation.countDocuments({ token: 'dead-1' })).toBe(0);
    // The dead instance never charged the ledger: the finalisation does, once, estimated.
    const charged = async () => UsageEntry.find({ _id: readByChat }).lean();
    const [entry] = await charged();
    expect(await charged()).toHaveLength(1);
    expect(entry).toMatchObject({ estimated: true, model: 'test-model', kind: 'reply' });
    // Charged to the day whose budget admitted the call, not the day it was finished.
    expect(entry!.day).toBe(dayBefore.toISOString().slice(0, 10));
    expect(entry!.completionTokens).toBeGreaterThan(0);
    expect(entry!.promptTokens).toBeGreaterThan(3);
    const again = await ctx.request().get(`/api/chats/${chatId}`).set(ctx.user.auth);
    expect(again.status).toBe(200);
    expect(await charged()).toHaveLength(1);
    expect(await UsageEntry.countDocuments({ _id: readByChat })).toBe(1);

    const readByStream = await crashed('dead-2');
    const reader = resume(chatId, readByStream);
    await reader.ended;
    expect(reader.events.map((e) => e.event)).toEqual(['meta', 'delta', 'error']);
    expect(reader.text()).toBe('partial dead-2');
    expect(reader.events.at(-1)!.data).toMatchObject({
      error: { code: 'INTERRUPTED' },
      message: { status: 'incomplete', content: 'partial dead-2' },
    });
    expect(await Message.findById(readByStream).lean()).toMatchObject({
      status: 'incomplete',
      error: { code: 'INTERRUPTED' },
    });
  });
});

describe('a reply generated on another instance', () => {
  /**
   * A reply streaming on an instance that is alive (its lease renewed far ahead), answering a
   * stored question, on the chat's active branch: what a reader here finds for a reply of another
   * instance.
   */
  async function streamingElsewhere(token: string, slot: number) {
    const { chatId, questionId } = await chatWithQuestion();
    const reply = await streamingReply(chatId, questionId, 'so far', {
      token,
      slot,
      instanceId: 'elsewhere',
      expiresAt: new Date(Date.now() + 60_000),
    });
    return { chatId, reply };
  }

  it('when a reader here follows it, then its heartbeat goes to its own document and never rewrites the reply, and the reader gets the reply as the generating instance finishes it, then removes its heartbeat', async () => {
    const { chatId, reply } = await streamingElsewhere('elsewhere-1', 3);
    const stored = () => Message.findById(reply._id).lean();
    const before = await stored();
    const reader = resume(chatId, String(reply._id));
    await reader.waitFor(() => reader.text() === 'so far');
    // Two heartbeats (every second with a 3 s grace): the reply's document is as it was.
    const first = await eventually(
      () => ReplyReader.findById(reply._id).lean(),
      (r) => r !== null && r.until.getTime() > Date.now(),
    );
    await eventually(
      () => ReplyReader.findById(reply._id).lean(),
      (r) => r!.until.getTime() > first!.until.getTime(),
    );
    expect(await stored()).toEqual(before);
    // A rename and a pin while it is followed: its `done` shows the chat as stored at the end.
    const changed = await ctx
      .request()
      .patch(`/api/chats/${chatId}`)
      .set(ctx.user.auth)
      .send({ title: 'Renamed while followed', pinned: true });
    expect(changed.status).toBe(200);
    // The generating instance's final write reaches the reader.
    await Message.updateOne(
      { _id: reply._id },
      { $set: { content: 'so far, and the end', status: 'complete', lease: null } },
    );
    await Generation.deleteOne({ token: 'elsewhere-1' });
    await reader.ended;
    expect(reader.text()).toBe('so far, and the end');
    expect(reader.events.at(-1)).toMatchObject({
      event: 'done',
      data: {
        message: { status: 'complete' },
        chat: { id: chatId, title: 'Renamed while followed', pinned: true },
      },
    });
    expect(reader.events.at(-1)!.data.chat).toEqual(changed.body);
    // Nothing left to keep alive; the generating instances' follower poll reads the collection.
    expect(
      await eventually(
        () => ReplyReader.countDocuments({ _id: reply._id }),
        (n) => n === 0,
      ),
    ).toBe(0);
  }, 20_000);

  it("when readers' heartbeats have lapsed, then forgetLapsedReaders (run with the interrupted-reply sweep) removes them and keeps the current ones", async () => {
    const chatId = new Types.ObjectId();
    const userId = new Types.ObjectId(ctx.user.id);
    const [lapsed, current] = [new Types.ObjectId(), new Types.ObjectId()];
    await ReplyReader.collection.insertMany([
      { _id: lapsed, chatId, userId, until: new Date(Date.now() - 1000) },
      { _id: current, chatId, userId, until: new Date(Date.now() + 60_000) },
    ]);
    expect(await forgetLapsedReaders()).toBeGreaterThanOrEqual(1);
    expect(await ReplyReader.countDocuments({ _id: lapsed })).toBe(0);
    expect(await ReplyReader.countDocuments({ _id: current })).toBe(1);
    await ReplyReader.deleteOne({ _id: current });
  });

  it('when the reply is deleted while a reader here follows it, then the reader ends with NOT_FOUND and leaves no reader document, even one its heartbeat wrote after the deletion', async () => {
    const { chatId, reply } = await streamingElsewhere('elsewhere-2', 4);
    const reader = resume(chatId, String(reply._id));
    await reader.waitFor(() => reader.text() === 'so far');
    await eventually(
      () => ReplyReader.findById(reply._id).lean(),
      (r) => r !== null,
    );
    // The deletion's pass over the readers, then a heartbeat of this reader that lands after it,
    // then the reply goes. In that order, the heartbeat is there before the reader can notice the
    // deletion (once it has noticed and ended, it writes no more heartbeats).
    await ReplyReader.deleteMany({ chatId });
    await ReplyReader.collection.updateOne(
      { _id: reply._id },
      { $set: { chatId: reply.chatId, userId: reply.userId, until: new Date(Date.now() + 3000) } },
      { upsert: true },
    );
    await Message.deleteOne({ _id: reply._id });
    await reader.ended;
    expect(reader.events.at(-1)).toMatchObject({
      event: 'error',
      data: { error: { code: 'NOT_FOUND' } },
    });
    expect(await ReplyReader.countDocuments({ chatId })).toBe(0);
    await Generation.deleteOne({ token: 'elsewhere-2' });
  }, 20_000);
});
