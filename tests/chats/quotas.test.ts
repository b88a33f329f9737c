import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Response } from 'supertest';
import mongoose from '../../src/lib/db/mongoose.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { usageOf } from '../../src/modules/chats/chats.quota.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useTestApp } from '../helpers/app.js';
import { expectError } from '../helpers/auth.js';
import { useUpstream, upstreamEnv } from '../helpers/chat-app.js';
import { createUser, type TestUser } from '../helpers/users.js';

const upstream = await useUpstream();
const ctx = useTestApp({
  ...upstreamEnv(upstream),
  CHAT_WRITES_PER_MINUTE: '1000',
  MAX_CHATS_PER_USER: '3',
  MAX_MESSAGES_PER_USER: '4',
  MAX_STORED_BYTES_PER_USER: '1000',
});

const createChat = (who: TestUser, body: Record<string, unknown> = {}) =>
  ctx.request().post('/api/chats').set(who.auth).send(body);
const send = (who: TestUser, chatId: string, content: string) =>
  ctx
    .request()
    .post(`/api/chats/${chatId}/messages`)
    .set(who.auth)
    .send({ content, stream: false });
const stored = async (who: TestUser) => ({
  chats: await Chat.countDocuments({ userId: who.id }),
  messages: await Message.countDocuments({ userId: who.id }),
});

function expectFull(res: Response, code: string) {
  expectError(res, 409, code);
  expect(res.body.error.message).toMatch(/delete/i);
}

describe('chats per user', () => {
  it('when a user has MAX_CHATS_PER_USER chats, then creating one more answers 409 CHAT_LIMIT_REACHED on every route that creates one, and deleting one makes room', async () => {
    const user = await createUser({ label: 'chats-cap' });
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const res = await createChat(user, { title: `chat ${i}` });
      expect(res.status).toBe(201);
      ids.push(res.body.id as string);
    }
    const asked = upstream.requests.length;
    expectFull(await createChat(user, { title: 'one too many' }), 'CHAT_LIMIT_REACHED');
    expectFull(await createChat(user, { message: 'hello', stream: false }), 'CHAT_LIMIT_REACHED');
    expectFull(
      await ctx.request().post('/api/chat').set(user.auth).send({ message: 'hi', stream: false }),
      'CHAT_LIMIT_REACHED',
    );
    expect(upstream.requests.length).toBe(asked);
    expect(await stored(user)).toEqual({ chats: 3, messages: 0 });

    expect((await ctx.request().delete(`/api/chats/${ids[0]}`).set(user.auth)).status).toBe(204);
    expect((await createChat(user, { title: 'room again' })).status).toBe(201);
    expect(await stored(user)).toEqual({ chats: 3, messages: 0 });
  });

  it('when many chats are created at once, then exactly MAX_CHATS_PER_USER are stored and the rest answer 409', async () => {
    const user = await createUser({ label: 'chats-race' });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => createChat(user, { title: `racer ${i}` })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    for (const res of results) if (res.status !== 201) expectFull(res, 'CHAT_LIMIT_REACHED');
    // Each 201 names a chat that is still there, and nothing else is.
    const created = results.filter((r) => r.status === 201).map((r) => r.body.id as string);
    const kept = (await Chat.find({ userId: user.id }, { _id: 1 }).lean()).map((c) =>
      String(c._id),
    );
    expect(kept.sort()).toEqual(created.sort());
  });
});

describe('messages per user', () => {
  it('when an exchange would take a user past MAX_MESSAGES_PER_USER, then 409 MESSAGE_LIMIT_REACHED, nothing stored and no upstream call', async () => {
    const user = await createUser({ label: 'messages-cap' });
    const chatId = (await createChat(user)).body.id as string;
    upstream.setDefault({ chunks: ['ok'] });
    expect((await send(user, chatId, 'one')).status).toBe(201);
    expect((await send(user, chatId, 'two')).status).toBe(201);
    const asked = upstream.requests.length;
    expectFull(await send(user, chatId, 'three'), 'MESSAGE_LIMIT_REACHED');
    expect(upstream.requests.length).toBe(asked);
    expect(await stored(user)).toEqual({ chats: 1, messages: 4 });
  });
});

describe('messages per user, one short of the cap', () => {
  it('when an exchange would take a user one message past MAX_MESSAGES_PER_USER, then 409 MESSAGE_LIMIT_REACHED, and nothing is stored', async () => {
    const user = await createUser({ label: 'messages-cap-one-past' });
    const chatId = (await createChat(user)).body.id as string;
    upstream.setDefault({ chunks: ['ok'] });
    expect((await send(user, chatId, 'one')).status).toBe(201);
    const second = await send(user, chatId, 'two');
    expect(second.status).toBe(201);
    // The last answer deleted: 3 stored, and an exchange stores 2 (a question and its answer).
    const replyId = second.body.messages[1].id as string;
    expect(
      (await ctx.request().delete(`/api/chats/${chatId}/messages/${replyId}`).set(user.auth))
        .status,
    ).toBe(204);
    expect(await stored(user)).toEqual({ chats: 1, messages: 3 });
    // Its count is due (the deletion gave room back): it counts once its model call is out, and
    // the refusal drops that call (README, "the message path").
    expectFull(await send(user, chatId, 'three'), 'MESSAGE_LIMIT_REACHED');
    expect(await stored(user)).toEqual({ chats: 1, messages: 3 });
  });
});

