import OpenAI from 'openai';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { logger } from '../../src/lib/logger.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { IdempotencyKey } from '../../src/modules/chats/idempotency.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useTestApp } from '../helpers/app.js';
import { NO_TIGHT_LIMITS } from '../helpers/auth.js';
import { chargesWhere } from '../helpers/charges.js';
import { eventually } from '../helpers/eventually.js';
import { holdCall } from '../helpers/hold-call.js';
import { upstreamEnv } from '../helpers/chat-app.js';
import { startUpstream } from '../helpers/upstream.js';
import { userWithSdkClient } from '../helpers/sdk-client.js';
import { useListeningApp } from '../helpers/sse.js';

/*
 * OpenAI's SDKs send a request again by themselves on a 409, a 429 or a 5xx (twice by default),
 * unless the answer says `x-should-retry: false`. A refusal that answers the same until the caller
 * changes something, or a reply the user stopped, must say so: a retry would spend the caller's
 * message rate, or run and charge a stopped request again.
 */
const upstream = await startUpstream();
const ctx = useTestApp({
  ...NO_TIGHT_LIMITS,
  ...upstreamEnv(upstream),
  MODELS: 'test-model',
  MAX_MESSAGES_PER_USER: '4',
  // The longest a stream repeat waits for the reply it repeats to start (its provider's answer).
  UPSTREAM_TIMEOUT_MS: '2000',
});
afterAll(() => upstream.close());
const server = useListeningApp(ctx);
/**
 * Completion requests that reached the server since the test began (or its last countFromHere),
 * retries included: the server's responses from `countedFrom` on.
 */
let countedFrom = 0;
const completionRequests = () =>
  server.served.slice(countedFrom).filter((s) => s.url.startsWith('/v1/chat/completions')).length;
const countFromHere = () => (countedFrom = server.served.length);
beforeEach(() => {
  upstream.reset();
  countFromHere();
});

/** A user and an SDK client with its defaults (two retries), as any user of the SDK has. */
const userWithClient = (label: string) => userWithSdkClient(ctx, server, { label });
const failure = (call: Promise<unknown>) =>
  call.then(
    () => null,
    (error: unknown) => error as InstanceType<typeof OpenAI.APIError>,
  );
const owned = (userId: string) => ({ userId: new Types.ObjectId(userId) });

/**
 * Stops the user's one reply through its chat once it is stored and streaming, and its model call
 * has reached the provider (the reply is stored before the call: a stop before it would make none).
 */
async function stopTheReply(user: Awaited<ReturnType<typeof userWithClient>>['user']) {
  await eventually(
    () => Promise.resolve(upstream.requests.length),
    (calls) => calls > 0,
  );
  const reply = await eventually(
    () => Message.findOne({ ...owned(user.id), role: 'assistant' }).lean(),
    (message) => message?.status === 'streaming',
  );
  const stop = await ctx
    .request()
    .post(`/api/chats/${String(reply!.chatId)}/stop`)
    .set(user.auth);
  expect(stop.status).toBe(202);
}

