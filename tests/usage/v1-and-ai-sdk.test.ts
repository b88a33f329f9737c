import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { ChatLink } from '../../src/modules/ai-sdk/chat-link.model.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { uniqueEmail, useTestApp } from '../helpers/app.js';
import { chargesOnReplies, chargesWhere, ledgerEntries } from '../helpers/charges.js';
import { NO_TIGHT_LIMITS } from '../helpers/auth.js';
import { startUpstream } from '../helpers/upstream.js';
import { userWithSdkClient } from '../helpers/sdk-client.js';
import { useListeningApp } from '../helpers/sse.js';
import { upstreamEnv } from '../helpers/chat-app.js';
import { createUser, type TestUser } from '../helpers/users.js';

/**
 * The OpenAI-compatible /v1 and the AI SDK route under the operators' controls: their model calls
 * land in the usage ledger once each, the daily budget refuses them (in each protocol's own error
 * shape), and a disabled account's API keys stop working.
 */
const ADMIN_EMAIL = uniqueEmail('v1-admin');
const upstream = await startUpstream();
const ctx = useTestApp({
  ...NO_TIGHT_LIMITS,
  ...upstreamEnv(upstream),
  ADMIN_EMAILS: ADMIN_EMAIL,
});
afterAll(() => upstream.close());
const server = useListeningApp(ctx);
let admin: Pick<TestUser, 'id' | 'auth'>;

beforeAll(async () => {
  const res = await ctx
    .request()
    .post('/api/auth/signup')
    .send({ email: ADMIN_EMAIL, password: 'correct horse battery' });
  expect(res.body.user.role).toBe('admin');
  const token = res.body.accessToken as string;
  admin = { id: res.body.user.id as string, auth: { Authorization: `Bearer ${token}` } };
});
beforeEach(() => upstream.reset());

/** A user with a personal API key and an SDK client that never retries on its own. */
const userWithKey = (label: string) => userWithSdkClient(ctx, server, { label, maxRetries: 0 });

const setAccount = async (user: TestUser, changes: Record<string, unknown>) => {
  const res = await ctx
    .request()
    .patch(`/api/admin/users/${user.id}`)
    .set(admin.auth)
    .send(changes);
  expect(res.status).toBe(200);
};

const entriesOf = (user: TestUser) => chargesWhere({ userId: new Types.ObjectId(user.id) });
const storedOf = async (user: TestUser) => ({
  chats: await Chat.countDocuments({ userId: new Types.ObjectId(user.id) }),
  messages: await Message.countDocuments({ userId: new Types.ObjectId(user.id) }),
});
const completion = (apiKey: string, body: Record<string, unknown>) =>
  fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      model: 'test-model',
      messages: [{ role: 'user', content: 'Hi' }],
      ...body,
    }),
  });

describe('usage and budgets on /v1', () => {
  it('when completions run through /v1, stored or not, streamed or not, then each is recorded once with the provider usage', async () => {
    const { user, client } = await userWithKey('v1-ledger');
    const usage = { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 };
    upstream.script({ chunks: ['Hello', '!'], usage });
    await client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    upstream.script({ chunks: ['Hello', '!'], usage });
    const stream = await client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    for await (const chunk of stream) void chunk;
    upstream.script({ chunks: ['Kept'], usage });
    await client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'Keep this' }],
      store: true,
    });

    const entries = await entriesOf(user);
    expect(entries).toHaveLength(3);
    for (const entry of entries)
      expect(entry).toMatchObject({
        model: 'test-model',
        kind: 'reply',
        promptTokens: 9,
        completionTokens: 3,
        totalTokens: 12,
        estimated: false,
      });
    // Only the stored completion names a chat: the others have none to name.
    const [chat] = await Chat.find({ userId: new Types.ObjectId(user.id) }).lean();
    expect(entries.filter((e) => e.chatId === null)).toHaveLength(2);
    expect(entries.filter((e) => String(e.chatId) === String(chat!._id))).toHaveLength(1);
    // The stored one is charged on its reply; the unstored ones, with no reply, in the ledger.
    expect(await chargesOnReplies({ chatId: chat!._id })).toHaveLength(1);
    expect(await ledgerEntries({ userId: new Types.ObjectId(user.id) })).toHaveLength(2);
    const report = await ctx.request().get('/api/usage').set(user.auth);
    expect(report.body.total).toMatchObject({ calls: 3, totalTokens: 36 });
    expect(report.body.budget).toMatchObject({ limit: null, used: 36 });
  });

  it("when the provider's usage report is malformed, then /v1 answers, streamed or not, with the estimate it charged as usage", async () => {
    const { user, client } = await userWithKey('v1-bad-usage');
    // A compatible server's own fields, not the numbers the helper's type promises.
    const usage = { prompt_tokens: 30, completion_tokens: '10', total_tokens: 40 } as never;
    upstream.script({ chunks: ['Hello', '!'], usage });
    const answer = await client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    upstream.script({ chunks: ['Hello', '!'], usage });
    const stream = await client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let streamed;
    for await (const chunk of stream) if (chunk.usage) streamed = chunk.usage;

    // The same call twice: the same estimate, in the ledger and in both answers.
    const entries = (await entriesOf(user)).map((e) => ({
      estimated: e.estimated,
      prompt_tokens: e.promptTokens,
      completion_tokens: e.completionTokens,
      total_tokens: e.totalTokens,
    }));
    expect(entries).toHaveLength(2);
    const { estimated, ...charged } = entries[0]!;
    expect(estimated).toBe(true);
    expect(entries[1]).toEqual(entries[0]);
    expect(charged.total_tokens).toBe(charged.prompt_tokens + charged.completion_tokens);
    expect(answer.usage).toEqual(charged);
    expect(streamed).toEqual(charged);
    const report = await ctx.request().get('/api/usage').set(user.auth);
    expect(report.body.budget).toMatchObject({ used: 2 * charged.total_tokens });
  });

  it('when the daily budget is used up, then /v1 answers 429 in OpenAI’s error shape with Retry-After, and nothing is stored or sent upstream', async () => {
    const { user, apiKey, client } = await userWithKey('v1-budget');
    await setAccount(user, { tokenBudgetPerDay: 10 });
    upstream.script({
      chunks: ['Hello'],
      usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 },
    });
    await client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const asked = upstream.requests.length;
    const before = await storedOf(user);

    for (const body of [{}, { stream: true }, { store: true }]) {
      const res = await completion(apiKey, body);
      expect(res.status).toBe(429);
      expect(await res.json()).toEqual({
        error: {
          message: expect.stringContaining('daily budget of 10 tokens'),
          type: 'insufficient_quota',
          param: null,
          code: 'insufficient_quota',
        },
      });
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(86_400);
      // OpenAI's SDKs would otherwise retry a refusal that lasts until midnight.
      expect(res.headers.get('x-should-retry')).toBe('false');
    }
    // The official SDK raises its RateLimitError with the same fields.
    const error = await client.chat.completions
      .create({ model: 'test-model', messages: [{ role: 'user', content: 'Hi' }] })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error).toMatchObject({ status: 429, code: 'insufficient_quota' });

    expect(upstream.requests.length).toBe(asked);
    expect(await storedOf(user)).toEqual(before);
    expect(await entriesOf(user)).toHaveLength(1);
  });
});