describe('counts kept between recounts (STORAGE_RECOUNT_SECONDS, 60 by default)', () => {
  afterEach(() => vi.useRealTimers());

  /** Two messages of the user stored by another instance, which this one has not counted. */
  const storedElsewhere = (who: TestUser, chatId: string) =>
    Message.collection.insertMany(
      ['user', 'assistant'].map((role) => ({
        chatId: new mongoose.Types.ObjectId(chatId),
        userId: new mongoose.Types.ObjectId(who.id),
        parentId: null,
        role,
        content: 'x',
        bytes: 1,
        status: 'complete',
        createdAt: new Date(),
      })),
    );

  it('when another instance stored messages of the user after this one counted, then this one counts them once its count is STORAGE_RECOUNT_SECONDS old, and refuses what would pass the cap: the model call made meanwhile is dropped, and the next send makes none', async () => {
    const user = await createUser({ label: 'recount' });
    const chatId = (await createChat(user)).body.id as string;
    upstream.setDefault({ chunks: ['ok'] });
    expect((await send(user, chatId, 'one')).status).toBe(201);
    await storedElsewhere(user, chatId);
    // A minute later (only the clock moves): the count is redone and finds 4 of the 4 allowed.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);
    // The reply would take a while: a call that was not dropped would still be running.
    upstream.setDefault({ chunks: ['slow'], headerDelayMs: 5000 });
    const asked = upstream.requests.length;
    expectFull(await send(user, chatId, 'two'), 'MESSAGE_LIMIT_REACHED');
    expect(await stored(user)).toEqual({ chats: 1, messages: 4 });
    // A plain send whose count is due calls the model while it counts (chats.quota.ts); the
    // refusal dropped that call: whatever of it reached the provider was cut off.
    const made = upstream.requests.slice(asked);
    expect(made.length).toBeLessThanOrEqual(1);
    for (const call of made) {
      await call.finished;
      expect(call.aborted).toBe(true);
    }
    // The refusal left a fresh count: the next send is refused before any call.
    const before = upstream.requests.length;
    expectFull(await send(user, chatId, 'three'), 'MESSAGE_LIMIT_REACHED');
    expect(upstream.requests.length).toBe(before);
    expect(await stored(user)).toEqual({ chats: 1, messages: 4 });
  });

  it('when a chat is deleted, then its room is free at once on this instance, though its count is recent', async () => {
    const user = await createUser({ label: 'recount-delete' });
    const first = (await createChat(user)).body.id as string;
    const second = (await createChat(user)).body.id as string;
    upstream.setDefault({ chunks: ['ok'] });
    expect((await send(user, first, 'one')).status).toBe(201);
    expect((await send(user, first, 'two')).status).toBe(201);
    expectFull(await send(user, second, 'three'), 'MESSAGE_LIMIT_REACHED');
    expect((await ctx.request().delete(`/api/chats/${first}`).set(user.auth)).status).toBe(204);
    expect((await send(user, second, 'three')).status).toBe(201);
    expect(await stored(user)).toEqual({ chats: 1, messages: 2 });
  });
});

describe('stored bytes per user', () => {
  it('when a message would take the stored text past MAX_STORED_BYTES_PER_USER (UTF-8 bytes), then 409 STORAGE_LIMIT_REACHED and nothing is stored', async () => {
    const user = await createUser({ label: 'bytes-cap' });
    const chatId = (await createChat(user, { title: 'b' })).body.id as string;
    upstream.setDefault({ chunks: ['é'.repeat(100)] }); // 200 bytes
    // 300 characters of two bytes each: 600 bytes, plus the 200-byte reply.
    expect((await send(user, chatId, 'é'.repeat(300))).status).toBe(201);
    const asked = upstream.requests.length;
    expectFull(await send(user, chatId, 'x'.repeat(200)), 'STORAGE_LIMIT_REACHED');
    expect(upstream.requests.length).toBe(asked);
    expect(await stored(user)).toEqual({ chats: 1, messages: 2 });
  });

  it('when a chat change would grow the stored text past the cap, then 409 STORAGE_LIMIT_REACHED and the chat is unchanged; a change that shrinks it passes', async () => {
    const user = await createUser({ label: 'bytes-patch' });
    const chat = (await createChat(user, { title: 't', systemPrompt: 'p'.repeat(900) })).body;
    expectFull(
      await createChat(user, { title: 'u', systemPrompt: 'q'.repeat(200) }),
      'STORAGE_LIMIT_REACHED',
    );
    const patch = (body: Record<string, unknown>) =>
      ctx.request().patch(`/api/chats/${chat.id}`).set(user.auth).send(body);
    expectFull(await patch({ title: 'T'.repeat(150) }), 'STORAGE_LIMIT_REACHED');
    expect(await Chat.findById(chat.id).lean()).toMatchObject({ title: 't' });
    const shrink = await patch({ systemPrompt: 'short', title: 'T'.repeat(150) });
    expect(shrink.status).toBe(200);
    expect(shrink.body).toMatchObject({ systemPrompt: 'short', title: 'T'.repeat(150) });
  });
});

