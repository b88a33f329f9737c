import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { MongoNetworkError } from 'mongodb';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { UsageEntry } from '../../src/modules/usage/usage.model.js';
import { logUnrecordedUsage, recordEntries } from '../../src/modules/usage/usage.service.js';
import { logger } from '../../src/lib/logger.js';
import { tokens } from '../../src/lib/metrics.js';
import { sweepInterrupted } from '../../src/modules/chats/interrupted-replies.js';
import { useTestApp } from '../helpers/app.js';
import { chargesOnReplies, chargesWhere, ledgerEntries } from '../helpers/charges.js';
import { expectError } from '../helpers/auth.js';
import { eventually } from '../helpers/eventually.js';
import { listen, openStream, parseSse, textParser } from '../helpers/sse.js';
import { useUpstream, upstreamEnv } from '../helpers/chat-app.js';
import { createUser, type TestUser } from '../helpers/users.js';

const upstream = await useUpstream();
const ctx = useTestApp({
  ...upstreamEnv(upstream),
  // `swept-model`: one test's own, so the process-wide token metrics of it move only by that test.
  MODELS: 'test-model,other-model,swept-model',
  // A disconnect cuts the reply at once (no grace for a reader to resume it).
  DETACH_GRACE_SECONDS: '0',
  // A final write that keeps failing is tried again for half the lease time: 1 s here.
  GENERATION_LEASE_SECONDS: '2',
});
let user: TestUser;
let other: TestUser;

beforeAll(async () => {
  user = await createUser({ label: 'usage' });
  other = await createUser({ label: 'usage-other' });
});

const today = () => new Date().toISOString().slice(0, 10);
/** The tokens metric (sigmagpt_tokens_total) for one model, type and source. */
const tokensCounted = async (model: string, type: string, source: string) =>
  (await tokens.get()).values.find(
    (v) => v.labels.model === model && v.labels.type === type && v.labels.source === source,
  )?.value ?? 0;
