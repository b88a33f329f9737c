import { beforeAll, describe, expect, it } from 'vitest';
import { quotaRefusals } from '../../src/lib/metrics.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { UsageEntry } from '../../src/modules/usage/usage.model.js';
import { User } from '../../src/modules/users/user.model.js';
import { useTestApp } from '../helpers/app.js';
import { chargesWhere } from '../helpers/charges.js';
import { eventually } from '../helpers/eventually.js';
import { captureLogs } from '../helpers/log-capture.js';
import { parseSse, textParser } from '../helpers/sse.js';
import { useUpstream, upstreamEnv } from '../helpers/chat-app.js';
import { createUser, type TestUser } from '../helpers/users.js';

const API_KEY = 'sk-proj-Title0Secret1Key2ForLogs3';
const upstream = await useUpstream();
const ctx = useTestApp({
  ...upstreamEnv(upstream),
  OPENAI_API_KEY: API_KEY,
  MODELS: 'test-model,title-model',
  CHAT_WRITES_PER_MINUTE: '1000',
  TITLES: 'on',
  TITLE_MODEL: 'title-model',
  TITLE_MAX_TOKENS: '16',
});
let user: TestUser;
const lines = captureLogs();

beforeAll(async () => {
  user = await createUser();
});

const startStreamed = (body: Record<string, unknown>, who = user) =>
  ctx
    .request()
    .post('/api/chats')
    .set(who.auth)
    .send({ stream: true, ...body })
    .buffer(true)
    .parse(textParser);

/**
 * A new chat's first exchange (JSON), returned once the model has been asked `requests` times
 * (the reply's request, then the title's).
 */
async function firstQuestionAsked(who: TestUser, requests: number) {
  const chatId = (await ctx.request().post('/api/chats').set(who.auth).send({})).body.id as string;
  const sending = ctx
    .request()
    .post(`/api/chats/${chatId}/messages`)
    .set(who.auth)
    .send({ content: 'first question', stream: false })
    .then((r) => r);
  await eventually(
    () => Promise.resolve(upstream.requests.length),
    (n) => n >= requests,
  );
  return { chatId, sending };
}

/**
 * A new chat's first exchange (JSON), returned once its reply is done and the title request has
 * reached the model, which answers it only 400 ms later.
 */
function firstReplyWhileTitleWaits(who = user) {
  upstream.script({ chunks: ['answer'] }, { chunks: ['Model title'], headerDelayMs: 400 });
  return firstQuestionAsked(who, 2);
}