describe('/v1 answers the official SDKs must not retry', () => {
  it('when a stored completion is stopped through its chat before it ends, then the SDK raises 503 generation_interrupted after one request: no second model call, chat or charge', async () => {
    const { user, client } = await userWithClient('stop-json');
    upstream.script({ chunks: Array.from({ length: 60 }, (_, i) => `s${i} `), delayMs: 50 });
    const call = failure(
      client.chat.completions.create({
        model: 'test-model',
        messages: [{ role: 'user', content: 'Stop me' }],
        store: true,
      }),
    );
    await stopTheReply(user);
    const error = await call;
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error).toMatchObject({ status: 503, code: 'generation_interrupted' });
    expect(error?.headers?.get('x-should-retry')).toBe('false');
    expect(completionRequests()).toBe(1);
    expect(upstream.requests).toHaveLength(1);
    expect(await Chat.countDocuments(owned(user.id))).toBe(1);
    const replies = await Message.find({ ...owned(user.id), role: 'assistant' }).lean();
    expect(replies.map((m) => m.status)).toEqual(['incomplete']);
    expect(
      await eventually(
        () => chargesWhere({ userId: user.id }),
        (c) => c.length > 0,
      ),
    ).toHaveLength(1);
  });

  it('when a stored stream is stopped before the provider has answered, then the SDK raises 503 generation_interrupted after one request', async () => {
    const { user, client } = await userWithClient('stop-head');
    upstream.script({ chunks: ['late'], headerDelayMs: 1500 });
    const call = failure(
      client.chat.completions
        .create({
          model: 'test-model',
          messages: [{ role: 'user', content: 'Stop me early' }],
          store: true,
          stream: true,
        })
        .then(async (stream) => {
          for await (const _chunk of stream);
        }),
    );
    await stopTheReply(user);
    // What a retry would get, were there one.
    upstream.script({ chunks: ['retried'] });
    const error = await call;
    expect(error).toMatchObject({ status: 503, code: 'generation_interrupted' });
    expect(error?.headers?.get('x-should-retry')).toBe('false');
    expect(completionRequests()).toBe(1);
    expect(await Chat.countDocuments(owned(user.id))).toBe(1);
  });

  it('when a stored completion would pass a storage cap, then the SDK raises 409 message_limit_reached after one request, which spent one message of the per-minute rate', async () => {
    const { user, client } = await userWithClient('cap');
    upstream.setDefault({ chunks: ['ok'] });
    const send = (content: string) =>
      client.chat.completions.create({
        model: 'test-model',
        messages: [{ role: 'user', content }],
        store: true,
      });
    await send('one');
    await send('two');
    countFromHere();
    const error = await failure(send('three'));
    expect(error).toBeInstanceOf(OpenAI.ConflictError);
    expect(error).toMatchObject({ status: 409, code: 'message_limit_reached' });
    expect(error?.headers?.get('x-should-retry')).toBe('false');
    expect(completionRequests()).toBe(1);
    expect(await Message.countDocuments(owned(user.id))).toBe(4);
  });
});