describe('replies asked for while the stored text is at MAX_STORED_BYTES_PER_USER or past it', () => {
  /** A chat whose one exchange took the user's stored text past the cap, as a reply may. */
  async function pastTheCap(label: string, finishReason?: 'length') {
    const user = await createUser({ label });
    const chatId = (await createChat(user, { title: 't' })).body.id as string;
    upstream.script({ chunks: ['A'.repeat(600)], ...(finishReason ? { finishReason } : {}) });
    // Title 1 + question 500 = 501 bytes fit; the 600-byte reply is kept once generated.
    const first = await send(user, chatId, 'q'.repeat(500));
    expect(first.status).toBe(201);
    expect((await usageOf(user.id)).bytes).toBe(1101);
    expectFull(await send(user, chatId, 'x'), 'STORAGE_LIMIT_REACHED');
    return { user, chatId, answerId: first.body.messages[1].id as string };
  }

  it('when a user past the byte cap regenerates an answer, then 409 STORAGE_LIMIT_REACHED, no model call and nothing stored', async () => {
    const { user, chatId, answerId } = await pastTheCap('regen-past-bytes');
    const asked = upstream.requests.length;
    upstream.setDefault({ chunks: ['B'.repeat(600)] });
    const res = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages/${answerId}/regenerate`)
      .set(user.auth)
      .send({ stream: false });
    expectFull(res, 'STORAGE_LIMIT_REACHED');
    expect(upstream.requests.length).toBe(asked);
    expect(await stored(user)).toEqual({ chats: 1, messages: 2 });
    expect((await usageOf(user.id)).bytes).toBe(1101);
  });

  it('when a user past the byte cap continues a cut answer, then 409 STORAGE_LIMIT_REACHED, no model call and the answer unchanged', async () => {
    const { user, chatId, answerId } = await pastTheCap('continue-past-bytes', 'length');
    const asked = upstream.requests.length;
    upstream.setDefault({ chunks: ['C'.repeat(600)] });
    const res = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages/${answerId}/continue`)
      .set(user.auth)
      .send({ stream: false });
    expectFull(res, 'STORAGE_LIMIT_REACHED');
    expect(upstream.requests.length).toBe(asked);
    expect(await Message.findById(answerId).lean()).toMatchObject({
      content: 'A'.repeat(600),
      status: 'complete',
      finishReason: 'length',
    });
    expect((await usageOf(user.id)).bytes).toBe(1101);
  });

  it('when a user exactly at the byte cap regenerates, then 409 STORAGE_LIMIT_REACHED; under it, the regenerate is taken', async () => {
    const user = await createUser({ label: 'regen-at-bytes' });
    const chatId = (await createChat(user, { title: 't' })).body.id as string;
    upstream.script({ chunks: ['A'.repeat(498)] });
    // Title 1 + question 500 + reply 498: two bytes under the cap; a one-byte answer more fills it.
    const first = await send(user, chatId, 'q'.repeat(500));
    expect(first.status).toBe(201);
    const answerId = first.body.messages[1].id as string;
    const regenerate = () =>
      ctx
        .request()
        .post(`/api/chats/${chatId}/messages/${answerId}/regenerate`)
        .set(user.auth)
        .send({ stream: false });
    upstream.script({ chunks: ['B'] });
    expect((await regenerate()).status).toBe(201);
    expect((await usageOf(user.id)).bytes).toBe(1000);
    const asked = upstream.requests.length;
    expectFull(await regenerate(), 'STORAGE_LIMIT_REACHED');
    expect(upstream.requests.length).toBe(asked);
    expect(await stored(user)).toEqual({ chats: 1, messages: 3 });
  });
});

describe('chat places left behind', () => {
  it('when a place is held for a chat that no longer exists (a crash between two writes), then it is freed once a minute old and the user can create up to the cap again', async () => {
    const user = await createUser({ label: 'chats-orphan' });
    for (let i = 0; i < 2; i += 1)
      expect((await createChat(user, { title: `kept ${i}` })).status).toBe(201);
    const slots = mongoose.connection.collection('chat_slots');
    const owner = new mongoose.Types.ObjectId(user.id);
    // What a crash after claiming a place and before storing the chat leaves.
    const taken = new Set((await slots.find({ userId: owner }).toArray()).map((s) => s.n));
    const n = [1, 2, 3].find((i) => !taken.has(i))!;
    await slots.insertOne({
      _id: `${user.id}#${n}` as never,
      userId: owner,
      n,
      chatId: new mongoose.Types.ObjectId(),
      createdAt: new Date(Date.now() - 120_000),
    });
    expect((await createChat(user, { title: 'third' })).status).toBe(201);
    expect(await stored(user)).toEqual({ chats: 3, messages: 0 });
    expect(await slots.countDocuments({ userId: owner })).toBe(3);
    expectFull(await createChat(user, { title: 'fourth' }), 'CHAT_LIMIT_REACHED');
  });
});