describe('titles the model writes', () => {
  it('when the first reply of a chat completes, then the model writes a title, sent as `title` before `done` and stored', async () => {
    upstream.script(
      { chunks: ['Red, green', ' and blue.'] },
      { chunks: ['"Naming three', ' colours."'] },
    );
    const res = await startStreamed({ message: 'name three colours please' });
    expect(res.status).toBe(200);
    const { events } = parseSse(res.body as string);
    expect(events.map((e) => e.event).slice(-2)).toEqual(['title', 'done']);
    const title = events.at(-2)!;
    expect(title.data.chat.title).toBe('Naming three colours');
    // It adds no text, so it has no id of its own: the ids sent only ever grow.
    expect(res.body as string).toMatch(/event: title\ndata: /);
    const offsets = events
      .filter((e) => e.event !== 'title' && e.event !== 'done')
      .map((e) => Number(e.id.split(':')[1]));
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    expect(new Set(offsets).size).toBe(offsets.length);
    expect(events.at(-1)!.data.chat.title).toBe('Naming three colours');
    const chatId = title.data.chat.id as string;
    expect((await Chat.findById(chatId).lean())!.title).toBe('Naming three colours');

    const asked = upstream.requests[1]!;
    expect(asked.model).toBe('title-model');
    expect(asked.body.max_tokens).toBe(16);
    expect(asked.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant']);
    expect(asked.messages[1]!.content).toBe('name three colours please');
    expect(asked.messages[2]!.content).toBe('Red, green and blue.');

    // The title's tokens are usage of the chat, in the ledger (the reply holds its own).
    const titleUsage = await eventually(
      () => UsageEntry.find({ chatId, kind: 'title' }).lean(),
      (entries) => entries.length > 0,
    );
    expect(titleUsage).toHaveLength(1);
    expect(titleUsage[0]!.model).toBe('title-model');
    expect(titleUsage[0]!.promptTokens + titleUsage[0]!.completionTokens).toBeGreaterThan(0);
    const charges = await chargesWhere({ chatId });
    expect(charges.filter((c) => c.kind === 'reply')).toHaveLength(1);

    // The second reply asks for no title.
    const second = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(user.auth)
      .send({ content: 'and two more?', stream: false });
    expect(second.status).toBe(201);
    expect(upstream.requests).toHaveLength(3);
    expect((await Chat.findById(chatId).lean())!.title).toBe('Naming three colours');
  });

  it('when the first reply of a chat is asked for as JSON, then the answer carries the title the model wrote', async () => {
    upstream.script({ chunks: ['Paris.'] }, { chunks: ['Capital of France'] });
    const res = await ctx
      .request()
      .post('/api/chats')
      .set(user.auth)
      .send({ message: 'what is the capital of france', stream: false });
    expect(res.status).toBe(201);
    expect(res.body.title).toBe('Capital of France');
    expect(res.body.chat.title).toBe('Capital of France');
    expect((await Chat.findById(res.body.id).lean())!.title).toBe('Capital of France');
  });

  it('when the chat was given a title, then no title is asked for', async () => {
    const res = await startStreamed({ message: 'hello', title: 'Mine' });
    const { events } = parseSse(res.body as string);
    expect(events.map((e) => e.event)).not.toContain('title');
    expect(upstream.requests).toHaveLength(1);
  });

  it("when the first reply uses up the account's daily budget, then no title is asked for, the first-message title stays, and no refused message is counted", async () => {
    const limited = await createUser({ label: 'title-budget' });
    await User.updateOne({ _id: limited.id }, { $set: { tokenBudgetPerDay: 5 } });
    upstream.script({ chunks: ['a reply that uses the budget up'] });
    const refusals = async () => (await quotaRefusals.get()).values[0]?.value ?? 0;
    const refusedBefore = await refusals();
    const res = await startStreamed({ message: 'spend it' }, limited);
    const { events } = parseSse(res.body as string);
    expect(events.at(-1)!.event).toBe('done');
    expect(events.map((e) => e.event)).not.toContain('title');
    expect(upstream.requests).toHaveLength(1);
    const chatId = events[0]!.data.chat.id as string;
    expect((await Chat.findById(chatId).lean())!.title).toBe('spend it');
    // The title is not a message the user sent: the quota-refusal metric does not count it.
    expect(await refusals()).toBe(refusedBefore);
  });

  it('when the model answers the title request with invisible characters only, then the first-message title stays, as a client could not write that title either', async () => {
    upstream.script({ chunks: ['fine'] }, { chunks: ['\u200b\u2060\u3164'] });
    const res = await startStreamed({ message: 'keep my visible title' });
    const { events } = parseSse(res.body as string);
    expect(events.map((e) => e.event)).not.toContain('title');
    expect(events.at(-1)!.event).toBe('done');
    expect(upstream.requests).toHaveLength(2);
    const chatId = events[0]!.data.chat.id as string;
    expect((await Chat.findById(chatId).lean())!.title).toBe('keep my visible title');
  });

  it('when the title request fails, then the reply still ends with done and the first-message title stays', async () => {
    upstream.script({ chunks: ['fine'] }, { status: 500 });
    const res = await startStreamed({ message: 'keep my title' });
    const { events } = parseSse(res.body as string);
    expect(events.map((e) => e.event)).not.toContain('title');
    expect(events.at(-1)!.event).toBe('done');
    expect(events.at(-1)!.data.message.status).toBe('complete');
    expect(upstream.requests).toHaveLength(2);
    const chatId = events[0]!.data.chat.id as string;
    expect((await Chat.findById(chatId).lean())!.title).toBe('keep my title');
  });

  it('when the user renames the chat while the title is being written, then the rename wins', async () => {
    const { chatId, sending } = await firstReplyWhileTitleWaits();
    const renamed = await ctx
      .request()
      .patch(`/api/chats/${chatId}`)
      .set(user.auth)
      .send({ title: 'My own title' });
    expect(renamed.status).toBe(200);
    expect((await sending).status).toBe(201);
    expect((await Chat.findById(chatId).lean())!.title).toBe('My own title');
  });

  it('when the user renames the chat while its first reply is still streaming, then no title is asked for, and the JSON answer carries the rename', async () => {
    let release!: () => void;
    upstream.script({ chunks: ['answer'], holdUntil: new Promise<void>((r) => (release = r)) });
    // The model is asked once the send has read the chat; the send then names the chat after
    // its first message. The rename comes after that.
    const { chatId, sending } = await firstQuestionAsked(user, 1);
    await eventually(
      () => Chat.findById(chatId).lean(),
      (chat) => chat?.title === 'first question',
    );
    const renamed = await ctx
      .request()
      .patch(`/api/chats/${chatId}`)
      .set(user.auth)
      .send({ title: 'Named before the answer' });
    expect(renamed.status).toBe(200);
    release();
    const sent = await sending;
    expect(sent.status).toBe(201);
    expect(sent.body.chat.title).toBe('Named before the answer');
    expect(sent.body.messages[1].content).toBe('answer');
    expect(upstream.requests).toHaveLength(1);
    expect((await Chat.findById(chatId).lean())!.title).toBe('Named before the answer');
  });

  it('when the chat is deleted while its title is being written, then the title’s tokens stay in the ledger, no longer linked to the chat', async () => {
    const started = new Date();
    const { chatId, sending } = await firstReplyWhileTitleWaits();
    expect((await ctx.request().delete(`/api/chats/${chatId}`).set(user.auth)).status).toBe(204);
    await sending;
    const titles = await eventually(
      () => UsageEntry.find({ userId: user.id, kind: 'title' }).lean(),
      (entries) => entries.some((e) => e.model === 'title-model' && e.createdAt > started),
    );
    expect(titles.filter((e) => String(e.chatId) === chatId)).toEqual([]);
    expect(await UsageEntry.countDocuments({ chatId })).toBe(0);
  });

  it('when the whole account is deleted while a title is being written, then the title’s tokens stay in the ledger naming neither the chat nor the account', async () => {
    const leaving = await createUser({ label: 'leaving' });
    const started = new Date();
    const { chatId, sending } = await firstReplyWhileTitleWaits(leaving);
    const deleted = await ctx
      .request()
      .delete('/api/auth/me')
      .set(leaving.auth)
      .send({ password: leaving.password });
    expect(deleted.status).toBe(204);
    await sending;
    // The title's entry lands after the deletion's sweep: once it is there, it names no one.
    const late = await eventually(
      () =>
        UsageEntry.find({
          kind: 'title',
          model: 'title-model',
          createdAt: { $gt: started },
        }).lean(),
      (entries) => entries.some((e) => e.userId === null),
    );
    expect(late.filter((e) => e.userId === null)).toHaveLength(1);
    expect(await UsageEntry.countDocuments({ userId: leaving.id })).toBe(0);
    expect(await UsageEntry.countDocuments({ chatId })).toBe(0);
  });
});

describe('a title call the provider refuses, in the log', () => {
  it('when the provider echoes the request in its error, then the log holds neither the key nor the message text', async () => {
    lines.length = 0;
    upstream.script(
      { chunks: ['An', ' answer'] },
      {
        status: 400,
        errorMessage:
          'Bad request. Authorization: {authorization}; you asked: private question QUUX',
      },
    );
    const res = await ctx
      .request()
      .post('/api/chats')
      .set(user.auth)
      .send({ message: 'private question QUUX', stream: false });
    expect(res.status).toBe(201);
    const all = await eventually(
      () => Promise.resolve(lines.join('')),
      (text) => text.includes('could not write a title'),
    );
    expect(upstream.requests.at(-1)!.authorization).toBe(`Bearer ${API_KEY}`);
    // Logged as any failed model call is: by its status.
    expect(JSON.parse(lines.find((l) => l.includes('could not write a title'))!).err).toMatchObject(
      {
        status: 400,
      },
    );
    expect(all).not.toContain(API_KEY);
    expect(all).not.toContain('QUUX');
  });
});