const newChat = async (as: TestUser = user, body: Record<string, unknown> = {}) => {
  const res = await ctx.request().post('/api/chats').set(as.auth).send(body);
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const send = (chatId: string, content: string, as: TestUser = user, extra = {}) =>
  ctx
    .request()
    .post(`/api/chats/${chatId}/messages`)
    .set(as.auth)
    .send({ content, stream: false, ...extra });
const entriesOf = (u: TestUser) => chargesWhere({ userId: new Types.ObjectId(u.id) });
/** What the server's estimate is defined as: OpenAI's chat framing over o200k_base counts. */
const estimatePrompt = (messages: { content: string }[]) =>
  messages.reduce((n, m) => n + 3 + countTokens(m.content), 3);

/**
 * Fails the reply's final write, the one that carries its charge, at every attempt (it is given up
 * after a second here); `lands`: after the database applied it (only its answer is lost).
 */
function failFinalWrite(lands: boolean) {
  const write = Message.collection.updateOne.bind(Message.collection);
  return vi
    .spyOn(Message.collection, 'updateOne')
    .mockImplementation(async (...args: Parameters<typeof write>) => {
      const update = args[1] as { $set?: { charge?: unknown } };
      if (!update.$set?.charge) return write(...args);
      if (lands) await write(...args);
      throw new MongoNetworkError('connection reset by the test');
    });
}

describe('recording usage', () => {
  it('when the provider reports usage, then the reply itself holds exactly those tokens for the user, chat, model and day, and the ledger gets no entry', async () => {
    const chatId = await newChat();
    upstream.script({
      chunks: ['Hi', ' there'],
      usage: { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 },
    });
    const res = await send(chatId, 'Hello', user, { model: 'other-model' });
    expect(res.status).toBe(201);
    const reply = res.body.messages[1];
    const where = { chatId: new Types.ObjectId(chatId) };
    // The exchange's one write after the reply carries its charge (generation.runner.ts).
    expect(await ledgerEntries(where)).toEqual([]);
    expect(await chargesOnReplies(where)).toEqual([
      {
        _id: new Types.ObjectId(reply.id as string),
        userId: new Types.ObjectId(user.id),
        chatId: new Types.ObjectId(chatId),
        model: 'other-model',
        kind: 'reply',
        day: today(),
        promptTokens: 42,
        completionTokens: 7,
        totalTokens: 49,
        estimated: false,
        createdAt: expect.any(Date),
      },
    ]);
  });

  it.each([
    ['lands, and only its answer is lost', true],
    ['does not reach the database', false],
  ])("when the reply's final write %s, then its call is charged exactly once", async (_, lands) => {
    const chatId = await newChat();
    upstream.script({
      chunks: ['Kept'],
      usage: { prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 },
    });
    const promptsBefore = await tokensCounted('test-model', 'prompt', 'reported');
    const spy = failFinalWrite(lands);
    let res;
    try {
      res = await send(chatId, 'Hello');
    } finally {
      spy.mockRestore();
    }
    // The metrics count the call once, wherever its charge is kept.
    expect(await tokensCounted('test-model', 'prompt', 'reported')).toBe(promptsBefore + 11);
    expectError(res, 503, 'SERVICE_UNAVAILABLE');
    const where = { chatId: new Types.ObjectId(chatId) };
    const charged = { promptTokens: 11, completionTokens: 3, totalTokens: 14 };
    const [reply] = await Message.find({ ...where, role: 'assistant' }).lean();
    if (lands) {
      // The reply holds it; the ledger, asked only when nothing holds it, has nothing.
      expect(reply?.status).toBe('complete');
      expect(await chargesOnReplies(where)).toMatchObject([charged]);
      expect(await ledgerEntries(where)).toEqual([]);
    } else {
      // The reply, still streaming (the interrupted sweep finishes it), holds nothing: the call
      // is in the ledger under the reply's id.
      expect(reply?.status).toBe('streaming');
      expect(await chargesOnReplies(where)).toEqual([]);
      expect(await ledgerEntries(where)).toMatchObject([{ _id: reply?._id, ...charged }]);
    }
    expect(await chargesWhere(where)).toHaveLength(1);
  });

  it("when the reply's final write fails and the interrupted sweep's entry reaches the ledger before the reply's own, then the call is charged and counted once, as the sweep's", async () => {
    const chatId = await newChat();
    upstream.script({
      chunks: ['Swept'],
      usage: { prompt_tokens: 13, completion_tokens: 5, total_tokens: 18 },
    });
    // The metrics and the ledger are the process's: a reply another test file left running can
    // be charged meanwhile. This test counts its own call alone, by a model no other call names
    // and by its chat.
    const counted = () =>
      Promise.all([
        tokensCounted('swept-model', 'prompt', 'reported'),
        tokensCounted('swept-model', 'completion', 'estimated'),
      ]);
    const [reportedBefore, estimatedBefore] = await counted();
    // The reply's own entry (reported usage) is refused until the sweep has recorded its own.
    const insert = UsageEntry.collection.insertMany.bind(UsageEntry.collection);
    let swept = false;
    let refused = 0;
    let retried = 0;
    const ledger = vi
      .spyOn(UsageEntry.collection, 'insertMany')
      .mockImplementation(async (...args: Parameters<typeof insert>) => {
        const reported = (args[0] as { chatId?: unknown; estimated?: boolean }[]).some(
          (e) => String(e.chatId) === chatId && e.estimated === false,
        );
        if (reported && !swept) {
          refused += 1;
          throw new MongoNetworkError('ledger away, by the test');
        }
        if (reported) retried += 1;
        return insert(...args);
      });
    const finalWrite = failFinalWrite(false);
    try {
      const res = await send(chatId, 'Hello', user, { model: 'swept-model' });
      expectError(res, 503, 'SERVICE_UNAVAILABLE');
      finalWrite.mockRestore();
      expect(refused).toBe(1);
      // The reply as a checkpoint left it (this one is too short to have had one): the sweep
      // charges the text it finds, and charges nothing for none.
      await Message.updateOne(
        { chatId: new Types.ObjectId(chatId), role: 'assistant' },
        { $set: { content: 'Swept' } },
      );
      // The slot is back: the sweep finishes the reply as interrupted and charges its estimate.
      // (Earlier tests' replies left streaming are finished on the way.)
      expect(await sweepInterrupted()).toBeGreaterThanOrEqual(1);
      const [reply] = await Message.find({ chatId: new Types.ObjectId(chatId), role: 'assistant' });
      expect(reply?.status).toBe('incomplete');
      swept = true;
      // The reply's entry, retried in the background, is refused as a repeat.
      expect(
        await eventually(
          () => Promise.resolve(retried),
          (n) => n === 1,
        ),
      ).toBe(1);
    } finally {
      finalWrite.mockRestore();
      ledger.mockRestore();
    }
    const where = { chatId: new Types.ObjectId(chatId) };
    const [entry] = await chargesWhere(where);
    expect(await chargesWhere(where)).toHaveLength(1);
    expect(entry).toMatchObject({
      model: 'swept-model',
      estimated: true,
      completionTokens: expect.any(Number),
    });
    const [reportedAfter, estimatedAfter] = await counted();
    expect(reportedAfter).toBe(reportedBefore);
    expect(estimatedAfter).toBe(
      estimatedBefore + (entry as { completionTokens: number }).completionTokens,
    );
  });

  it("when a reply's charge reaches the ledger only after its chat was deleted (the database was away at first), then the entry stays in the totals without the chat", async () => {
    const chatId = await newChat();
    upstream.script({
      chunks: ['Late'],
      usage: { prompt_tokens: 17, completion_tokens: 4, total_tokens: 21 },
    });
    // The reply's final write fails, and the ledger refuses entries until the chat is deleted:
    // the entry is retried in the background, and its retry lands after the deletion.
    const finalWrite = failFinalWrite(false);
    const insert = UsageEntry.collection.insertMany.bind(UsageEntry.collection);
    let ledgerAway = true;
    const ledgerAttempts = vi
      .spyOn(UsageEntry.collection, 'insertMany')
      .mockImplementation((...args: Parameters<typeof insert>) =>
        ledgerAway ? Promise.reject(new MongoNetworkError('database away')) : insert(...args),
      );
    try {
      expectError(await send(chatId, 'Hello'), 503, 'SERVICE_UNAVAILABLE');
      const late = () =>
        UsageEntry.find({ userId: new Types.ObjectId(user.id), promptTokens: 17 }).lean();
      expect(await late()).toEqual([]);
      finalWrite.mockRestore();
      expect((await ctx.request().delete(`/api/chats/${chatId}`).set(user.auth)).status).toBe(204);
      expect(await late()).toEqual([]);
      ledgerAway = false;
      // The retry lands after the deletion unlinked the chat's entries; it is unlinked too.
      const entries = await eventually(
        late,
        (found) => found.length > 0 && found[0]!.chatId === null,
        5_000,
      );
      expect(entries).toMatchObject([{ chatId: null, completionTokens: 4, totalTokens: 21 }]);
      expect(await ledgerEntries({ chatId: new Types.ObjectId(chatId) })).toEqual([]);
    } finally {
      finalWrite.mockRestore();
      ledgerAttempts.mockRestore();
    }
  });

  it('when the process exits while a ledger entry waits for its retry, then the entry is logged with its figures at error rather than lost', async () => {
    const away = vi
      .spyOn(UsageEntry.collection, 'insertMany')
      .mockImplementation(() => Promise.reject(new MongoNetworkError('database away')));
    const errors = vi.spyOn(logger, 'error');
    const entry = {
      _id: new Types.ObjectId(),
      userId: new Types.ObjectId(user.id),
      chatId: null,
      kind: 'reply' as const,
      createdAt: new Date(),
      model: 'test-model',
      day: '2026-12-05',
      promptTokens: 31,
      completionTokens: 7,
      totalTokens: 38,
      estimated: false,
    };
    try {
      await recordEntries([entry]);
      expect(logUnrecordedUsage()).toBe(1);
      expect(errors).toHaveBeenCalledWith(
        { usage: [entry] },
        'usage could not be recorded before the process exited',
      );
      // Logged once: nothing is left waiting.
      expect(logUnrecordedUsage()).toBe(0);
    } finally {
      away.mockRestore();
      errors.mockRestore();
    }
  });

  it('when the provider sends no usage chunk, then the tokens are counted with the tokenizer and marked estimated', async () => {
    const chatId = await newChat(user, { systemPrompt: 'Be brief.' });
    upstream.script({ chunks: ['Bonjour', ', le', ' monde'], usage: false });
    const res = await send(chatId, 'Say hello in French');
    expect(res.status).toBe(201);
    const [entry] = await chargesWhere({ chatId: new Types.ObjectId(chatId) });
    expect(entry).toMatchObject({
      estimated: true,
      promptTokens: estimatePrompt(upstream.requests[0]!.messages),
      completionTokens: countTokens('Bonjour, le monde'),
    });
    // Sanity: the count is in the range a real tokenizer gives for this text, not a guess per character.
    expect(entry!.completionTokens).toBeGreaterThan(2);
    expect(entry!.completionTokens).toBeLessThan(8);
  });

  it.each([
    [
      'completion_tokens as a string',
      { prompt_tokens: 30, completion_tokens: '10', total_tokens: 40 },
    ],
    [
      'a negative prompt_tokens',
      { prompt_tokens: -100_000, completion_tokens: 10, total_tokens: -99_990 },
    ],
    [
      'a fractional completion_tokens',
      { prompt_tokens: 30, completion_tokens: 2.5, total_tokens: 32.5 },
    ],
    [
      'a prompt_tokens past any count',
      { prompt_tokens: 1e300, completion_tokens: 1, total_tokens: 1e300 },
    ],
  ])(
    'when the provider reports %s, then the report counts as none: 201, the reply without usage, charged the estimate',
    async (_, reported) => {
      const u = await createUser({ label: 'bad-usage' });
      const chatId = await newChat(u);
      // A compatible server's own fields, not the numbers the helper's type promises.
      upstream.script({ chunks: ['Fine'], usage: reported as never });
      const res = await send(chatId, 'Hello', u);
      expect(res.status).toBe(201);
      expect(res.body.messages[1]).toMatchObject({ status: 'complete', usage: null });
      const stored = await Message.findById(res.body.messages[1].id as string).lean();
      expect(stored).toMatchObject({ status: 'complete', usage: null });
      const promptTokens = estimatePrompt(upstream.requests[0]!.messages);
      const completionTokens = countTokens('Fine');
      const totalTokens = promptTokens + completionTokens;
      expect(await chargesWhere({ chatId: new Types.ObjectId(chatId) })).toMatchObject([
        { estimated: true, promptTokens, completionTokens, totalTokens },
      ]);
      const report = await ctx.request().get('/api/usage').set(u.auth);
      expect(report.body.budget.used).toBe(totalTokens);
      expect(report.body.total).toMatchObject({ totalTokens, estimatedCalls: 1 });
    },
  );

  it('when a streamed reply gets a malformed usage report, then the stream ends with done, its message without usage, and the estimate is charged', async () => {
    const u = await createUser({ label: 'bad-usage-stream' });
    const chatId = await newChat(u);
    upstream.script({
      chunks: ['Fine'],
      usage: { prompt_tokens: 30, completion_tokens: '10', total_tokens: 40 } as never,
    });
    const res = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(u.auth)
      .send({ content: 'Hello', stream: true })
      .buffer(true)
      .parse(textParser);
    expect(res.status).toBe(200);
    const { events } = parseSse(res.body as string);
    expect(events.map((e) => e.event)).toEqual(['meta', 'delta', 'done']);
    expect(events.at(-1)!.data.message).toMatchObject({ status: 'complete', usage: null });
    const totalTokens = estimatePrompt(upstream.requests[0]!.messages) + countTokens('Fine');
    expect(await chargesWhere({ chatId: new Types.ObjectId(chatId) })).toMatchObject([
      { estimated: true, totalTokens },
    ]);
    const report = await ctx.request().get('/api/usage').set(u.auth);
    expect(report.body.budget.used).toBe(totalTokens);
  });

  it("when the provider's total_tokens is not its prompt and completion together, then the reply's usage and its charge total their sum", async () => {
    const chatId = await newChat();
    upstream.script({
      chunks: ['Fine'],
      usage: { prompt_tokens: 20, completion_tokens: 5, total_tokens: 999 },
    });
    const res = await send(chatId, 'Hello');
    expect(res.status).toBe(201);
    const usage = { promptTokens: 20, completionTokens: 5, totalTokens: 25 };
    expect(res.body.messages[1].usage).toEqual(usage);
    expect(await chargesWhere({ chatId: new Types.ObjectId(chatId) })).toMatchObject([
      { estimated: false, ...usage },
    ]);
  });

  it("when the metrics cannot count a stored reply's tokens, then the reply is still answered 201 and the failure is logged at warn", async () => {
    const u = await createUser({ label: 'metrics-throw' });
    const chatId = await newChat(u);
    upstream.script({
      chunks: ['Kept'],
      usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 },
    });
    const inc = vi.spyOn(tokens, 'inc').mockImplementation(() => {
      throw new Error('not a valid number');
    });
    const warns = vi.spyOn(logger, 'warn');
    let res;
    try {
      res = await send(chatId, 'Hello', u);
    } finally {
      inc.mockRestore();
    }
    try {
      expect(res.status).toBe(201);
      expect(res.body.messages[1]).toMatchObject({ status: 'complete', content: 'Kept' });
      expect(await chargesWhere({ chatId: new Types.ObjectId(chatId) })).toMatchObject([
        { estimated: false, promptTokens: 12, completionTokens: 2, totalTokens: 14 },
      ]);
      expect(warns).toHaveBeenCalledWith(
        expect.objectContaining({ err: expect.any(Error) }),
        'could not count a call in the token metrics',
      );
    } finally {
      warns.mockRestore();
    }
  });

  it('when a reasoning model thinks before its answer and reports no usage, then its thinking is counted as output too, though the reply holds only the answer', async () => {
    const thinking = ['The user wants', ' a greeting in French;', ' "Bonjour" it is.'];
    for (const field of ['reasoning_content', 'reasoning']) {
      const chatId = await newChat(user);
      upstream.script({
        reasoning: { pieces: thinking, field },
        chunks: ['Bonjour'],
        usage: false,
      });
      const res = await send(chatId, 'Say hello in French');
      expect(res.status).toBe(201);
      expect(res.body.messages[1]).toMatchObject({ content: 'Bonjour' });
      const [entry] = await chargesWhere({ chatId: new Types.ObjectId(chatId) });
      expect(entry, field).toMatchObject({
        estimated: true,
        completionTokens: countTokens(`Bonjour${thinking.join('')}`),
      });
    }
  });

  it('when the client disconnects mid-reply, then the prompt and the part received are recorded (estimated)', async () => {
    const chatId = await newChat();
    upstream.script({ chunks: Array.from({ length: 200 }, (_, i) => `w${i} `), delayMs: 20 });
    const server = await listen(ctx.app);
    try {
      const s = openStream(server.port, `/api/chats/${chatId}/messages`, user.accessToken, {
        content: 'long one',
        stream: true,
      });
      await s.waitFor(() => s.events.filter((e) => e.event === 'delta').length >= 3);
      s.close();
      const [entry] = await eventually(
        () => chargesWhere({ chatId: new Types.ObjectId(chatId) }),
        (rows) => rows.length === 1,
      );
      const stored = await eventually(
        () => ctx.request().get(`/api/chats/${chatId}/messages`).set(user.auth),
        (r) => r.body.at(-1)?.status === 'incomplete',
      );
      const partial = stored.body.at(-1).content as string;
      expect(partial.length).toBeGreaterThan(0);
      expect(entry).toMatchObject({
        estimated: true,
        promptTokens: estimatePrompt(upstream.requests[0]!.messages),
        completionTokens: countTokens(partial),
      });
    } finally {
      await server.close();
    }
  });

  it('when the provider fails before sending anything, then nothing is charged', async () => {
    const chatId = await newChat();
    upstream.script({ status: 500 });
    const res = await send(chatId, 'fail please');
    expect(res.status).toBe(502);
    expect(await chargesWhere({ chatId: new Types.ObjectId(chatId) })).toEqual([]);
  });
});