describe('/v1 store: true when the provider fails', () => {
  for (const stream of [false, true]) {
    it(`when a stored completion (stream: ${stream}) fails upstream, then the SDK does not store it three times`, async () => {
      const { user, client } = await userWithClient(`stored-502-${stream}`);
      upstream.setDefault({ status: 500 });
      const error = await client.chat.completions
        .create({
          model: 'test-model',
          messages: [{ role: 'user', content: 'Hello once' }],
          store: true,
          ...(stream ? { stream: true as const } : {}),
        })
        .then(
          () => null,
          (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
        );
      expect(error?.status).toBe(502);
      expect(error?.headers?.get('x-should-retry')).toBe('false');
      const owner = { userId: new Types.ObjectId(user.id) };
      const chats = await Chat.countDocuments(owner);
      const questions = await Message.countDocuments({ ...owner, role: 'user' });
      expect({ completionRequests: completionRequests(), chats, questions }).toEqual({
        completionRequests: 1,
        chats: 1,
        questions: 1,
      });
      // The error names the chat the exchange was stored in, to look at or continue.
      const stored = await Chat.findOne(owner).lean();
      expect(error?.headers?.get('x-chat-id')).toBe(String(stored!._id));
    });
  }
});

describe("a provider's Retry-After on /v1", () => {
  /** A completion the provider refused with 429: the headers of the error the SDK threw. */
  async function rateLimited(client: OpenAI) {
    const error = await client.chat.completions
      .create({ model: 'test-model', messages: [{ role: 'user', content: 'x' }] })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    return (error as InstanceType<typeof OpenAI.APIError>).headers;
  }

  it('when the provider asks for an hour, then the SDK is told not to retry (it would sleep through it) and the caller gets the 429 with that Retry-After at once', async () => {
    const { client } = await userWithClient('long-wait');
    upstream.setDefault({ status: 429, retryAfter: '3600' });
    const headers = await rateLimited(client);
    expect(headers?.get('retry-after')).toBe('3600');
    expect(headers?.get('x-should-retry')).toBe('false');
    expect(completionRequests()).toBe(1);
  }, 15_000);

  it('when the provider gives its Retry-After as an HTTP date an hour ahead, then the caller gets that wait in seconds and its SDK is told not to retry', async () => {
    const { client } = await userWithClient('date-wait');
    upstream.setDefault({
      status: 429,
      retryAfter: new Date(Date.now() + 3600_000).toUTCString(),
    });
    const headers = await rateLimited(client);
    // An HTTP date has whole seconds: the wait is the hour less up to a second or two.
    expect(Number(headers?.get('retry-after'))).toBeGreaterThan(3590);
    expect(Number(headers?.get('retry-after'))).toBeLessThanOrEqual(3600);
    expect(headers?.get('x-should-retry')).toBe('false');
    expect(completionRequests()).toBe(1);
  }, 15_000);

  it('when the provider asks for a second, then the SDK waits and retries by itself, as usual', async () => {
    const { client } = await userWithClient('short-wait');
    upstream.setDefault({ status: 429, retryAfter: '1' });
    const error = await client.chat.completions
      .create({ model: 'test-model', messages: [{ role: 'user', content: 'x' }] })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(completionRequests()).toBe(3);
  }, 15_000);

  it("when the provider is unavailable (503, or 529 overloaded), then the caller gets 503 upstream_unavailable with the provider's Retry-After, or 5 s when it gave none, in JSON and before a stream", async () => {
    const { client } = await userWithClient('provider-down');
    for (const [status, retryAfter, expected] of [
      [503, '7', '7'],
      [503, new Date(Date.now() + 30_000).toUTCString(), 'date'],
      [503, undefined, '5'],
      [529, undefined, '5'],
    ] as const) {
      for (const stream of [false, true]) {
        upstream.script({ status, ...(retryAfter ? { retryAfter } : {}) });
        const error = await failure(
          client.chat.completions.create(
            { model: 'test-model', messages: [{ role: 'user', content: 'x' }], stream },
            { maxRetries: 0 },
          ),
        );
        const label = `${status} ${retryAfter} stream: ${stream}`;
        expect(error, label).toBeInstanceOf(OpenAI.InternalServerError);
        expect(error, label).toMatchObject({
          status: 503,
          type: 'server_error',
          code: 'upstream_unavailable',
        });
        const wait = error?.headers?.get('retry-after');
        if (expected === 'date') {
          // An HTTP date has whole seconds: the wait is the half minute less up to a second or two.
          expect(Number(wait), label).toBeGreaterThan(25);
          expect(Number(wait), label).toBeLessThanOrEqual(30);
        } else expect(wait, label).toBe(expected);
        // Within a minute: the SDK's own retry after the wait is welcome.
        expect(error?.headers?.get('x-should-retry'), label).toBeNull();
        expect(JSON.stringify(error), label).not.toContain('sk-leak');
      }
    }
  });

  it('when the provider is unavailable for a stored completion, then the 503 keeps its Retry-After, names the chat holding the question and tells the SDK not to store it again', async () => {
    const { user, client } = await userWithClient('provider-down-stored');
    upstream.setDefault({ status: 503, retryAfter: '2' });
    const error = await failure(
      client.chat.completions.create({
        model: 'test-model',
        messages: [{ role: 'user', content: 'Down?' }],
        store: true,
      }),
    );
    expect(error).toMatchObject({ status: 503, code: 'upstream_unavailable' });
    expect(error?.headers?.get('retry-after')).toBe('2');
    expect(error?.headers?.get('x-should-retry')).toBe('false');
    expect(completionRequests()).toBe(1);
    const chat = await Chat.findOne(owned(user.id)).lean();
    expect(error?.headers?.get('x-chat-id')).toBe(String(chat!._id));
    const messages = await Message.find(owned(user.id)).sort({ _id: 1 }).lean();
    expect(messages.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'error'],
    ]);
  });
});