describe('a disabled account on /v1', () => {
  it('when an administrator disables the account, then its API key gets 401 on /v1, and works again once the account is enabled', async () => {
    const { user, apiKey, client } = await userWithKey('v1-disabled');
    upstream.script({ chunks: ['Hello'] });
    await client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const asked = upstream.requests.length;

    await setAccount(user, { disabled: true });
    const refused = await completion(apiKey, {});
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({
      error: {
        message: expect.stringContaining('disabled'),
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      },
    });
    const models = await fetch(`${server.url}/v1/models`, {
      headers: { Authorization: `Bearer ${apiKey}` },
    });
    expect(models.status).toBe(401);
    expect(upstream.requests.length).toBe(asked);
    // The key itself is kept: disabling is not deleting.
    await setAccount(user, { disabled: false });
    upstream.script({ chunks: ['Back'] });
    const again = await client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(again.choices[0]!.message.content).toBe('Back');
  });
});

describe('usage and budgets on the AI SDK route', () => {
  const send = (token: string, id: string, text: string) =>
    fetch(`${server.url}/api/ai-sdk/chat`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        id,
        trigger: 'submit-message',
        messages: [{ id: `m-${text}`, role: 'user', parts: [{ type: 'text', text }] }],
      }),
    });

  it('when useChat sends messages, then each reply is recorded once, and over the budget the next is refused with 429 before any chat is made', async () => {
    const user = await createUser({ label: 'ai-sdk-budget' });
    upstream.script({
      chunks: ['Hi'],
      usage: { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 },
    });
    const first = await send(user.accessToken, 'ui-first', 'hello');
    expect(first.status).toBe(200);
    await first.text();
    const entries = await entriesOf(user);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ promptTokens: 20, completionTokens: 5, estimated: false });

    await setAccount(user, { tokenBudgetPerDay: 25 });
    const asked = upstream.requests.length;
    const before = await storedOf(user);
    // A useChat id never seen before would make its chat on first use: the budget comes first.
    const refused = await send(user.accessToken, 'ui-second', 'again');
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
      'QUOTA_EXCEEDED',
    );
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await storedOf(user)).toEqual(before);
    expect(
      await ChatLink.countDocuments({ userId: new Types.ObjectId(user.id), clientId: 'ui-second' }),
    ).toBe(0);
    expect(upstream.requests.length).toBe(asked);
    expect(await entriesOf(user)).toHaveLength(1);

    // The linked chat's next message and a regeneration of its answer: refused by the exchange's
    // own check under the generation slot, before anything is stored or sent upstream.
    const next = await send(user.accessToken, 'ui-first', 'more');
    const regenerate = await fetch(`${server.url}/api/ai-sdk/chat`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${user.accessToken}`, 'Content-Type': 'application/json' },
      // What useChat's regenerate() sends: the messages up to the question.
      body: JSON.stringify({
        id: 'ui-first',
        trigger: 'regenerate-message',
        messages: [{ id: 'm-hello', role: 'user', parts: [{ type: 'text', text: 'hello' }] }],
      }),
    });
    for (const res of [next, regenerate]) {
      expect(res.status).toBe(429);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('QUOTA_EXCEEDED');
    }
    expect(await storedOf(user)).toEqual(before);
    expect(upstream.requests.length).toBe(asked);
    expect(await Generation.countDocuments({ userId: new Types.ObjectId(user.id) })).toBe(0);
  });
});
