import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useTestApp } from '../helpers/app.js';
import { NO_TIGHT_LIMITS } from '../helpers/auth.js';
import { chargesWhere } from '../helpers/charges.js';
import { eventually } from '../helpers/eventually.js';
import { upstreamEnv } from '../helpers/chat-app.js';
import { startUpstream } from '../helpers/upstream.js';
import { createUser } from '../helpers/users.js';

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
});
let server: Server;
let baseURL: string;
/** Completion requests that reached the server, retries included. */
let completionRequests = 0;

beforeAll(async () => {
  server = ctx.app.listen(0, '127.0.0.1');
  server.prependListener('request', (req: { url?: string }) => {
    if (req.url?.startsWith('/v1/chat/completions')) completionRequests += 1;
  });
  await new Promise((resolve) => server.once('listening', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await upstream.close();
});
beforeEach(() => {
  upstream.reset();
  completionRequests = 0;
});

/** A user and an SDK client with its defaults (two retries), as any user of the SDK has. */
async function userWithClient(label: string) {
  const user = await createUser({ label });
  const key = await ctx.request().post('/api/keys').set(user.auth).send({ name: 'sdk' });
  return { user, client: new OpenAI({ apiKey: key.body.key as string, baseURL }) };
}
const failure = (call: Promise<unknown>) =>
  call.then(
    () => null,
    (error: unknown) => error as InstanceType<typeof OpenAI.APIError>,
  );
const owned = (userId: string) => ({ userId: new Types.ObjectId(userId) });

/** Stops the user's one reply through its chat once it is stored and streaming. */
async function stopTheReply(user: Awaited<ReturnType<typeof userWithClient>>['user']) {
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
    expect(completionRequests).toBe(1);
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
    expect(completionRequests).toBe(1);
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
    completionRequests = 0;
    const error = await failure(send('three'));
    expect(error).toBeInstanceOf(OpenAI.ConflictError);
    expect(error).toMatchObject({ status: 409, code: 'message_limit_reached' });
    expect(error?.headers?.get('x-should-retry')).toBe('false');
    expect(completionRequests).toBe(1);
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
      expect({ completionRequests, chats, questions }).toEqual({
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
  it('when the provider asks for an hour, then the SDK is told not to retry (it would sleep through it) and the caller gets the 429 with that Retry-After at once', async () => {
    const { client } = await userWithClient('long-wait');
    upstream.setDefault({ status: 429, retryAfter: '3600' });
    const error = await client.chat.completions
      .create({ model: 'test-model', messages: [{ role: 'user', content: 'x' }] })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const headers = (error as InstanceType<typeof OpenAI.APIError>).headers;
    expect(headers?.get('retry-after')).toBe('3600');
    expect(headers?.get('x-should-retry')).toBe('false');
    expect(completionRequests).toBe(1);
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
    expect(completionRequests).toBe(3);
  }, 15_000);
});
