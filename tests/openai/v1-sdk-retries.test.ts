import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useTestApp } from '../helpers/app.js';
import { NO_TIGHT_LIMITS } from '../helpers/auth.js';
import { upstreamEnv } from '../helpers/chat-app.js';
import { startUpstream } from '../helpers/upstream.js';
import { createUser } from '../helpers/users.js';

/*
 * The official SDKs retry a 5xx twice by default. A stored completion (store: true) that the
 * provider fails has already stored its question and an `error` reply: each retry stores them
 * again (a new chat each time when no chat_id is named).
 */
const upstream = await startUpstream();
const ctx = useTestApp({ ...NO_TIGHT_LIMITS, ...upstreamEnv(upstream), MODELS: 'test-model' });
let server: Server;
let baseURL: string;
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

async function userWithClient(label: string) {
  const user = await createUser({ label });
  const key = await ctx.request().post('/api/keys').set(user.auth).send({ name: 'sdk' });
  // The SDK's defaults: two retries.
  return { user, client: new OpenAI({ apiKey: key.body.key as string, baseURL }) };
}

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