describe('GET /api/usage', () => {
  it("when a user has calls on several days and models, then the report sums them by day and by model, and leaves out other users' calls", async () => {
    const u = await createUser({ label: 'report' });
    const entry = (day: string, model: string, p: number, c: number, estimated = false) => ({
      _id: new Types.ObjectId(),
      userId: new Types.ObjectId(u.id),
      chatId: null,
      model,
      kind: 'reply',
      day,
      promptTokens: p,
      completionTokens: c,
      totalTokens: p + c,
      estimated,
      createdAt: new Date(`${day}T12:00:00Z`),
    });
    await UsageEntry.collection.insertMany([
      entry('2026-01-02', 'test-model', 100, 10),
      entry('2026-01-02', 'other-model', 5, 5, true),
      entry('2026-01-01', 'test-model', 1, 2),
      entry('2025-12-31', 'test-model', 1000, 1000),
      { ...entry('2026-01-01', 'test-model', 7, 7), userId: new Types.ObjectId(other.id) },
    ]);
    const res = await ctx.request().get('/api/usage?from=2026-01-01&to=2026-01-31').set(u.auth);
    expect(res.status).toBe(200);
    const t = (p: number, c: number, calls: number, estimatedCalls = 0) => ({
      promptTokens: p,
      completionTokens: c,
      totalTokens: p + c,
      calls,
      estimatedCalls,
    });
    expect(res.body).toEqual({
      from: '2026-01-01',
      to: '2026-01-31',
      total: t(106, 17, 3, 1),
      byDay: [
        { day: '2026-01-01', ...t(1, 2, 1) },
        { day: '2026-01-02', ...t(105, 15, 2, 1) },
      ],
      byModel: [
        { model: 'test-model', ...t(101, 12, 2) },
        { model: 'other-model', ...t(5, 5, 1, 1) },
      ],
      budget: { limit: null, used: 0, resetsAt: expect.any(String) },
    });
  });

  it("when no range is given, then the last 30 days up to today are reported, with today's usage in the budget", async () => {
    const u = await createUser({ label: 'today' });
    const chatId = await newChat(u);
    upstream.script({ usage: { prompt_tokens: 30, completion_tokens: 3, total_tokens: 33 } });
    expect((await send(chatId, 'hi', u)).status).toBe(201);
    const res = await ctx.request().get('/api/usage').set(u.auth);
    expect(res.status).toBe(200);
    expect(res.body.to).toBe(today());
    const days = (Date.parse(res.body.to) - Date.parse(res.body.from)) / 86_400_000;
    expect(days).toBe(29);
    expect(res.body.byDay).toEqual([
      {
        day: today(),
        promptTokens: 30,
        completionTokens: 3,
        totalTokens: 33,
        calls: 1,
        estimatedCalls: 0,
      },
    ]);
    const midnight = new Date(`${today()}T00:00:00Z`).getTime() + 86_400_000;
    expect(res.body.budget).toEqual({
      limit: null,
      used: 33,
      resetsAt: new Date(midnight).toISOString(),
    });
  });

  it.each([
    ['a date that does not exist', '?from=2026-02-30'],
    ['a date in another format', '?from=01/02/2026'],
    ['from after to', '?from=2026-02-02&to=2026-02-01'],
    ['more than 366 days', '?from=2024-01-01&to=2026-01-01'],
    ['an unknown parameter', '?userId=000000000000000000000000'],
    ['an operator', '?from[$gt]=2026-01-01'],
  ])('when the query has %s, then 400 VALIDATION_FAILED', async (_label, query) => {
    const res = await ctx.request().get(`/api/usage${query}`).set(user.auth);
    expectError(res, 400, 'VALIDATION_FAILED');
  });

  it('when the range runs from a leap day to the last day of that year, then 200 with those days', async () => {
    const res = await ctx.request().get('/api/usage?from=2024-02-29&to=2024-12-31').set(user.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: '2024-02-29', to: '2024-12-31' });
  });

  it('when called without a token, then 401', async () => {
    expectError(await ctx.request().get('/api/usage'), 401, 'UNAUTHENTICATED');
  });
});

