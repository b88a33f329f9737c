import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { sweepInterrupted } from '../../src/modules/chats/interrupted-replies.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { UsageEntry } from '../../src/modules/usage/usage.model.js';
import { tokensUsedOn } from '../../src/modules/usage/usage.service.js';
import { User } from '../../src/modules/users/user.model.js';
import { useTestApp } from '../helpers/app.js';
import { chargesWhere } from '../helpers/charges.js';
import { expectError } from '../helpers/auth.js';
import { eventually } from '../helpers/eventually.js';
import { startUpstream } from '../helpers/upstream.js';
import { upstreamEnv } from '../helpers/chat-app.js';
import { createUser, type TestUser } from '../helpers/users.js';
import { useWholeDays } from '../helpers/rate-windows.js';

const LIMIT = 50;
const upstream = await startUpstream();
const ctx = useTestApp({
  ...upstreamEnv(upstream),
  TOKEN_BUDGET_PER_DAY: String(LIMIT),
});

afterAll(() => upstream.close());
beforeEach(() => {
  upstream.reset();
  // 40 tokens per reply: the first is under the limit, the second crosses it.
  upstream.setDefault({
    chunks: ['ok'],
    usage: { prompt_tokens: 30, completion_tokens: 10, total_tokens: 40 },
  });
});