describe("/v1 store: true under an Idempotency-Key: the SDK's own retries store and call once", () => {
  let keys = 0;
  const newKey = () => `v1-key-${Date.now()}-${(keys += 1)}`;
  const ask = (content: string, store = true) => ({
    model: 'test-model',
    messages: [{ role: 'user' as const, content }],
    store,
  });
  /** What the user has stored, and how often the model was called. */
  const holdings = async (userId: string) => ({
    chats: await Chat.countDocuments(owned(userId)),
    questions: await Message.countDocuments({ ...owned(userId), role: 'user' }),
    answers: await Message.countDocuments({ ...owned(userId), role: 'assistant' }),
    modelCalls: upstream.requests.length,
  });
  const settled = (userId: string) =>
    eventually(
      () => Message.countDocuments({ ...owned(userId), status: 'streaming' }),
      (n) => n === 0,
    );

  it('when the SDK times out a stored completion and retries by itself with the key, then the question is stored once and the model called once, and a later repeat gets the finished completion', async () => {
    const { user, client } = await userWithClient('timeout');
    upstream.setDefault({ chunks: ['a', 'b', 'c'], delayMs: 1500 });
    const headers = { 'Idempotency-Key': newKey() };
    const error = await failure(
      client.chat.completions.create(ask('Hello once'), { timeout: 800, headers }),
    );
    expect(error?.constructor.name).toBe('APIConnectionTimeoutError');
    // The SDK's first attempt and its two retries all reached the server.
    expect(completionRequests()).toBe(3);
    await settled(user.id);
    expect(await holdings(user.id)).toEqual({ chats: 1, questions: 1, answers: 1, modelCalls: 1 });
    // The reply went on without its reader (a keyed one waits for a repeat): complete, once.
    const reply = await Message.findOne({ ...owned(user.id), role: 'assistant' }).lean();
    expect(reply).toMatchObject({ status: 'complete', content: 'abc' });

    const { data, response } = await client.chat.completions
      .create(ask('Hello once'), { headers })
      .withResponse();
    expect(response.headers.get('x-chat-id')).toBe(String(reply!.chatId));
    expect(data).toMatchObject({
      id: `chatcmpl-${String(reply!._id)}`,
      object: 'chat.completion',
      model: 'test-model',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'abc' }, finish_reason: 'stop' },
      ],
    });
    expect(await holdings(user.id)).toEqual({ chats: 1, questions: 1, answers: 1, modelCalls: 1 });
    expect(await chargesWhere({ userId: user.id })).toHaveLength(1);
  }, 30000);

  it('when the first attempt is aborted mid-reply and the request is sent again with its key, then the retry attaches to the running reply and gets all of it from the one model call', async () => {
    const { user, client } = await userWithClient('abort');
    upstream.script({ chunks: ['one ', 'two ', 'three'], delayMs: 300 });
    const headers = { 'Idempotency-Key': newKey() };
    const aborted = new AbortController();
    const first = failure(
      client.chat.completions.create(ask('Count'), {
        headers,
        signal: aborted.signal,
        maxRetries: 0,
      }),
    );
    await eventually(
      () => Message.findOne({ ...owned(user.id), role: 'assistant' }).lean(),
      (m) => m?.status === 'streaming',
    );
    aborted.abort();
    expect((await first)?.constructor.name).toBe('APIUserAbortError');
    const retried = await client.chat.completions.create(ask('Count'), { headers });
    expect(retried.choices[0]!.message.content).toBe('one two three');
    const reply = await Message.findOne({ ...owned(user.id), role: 'assistant' }).lean();
    expect(reply).toMatchObject({ status: 'complete', content: 'one two three' });
    expect(retried.id).toBe(`chatcmpl-${String(reply!._id)}`);
    expect(await holdings(user.id)).toEqual({ chats: 1, questions: 1, answers: 1, modelCalls: 1 });
  });

  it('when a finished stored completion is repeated with its key, as JSON and as a stream, then the JSON is the same body and the stream carries the same completion, with nothing stored or called again', async () => {
    const { user, client } = await userWithClient('repeat');
    upstream.script({
      chunks: ['Same', ' again'],
      usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
    });
    const headers = { 'Idempotency-Key': newKey() };
    const first = await client.chat.completions.create(ask('Twice?'), { headers });
    const again = await client.chat.completions.create(ask('Twice?'), { headers });
    expect(again).toEqual(first);
    expect(first.choices[0]!.message.content).toBe('Same again');

    const chunks: OpenAI.ChatCompletionChunk[] = [];
    const stream = await client.chat.completions.create(
      { ...ask('Twice?'), stream: true, stream_options: { include_usage: true } },
      { headers },
    );
    for await (const chunk of stream) chunks.push(chunk);
    expect(new Set(chunks.map((c) => c.id))).toEqual(new Set([first.id]));
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Same again');
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.at(-1)!.usage).toEqual(first.usage);
    expect(first.usage).toEqual({ prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 });
    expect(await holdings(user.id)).toEqual({ chats: 1, questions: 1, answers: 1, modelCalls: 1 });
  });

  it('when a repeat waiting for a first attempt still storing its question is aborted, then it stops reading the key and ends without an error logged, and the first attempt answers once', async () => {
    const { user, client } = await userWithClient('repeat-aborted-while-waiting');
    const headers = { 'Idempotency-Key': newKey() };
    const storing = holdCall(Message.collection, 'insertMany');
    const reads = vi.spyOn(IdempotencyKey, 'findOne');
    const failed = vi.spyOn(logger, 'error');
    try {
      const first = client.chat.completions.create(ask('Slow to store'), { headers });
      await storing.reached;
      const aborted = new AbortController();
      const repeat = failure(
        client.chat.completions.create(ask('Slow to store'), {
          headers,
          signal: aborted.signal,
          maxRetries: 0,
        }),
      );
      // The repeat found the key held and waits for it.
      await eventually(
        () => Promise.resolve(reads.mock.calls.length),
        (n) => n >= 2,
      );
      aborted.abort();
      expect((await repeat)?.constructor.name).toBe('APIUserAbortError');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const whenGone = reads.mock.calls.length;
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(reads.mock.calls.length - whenGone).toBe(0);
      storing.release();
      expect((await first).choices[0]!.message.content).toBe('Hello world!');
      expect(failed).not.toHaveBeenCalled();
    } finally {
      storing.release();
      storing.restore();
      reads.mockRestore();
      failed.mockRestore();
    }
    await settled(user.id);
    expect(await holdings(user.id)).toEqual({ chats: 1, questions: 1, answers: 1, modelCalls: 1 });
  });

  it("when the key comes again with a different body, then a 409 idempotency_key_reused in OpenAI's shape that the SDK does not retry, and nothing is stored or called", async () => {
    const { user, client } = await userWithClient('reused');
    const headers = { 'Idempotency-Key': newKey() };
    await client.chat.completions.create(ask('First question'), { headers });
    countFromHere();
    const error = await failure(
      client.chat.completions.create(ask('Another question'), { headers }),
    );
    expect(error).toBeInstanceOf(OpenAI.ConflictError);
    expect(error?.status).toBe(409);
    expect(error?.error).toEqual({
      message: 'This Idempotency-Key was already used with a different request',
      type: 'invalid_request_error',
      param: null,
      code: 'idempotency_key_reused',
    });
    expect(error?.headers?.get('x-should-retry')).toBe('false');
    expect(completionRequests()).toBe(1);
    expect(await holdings(user.id)).toEqual({ chats: 1, questions: 1, answers: 1, modelCalls: 1 });
  });

  it("when a keyed stored completion failed at the provider (its refusal, its rate limit, its outage), then a repeat with the key within the provider's wait answers as the first attempt did, as JSON and as a stream: status, code, what is left of the Retry-After, X-Chat-Id, and no retry", async () => {
    const cases = [
      { provider: 400, status: 400, code: 'upstream_invalid_request', wait: null },
      { provider: 429, status: 429, code: 'upstream_rate_limited', wait: 30 },
      { provider: 503, status: 503, code: 'upstream_unavailable', wait: 30 },
    ] as const;
    for (const { provider, status, code, wait } of cases) {
      // A user each: this file's accounts keep at most 4 messages.
      const { user, client } = await userWithClient(`provider-failure-repeat-${provider}`);
      upstream.script({ status: provider, ...(wait ? { retryAfter: String(wait) } : {}) });
      const headers = { 'Idempotency-Key': newKey() };
      const content = `Provider ${provider}?`;
      const first = await failure(
        client.chat.completions.create(ask(content), { headers, maxRetries: 0 }),
      );
      const chatId = first?.headers?.get('x-chat-id');
      expect(first, `first, ${provider}`).toMatchObject({ status, code });
      for (const stream of [false, true]) {
        const label = `repeat of ${provider}, stream: ${stream}`;
        const again = await failure(
          client.chat.completions.create(
            { ...ask(content), ...(stream ? { stream: true as const } : {}) },
            { headers, maxRetries: 0 },
          ),
        );
        expect(again, label).toMatchObject({ status, code, error: first?.error });
        expect(again?.headers?.get('x-chat-id'), label).toBe(chatId);
        expect(again?.headers?.get('x-should-retry'), label).toBe('false');
        const left = again?.headers?.get('retry-after');
        if (wait === null) expect(left, label).toBeNull();
        else {
          // What is left of the provider's wait: its 30 s less the moments since the first answer.
          expect(Number(left), label).toBeGreaterThan(wait - 10);
          expect(Number(left), label).toBeLessThanOrEqual(wait);
        }
      }
      expect(await Message.countDocuments(owned(user.id)), `${provider}`).toBe(2);
    }
    expect(upstream.requests).toHaveLength(3);
  });

  /** Until the user's one reply is stored and its first attempt waits for the provider's answer. */
  const waitingForProvider = (userId: string) =>
    eventually(
      async () => ({
        streaming: await Message.countDocuments({ ...owned(userId), status: 'streaming' }),
        calls: upstream.requests.length,
      }),
      ({ streaming, calls }) => streaming === 1 && calls === 1,
    );

  for (const firstStreams of [false, true])
    it(`when a repeat asked as a stream comes while the first attempt (stream: ${firstStreams}) still waits for a provider that then rate limits it, then the repeat answers the 429 the first did, not a stream`, async () => {
      const { user, client } = await userWithClient(`stream-repeat-429-${firstStreams}`);
      upstream.script({ status: 429, retryAfter: '30', headerDelayMs: 1000 });
      const headers = { 'Idempotency-Key': newKey() };
      const first = failure(
        client.chat.completions.create(
          { ...ask('Busy?'), ...(firstStreams ? { stream: true as const } : {}) },
          { headers, maxRetries: 0 },
        ),
      );
      await waitingForProvider(user.id);
      const again = await failure(
        client.chat.completions.create(
          { ...ask('Busy?'), stream: true },
          { headers, maxRetries: 0 },
        ),
      );
      const firstError = await first;
      expect(firstError).toMatchObject({ status: 429, code: 'upstream_rate_limited' });
      expect(again).toBeInstanceOf(OpenAI.RateLimitError);
      expect(again).toMatchObject({
        status: 429,
        code: 'upstream_rate_limited',
        error: firstError?.error,
      });
      expect(again?.headers?.get('x-chat-id')).toBe(firstError?.headers?.get('x-chat-id'));
      expect(again?.headers?.get('x-should-retry')).toBe('false');
      expect(Number(again?.headers?.get('retry-after'))).toBeGreaterThan(20);
      expect(await holdings(user.id)).toEqual({
        chats: 1,
        questions: 1,
        answers: 1,
        modelCalls: 1,
      });
    });

  it('when a repeat asked as a stream comes while the first attempt still waits for a provider that then answers, then the repeat streams the whole completion, with nothing stored or called again', async () => {
    const { user, client } = await userWithClient('stream-repeat-answered');
    upstream.script({ chunks: ['Worth', ' the', ' wait'], headerDelayMs: 1000 });
    const headers = { 'Idempotency-Key': newKey() };
    const first = client.chat.completions.create(ask('Slow?'), { headers, maxRetries: 0 });
    await waitingForProvider(user.id);
    const stream = await client.chat.completions.create(
      { ...ask('Slow?'), stream: true },
      { headers, maxRetries: 0 },
    );
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const answered = await first;
    expect(answered.choices[0]!.message.content).toBe('Worth the wait');
    expect(new Set(chunks.map((c) => c.id))).toEqual(new Set([answered.id]));
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Worth the wait');
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    expect(await holdings(user.id)).toEqual({ chats: 1, questions: 1, answers: 1, modelCalls: 1 });
  });

  it("when a repeat asked as a stream comes once the first attempt's stream is under way, then it streams at once, from the start and then live, before the reply has ended", async () => {
    const { user, client } = await userWithClient('stream-repeat-under-way');
    upstream.script({ chunks: ['one ', 'two ', 'three ', 'four'], delayMs: 400 });
    const headers = { 'Idempotency-Key': newKey() };
    const first = await client.chat.completions.create(
      { ...ask('Count'), stream: true },
      { headers, maxRetries: 0 },
    );
    const firstText: string[] = [];
    const reading = (async () => {
      for await (const chunk of first) firstText.push(chunk.choices[0]?.delta.content ?? '');
    })();
    await eventually(
      () => Promise.resolve(firstText.join('')),
      (text) => text.length > 0,
    );
    const stream = await client.chat.completions.create(
      { ...ask('Count'), stream: true },
      { headers, maxRetries: 0 },
    );
    const text: string[] = [];
    let endedWhenRepeatStarted: boolean | undefined;
    for await (const chunk of stream) {
      endedWhenRepeatStarted ??=
        (await Message.countDocuments({ ...owned(user.id), status: 'streaming' })) === 0;
      text.push(chunk.choices[0]?.delta.content ?? '');
    }
    await reading;
    expect(endedWhenRepeatStarted).toBe(false);
    expect(text.join('')).toBe('one two three four');
    expect(firstText.join('')).toBe('one two three four');
    expect(await holdings(user.id)).toEqual({ chats: 1, questions: 1, answers: 1, modelCalls: 1 });
  });

  it('when the provider has answered but sends no text for longer than the wait for its answer (a model thinking), then a stream repeat waits no longer than UPSTREAM_TIMEOUT_MS: it streams, then live', async () => {
    const { user, client } = await userWithClient('stream-repeat-thinking');
    let finish!: () => void;
    upstream.script({
      reasoning: { pieces: ['Thinking'] },
      chunks: [],
      holdUntil: new Promise<void>((resolve) => (finish = resolve)),
      afterHold: ['Thought', ' through'],
    });
    const headers = { 'Idempotency-Key': newKey() };
    const first = await client.chat.completions.create(
      { ...ask('Think'), stream: true },
      { headers, maxRetries: 0 },
    );
    // The model thinks longer than a repeat waits for the reply's text.
    const thinking = setTimeout(() => finish(), 4000);
    const askedAt = Date.now();
    const stream = await client.chat.completions.create(
      { ...ask('Think'), stream: true },
      { headers, maxRetries: 0 },
    );
    const waited = Date.now() - askedAt;
    finish();
    clearTimeout(thinking);
    const text: string[] = [];
    for await (const chunk of stream) text.push(chunk.choices[0]?.delta.content ?? '');
    for await (const _ of first);
    expect(waited).toBeGreaterThanOrEqual(1800);
    expect(waited).toBeLessThan(3500);
    expect(text.join('')).toBe('Thought through');
    expect(await holdings(user.id)).toEqual({ chats: 1, questions: 1, answers: 1, modelCalls: 1 });
  });

  it("when the provider's wait is over, then a repeat of a keyed stored completion it rate limited acts again: the model is called again and its completion answers, the question stored again as a retry without a key would", async () => {
    const { user, client } = await userWithClient('provider-failure-act-again');
    upstream.script({ status: 429, retryAfter: '1' });
    upstream.setDefault({ chunks: ['Now', ' fine'] });
    const headers = { 'Idempotency-Key': newKey() };
    const first = await failure(
      client.chat.completions.create(ask('Busy?'), { headers, maxRetries: 0 }),
    );
    expect(first).toMatchObject({ status: 429, code: 'upstream_rate_limited' });
    expect(first?.headers?.get('retry-after')).toBe('1');
    // The wait the provider asked for, which the product keeps to: a repeat within it answers 429.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const again = await client.chat.completions.create(ask('Busy?'), { headers, maxRetries: 0 });
    expect(again.choices[0]!.message.content).toBe('Now fine');
    const replies = await Message.find({ ...owned(user.id), role: 'assistant' })
      .sort({ _id: 1 })
      .lean();
    expect(replies.map((m) => m.status)).toEqual(['error', 'complete']);
    expect(again.id).toBe(`chatcmpl-${String(replies[1]!._id)}`);
    expect(await holdings(user.id)).toEqual({ chats: 2, questions: 2, answers: 2, modelCalls: 2 });
    // The key now names the completion that answered: a later repeat gets it, calling nothing.
    const later = await client.chat.completions.create(ask('Busy?'), { headers, maxRetries: 0 });
    expect(later).toEqual(again);
    expect(upstream.requests).toHaveLength(2);
  });

  it('when a completion without store: true carries a key, then the key is not read: each request calls the model and nothing is stored', async () => {
    const { user, client } = await userWithClient('unstored');
    const headers = { 'Idempotency-Key': newKey() };
    for (const content of ['Not stored', 'Not stored', 'Something else'])
      await client.chat.completions.create(ask(content, false), { headers });
    expect(await holdings(user.id)).toEqual({ chats: 0, questions: 0, answers: 0, modelCalls: 3 });
    expect(await IdempotencyKey.countDocuments(owned(user.id))).toBe(0);
  });
});