describe('where a call is charged', () => {
  const usageOf = async (u: TestUser) =>
    (await ctx.request().get('/api/usage').set(u.auth)).body.total as Record<string, number>;

  it('when an answer is continued, then the continue gets a ledger entry of its own and the answer keeps the charge of the call that began it', async () => {
    const u = await createUser({ label: 'continued' });
    const chatId = await newChat(u);
    upstream.script({
      chunks: ['The start'],
      finishReason: 'length',
      usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
    });
    const cut = await send(chatId, 'tell me', u);
    expect(cut.status).toBe(201);
    const answerId = new Types.ObjectId(cut.body.messages[1].id as string);
    upstream.script({
      chunks: [' and the end'],
      usage: { prompt_tokens: 13, completion_tokens: 3, total_tokens: 16 },
    });
    const more = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages/${String(answerId)}/continue`)
      .set(u.auth)
      .send({ stream: false });
    expect(more.status).toBe(201);

    const where = { chatId: new Types.ObjectId(chatId) };
    expect(await chargesOnReplies(where)).toMatchObject([
      { _id: answerId, promptTokens: 10, completionTokens: 2 },
    ]);
    const [entry] = await ledgerEntries(where);
    expect(entry).toMatchObject({ kind: 'reply', promptTokens: 13, completionTokens: 3 });
    expect(entry!._id).not.toEqual(answerId);
    expect(await usageOf(u)).toMatchObject({ calls: 2, totalTokens: 28 });
  });

  it('when a branch is deleted, then the charges of its replies move into the ledger with the chat, and the totals stay as they were', async () => {
    const u = await createUser({ label: 'branch-deleted' });
    const chatId = await newChat(u);
    upstream.script({
      chunks: ['one'],
      usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
    });
    expect((await send(chatId, 'first', u)).status).toBe(201);
    upstream.script({
      chunks: ['two'],
      usage: { prompt_tokens: 8, completion_tokens: 2, total_tokens: 10 },
    });
    const second = await send(chatId, 'second', u);
    expect(second.status).toBe(201);
    const before = await usageOf(u);
    expect(before).toMatchObject({ calls: 2, totalTokens: 16 });
    const where = { chatId: new Types.ObjectId(chatId) };
    const [, onSecond] = await chargesOnReplies(where);
    expect(onSecond).toMatchObject({ totalTokens: 10 });

    const question = second.body.messages[0].id as string;
    const removed = await ctx
      .request()
      .delete(`/api/chats/${chatId}/messages/${question}`)
      .set(u.auth);
    expect(removed.status).toBe(204);
    expect(await Message.countDocuments(where)).toBe(2);
    expect(await chargesOnReplies(where)).toHaveLength(1);
    // Under the reply's id, still naming the chat (which is still there).
    expect(await ledgerEntries(where)).toEqual([onSecond]);
    expect(await usageOf(u)).toEqual(before);
  });
});

describe('usage when chats and accounts are deleted', () => {
  it('when a chat is deleted, then its entries stay in the totals without the chat; when the account is deleted, without the user', async () => {
    const u = await createUser({ label: 'deleted' });
    const chatId = await newChat(u);
    expect((await send(chatId, 'hi', u)).status).toBe(201);
    expect(await entriesOf(u)).toHaveLength(1);

    const [onReply] = await chargesOnReplies({ chatId: new Types.ObjectId(chatId) });
    expect(onReply).toBeDefined();

    expect((await ctx.request().delete(`/api/chats/${chatId}`).set(u.auth)).status).toBe(204);
    // The reply's charge moved into the ledger before the reply went, under the reply's id.
    const [afterChat] = await entriesOf(u);
    expect(afterChat).toEqual({ ...onReply, chatId: null });
    expect(await ledgerEntries({ userId: new Types.ObjectId(u.id) })).toEqual([afterChat]);

    // A chat still there when the account goes: its reply's charge moves unlinked from anyone.
    const kept = await newChat(u);
    expect((await send(kept, 'still here', u)).status).toBe(201);
    const [onKept] = await chargesOnReplies({ chatId: new Types.ObjectId(kept) });
    expect(onKept).toBeDefined();

    const gone = await ctx
      .request()
      .delete('/api/auth/me')
      .set(u.auth)
      .send({ password: 'correct horse battery' });
    expect(gone.status).toBe(204);
    expect(await entriesOf(u)).toHaveLength(0);
    expect(await UsageEntry.findById(afterChat!._id).lean()).toMatchObject({
      userId: null,
      chatId: null,
      promptTokens: 11,
    });
    expect(await UsageEntry.findById(onKept!._id).lean()).toEqual({
      ...onKept,
      userId: null,
      chatId: null,
    });
  });
});