const newChat = async (u: TestUser) => {
  const res = await ctx.request().post('/api/chats').set(u.auth).send({});
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const send = (u: TestUser, chatId: string, extra: Record<string, unknown> = {}) =>
  ctx
    .request()
    .post(`/api/chats/${chatId}/messages`)
    .set(u.auth)
    .send({ content: 'hello', stream: false, ...extra });
const secondsToMidnightUtc = () => (86_400_000 - (Date.now() % 86_400_000)) / 1000;

useWholeDays();

describe('the daily token budget', () => {
  let user: TestUser;
  let chatId: string;
  beforeAll(async () => {
    user = await createUser({ label: 'budget' });
    chatId = await newChat(user);
  });

  it('when the recorded tokens reach TOKEN_BUDGET_PER_DAY, then the next message is 429 QUOTA_EXCEEDED with Retry-After at the reset, nothing is stored and nothing is sent upstream', async () => {
    expect((await send(user, chatId)).status).toBe(201); // 0 used → 40
    expect((await send(user, chatId)).status).toBe(201); // 40 < 50 → 80: the documented overshoot
    expect(upstream.requests).toHaveLength(2);
    const messagesBefore = await Message.countDocuments({ chatId: new Types.ObjectId(chatId) });
    const chatsBefore = await Chat.countDocuments({ userId: new Types.ObjectId(user.id) });

    for (const attempt of [
      () => send(user, chatId),
      () => send(user, chatId, { stream: true }),
      () => ctx.request().post('/api/chats').set(user.auth).send({ message: 'new chat' }),
      () => ctx.request().post('/api/chat').set(user.auth).send({ message: 'compat', chatId }),
    ]) {
      const res = await attempt();
      expectError(res, 429, 'QUOTA_EXCEEDED');
      expect(res.body.error.message).toContain(`${LIMIT} tokens`);
      const retryAfter = Number(res.headers['retry-after']);
      expect(Math.abs(retryAfter - secondsToMidnightUtc())).toBeLessThan(5);
    }
    expect(upstream.requests).toHaveLength(2);
    expect(await Message.countDocuments({ chatId: new Types.ObjectId(chatId) })).toBe(
      messagesBefore,
    );
    expect(await Chat.countDocuments({ userId: new Types.ObjectId(user.id) })).toBe(chatsBefore);
    // Refused calls leave no slot taken and no ledger entry.
    expect(await chargesWhere({ userId: new Types.ObjectId(user.id) })).toHaveLength(2);
    const generations = await Chat.db
      .collection('generations')
      .countDocuments({ userId: new Types.ObjectId(user.id) });
    expect(generations).toBe(0);

    const usage = await ctx.request().get('/api/usage').set(user.auth);
    expect(usage.body.budget).toEqual({ limit: LIMIT, used: 80, resetsAt: expect.any(String) });
  });

  it("when another user is under the limit, then one user's spending does not refuse them", async () => {
    const fresh = await createUser({ label: 'budget-fresh' });
    expect((await send(fresh, await newChat(fresh))).status).toBe(201);
  });

  it("when yesterday's tokens exceed the limit, then today starts from zero", async () => {
    const u = await createUser({ label: 'budget-yesterday' });
    const yesterday = new Date(Date.now() - 86_400_000);
    await UsageEntry.collection.insertOne({
      _id: new Types.ObjectId(),
      userId: new Types.ObjectId(u.id),
      chatId: null,
      model: 'test-model',
      kind: 'reply',
      day: yesterday.toISOString().slice(0, 10),
      promptTokens: 1000,
      completionTokens: 1000,
      totalTokens: 2000,
      estimated: false,
      createdAt: yesterday,
    });
    expect((await send(u, await newChat(u))).status).toBe(201);
  });
});

describe('a call that runs past midnight (UTC)', () => {
  afterEach(() => vi.useRealTimers());

  it('when a reply admitted before midnight ends after it, then its tokens count on the day whose budget admitted it', async () => {
    const lastMoment = new Date();
    lastMoment.setUTCHours(23, 59, 59, 700);
    const admittedDay = lastMoment.toISOString().slice(0, 10);
    const nextDay = new Date(lastMoment.getTime() + 2_000);
    // Only the clock is faked (it stands still until moved); timers and the network are real.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(lastMoment);
    const u = await createUser({ label: 'budget-midnight' });
    const chat = await newChat(u);
    upstream.setDefault({
      chunks: ['ok'],
      usage: { prompt_tokens: 30, completion_tokens: 10, total_tokens: 40 },
      headerDelayMs: 300,
    });
    const asked = upstream.requests.length;
    const sending = send(u, chat).then((res) => res); // sent now (supertest waits for a then)
    // While the model is still answering, the day ends.
    expect(
      await eventually(
        () => Promise.resolve(upstream.requests.length),
        (n) => n > asked,
      ),
    ).toBe(asked + 1);
    vi.setSystemTime(nextDay);
    const res = await sending;
    expect(res.status).toBe(201);
    const reply = await Message.findOne({ chatId: chat, role: 'assistant' }).lean();
    expect(reply?.charge).toMatchObject({ day: admittedDay, totalTokens: 40 });
    const usedOn = async (day: string) => (await tokensUsedOn([u.id], day)).get(u.id) ?? 0;
    expect(await usedOn(admittedDay)).toBe(40);
    expect(await usedOn(nextDay.toISOString().slice(0, 10))).toBe(0);
  });
});

describe('a budget of its own for one user', () => {
  it('when a user has tokenBudgetPerDay 0, then they are unlimited whatever the default; with a number, that number applies', async () => {
    const unlimited = await createUser({ label: 'budget-unlimited' });
    await User.updateOne({ _id: unlimited.id }, { $set: { tokenBudgetPerDay: 0 } });
    const chatId = await newChat(unlimited);
    for (let i = 0; i < 3; i += 1) expect((await send(unlimited, chatId)).status).toBe(201);
    const usage = await ctx.request().get('/api/usage').set(unlimited.auth);
    expect(usage.body.budget).toMatchObject({ limit: null, used: 120 });

    const bigger = await createUser({ label: 'budget-bigger' });
    await User.updateOne({ _id: bigger.id }, { $set: { tokenBudgetPerDay: 100 } });
    const other = await newChat(bigger);
    for (let i = 0; i < 3; i += 1) expect((await send(bigger, other)).status).toBe(201); // 0, 40, 80 < 100
    expectError(await send(bigger, other), 429, 'QUOTA_EXCEEDED'); // 120 ≥ 100
  });

  it('when the tokens of the day are exactly the budget, then it is used up: the next message is 429 QUOTA_EXCEEDED and nothing is sent upstream', async () => {
    const exact = await createUser({ label: 'budget-exact' });
    // One reply of 40 tokens makes the day's total equal to the budget.
    await User.updateOne({ _id: exact.id }, { $set: { tokenBudgetPerDay: 40 } });
    const chatId = await newChat(exact);
    expect((await send(exact, chatId)).status).toBe(201); // 0 < 40 → 40
    const asked = upstream.requests.length;
    const refused = await send(exact, chatId);
    expectError(refused, 429, 'QUOTA_EXCEEDED');
    expect(refused.body.error.message).toMatch(/^The daily budget of 40 tokens is used up;/);
    expect(upstream.requests).toHaveLength(asked);
    expect(await Message.countDocuments({ chatId: new Types.ObjectId(chatId) })).toBe(2);
    const usage = await ctx.request().get('/api/usage').set(exact.auth);
    expect(usage.body.budget).toEqual({ limit: 40, used: 40, resetsAt: expect.any(String) });
  });

  it('when a budget of one token is used up, then the refusal says "1 token"', async () => {
    const tiny = await createUser({ label: 'budget-one' });
    await User.updateOne({ _id: tiny.id }, { $set: { tokenBudgetPerDay: 1 } });
    const chatId = await newChat(tiny);
    expect((await send(tiny, chatId)).status).toBe(201); // 0 < 1 → 40
    const refused = await send(tiny, chatId);
    expectError(refused, 429, 'QUOTA_EXCEEDED');
    expect(refused.body.error.message).toMatch(/^The daily budget of 1 token is used up;/);
  });
});

describe('what a budget counts while a chat is deleted', () => {
  it("when a chat's deletion moves a reply's charge into the ledger between the budget's reads, then the charge is still counted (twice at worst, never missed)", async () => {
    const u = await createUser({ label: 'budget-during-delete' });
    const chatId = await newChat(u);
    expect((await send(u, chatId)).status).toBe(201); // 40 tokens, held by the reply
    const day = new Date().toISOString().slice(0, 10);
    expect((await tokensUsedOn([u.id], day)).get(u.id)).toBe(40);

    // The deletion lands once the ledger has answered, before any read of the replies that is
    // not under way by then: the interleaving that hid the charge when both were read at once.
    const readLedger = UsageEntry.aggregate.bind(UsageEntry);
    const readReplies = Message.aggregate.bind(Message);
    let ledgerRead = false;
    let deleted!: Promise<unknown>;
    const ledgerSpy = vi.spyOn(UsageEntry, 'aggregate').mockImplementation(((pipeline: never) => {
      ledgerRead = true;
      deleted = (readLedger(pipeline) as unknown as Promise<unknown>).then(async (rows) => {
        expect((await ctx.request().delete(`/api/chats/${chatId}`).set(u.auth)).status).toBe(204);
        return rows;
      });
      return deleted;
    }) as never);
    const repliesSpy = vi
      .spyOn(Message, 'aggregate')
      .mockImplementation(((pipeline: never) =>
        ledgerRead ? deleted.then(() => readReplies(pipeline)) : readReplies(pipeline)) as never);
    try {
      expect((await tokensUsedOn([u.id], day)).get(u.id) ?? 0).toBeGreaterThanOrEqual(40);
    } finally {
      ledgerSpy.mockRestore();
      repliesSpy.mockRestore();
    }
    // Moved: the ledger holds it now, once.
    expect(await Message.countDocuments({ chatId: new Types.ObjectId(chatId) })).toBe(0);
    expect((await tokensUsedOn([u.id], day)).get(u.id)).toBe(40);
  });
});

describe('a reply whose instance died', () => {
  it("when the user's next send takes its lapsed slot before the sweep finished it, then that reply is finished and charged first, and the send is refused on a day that counts it", async () => {
    const u = await createUser({ label: 'budget-dead-instance' });
    const owner = new Types.ObjectId(u.id);
    const chatId = new Types.ObjectId(await newChat(u));
    // The dead instance's reply: admitted on 0 used, about 90 tokens checkpointed, its lease of
    // slot 0 lapsed and never renewed.
    const questionId = new Types.ObjectId();
    const replyId = new Types.ObjectId();
    const now = new Date();
    const checkpoint = 'word '.repeat(90);
    await Message.collection.insertMany([
      {
        _id: questionId,
        chatId,
        userId: owner,
        parentId: null,
        role: 'user',
        content: 'Tell me a long story',
        bytes: 20,
        status: 'complete',
        createdAt: now,
      },
      {
        _id: replyId,
        chatId,
        userId: owner,
        parentId: questionId,
        role: 'assistant',
        content: checkpoint,
        bytes: 0,
        status: 'streaming',
        model: 'test-model',
        createdAt: new Date(now.getTime() + 1),
        lease: { slot: 0, token: 'dead-instance-lease', at: now },
      },
    ]);
    await Generation.collection.insertOne({
      _id: new Types.ObjectId(),
      userId: owner,
      slot: 0,
      chatId,
      instanceId: 'an-instance-that-died',
      token: 'dead-instance-lease',
      expiresAt: new Date(now.getTime() - 1000),
      waitingSince: null,
    });

    // The user retries after the broken stream: the send takes slot 0 over, and its budget check
    // under it counts the dead reply, which is over the limit on its own.
    expectError(await send(u, String(chatId)), 429, 'QUOTA_EXCEEDED');
    expect(upstream.requests).toHaveLength(0);
    expect(await Message.findById(replyId).lean()).toMatchObject({
      status: 'incomplete',
      content: checkpoint,
      error: { code: 'INTERRUPTED' },
    });
    const charged = await chargesWhere({ userId: owner });
    expect(charged).toHaveLength(1);
    expect(charged[0]).toMatchObject({ _id: replyId, estimated: true });
    expect(charged[0]!.totalTokens).toBeGreaterThan(LIMIT);
    // The refused send gave the slot back; the sweep that comes later charges nothing more.
    expect(await Generation.countDocuments({ userId: owner })).toBe(0);
    await sweepInterrupted();
    expect(await chargesWhere({ userId: owner })).toHaveLength(1);
  });
});
