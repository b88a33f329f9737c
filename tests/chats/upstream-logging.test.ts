import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeUpstreamFailure } from '../../src/lib/llm/index.js';
import { Types } from '../../src/lib/db/mongoose.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useTestApp } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { captureLogs } from '../helpers/log-capture.js';
import { STREAM_REQUEST_ID, startUpstream } from '../helpers/upstream.js';
import { createUser, type TestUser } from '../helpers/users.js';

const API_KEY = 'sk-proj-Upstream0Secret1Key2ForLogs3';
const upstream = await startUpstream();
const ctx = useTestApp({
  OPENAI_BASE_URL: upstream.url,
  OPENAI_API_KEY: API_KEY,
  MODELS: 'test-model',
  UPSTREAM_MAX_RETRIES: '0',
  MESSAGES_PER_MINUTE: '1000',
});
let user: TestUser;

const lines = captureLogs();
beforeAll(async () => {
  user = await createUser();
});
afterAll(() => upstream.close());

describe('provider errors in the log', () => {
  it.each([
    ['JSON', false],
    ['streaming', true],
  ])(
    'when the provider echoes the Authorization header in its error (%s), then the log keeps its status, code and request id but never the key or the text',
    async (_mode, stream) => {
      lines.length = 0;
      upstream.script({
        status: 401,
        errorMessage: 'Incorrect API key provided. You sent: Authorization: {authorization}',
      });
      const res = await ctx
        .request()
        .post('/api/chats')
        .set(user.auth)
        .send({ message: 'hello', stream });
      expect(upstream.requests.at(-1)!.authorization).toBe(`Bearer ${API_KEY}`);
      expect([200, 502]).toContain(res.status);

      const all = lines.join('');
      expect(all).toContain('model reply failed');
      expect(all).not.toContain(API_KEY);
      expect(all).not.toContain(API_KEY.slice(8, 24));
      expect(all).not.toMatch(/Bearer\s+\S/);
      expect(all).not.toMatch(/sk-[A-Za-z0-9]/);
      expect(all).not.toContain('Incorrect API key provided');
      const failure = lines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.msg === 'model reply failed')!;
      expect(failure.upstream).toMatchObject({
        status: 401,
        code: 'invalid_api_key',
        requestId: 'req_upstream_42',
      });
    },
  );

  /** A new chat's first message, streamed: what the log says of the provider's failure. */
  async function loggedFailureOfAStream() {
    const res = await ctx
      .request()
      .post('/api/chats')
      .set(user.auth)
      .send({ message: 'hello', stream: true });
    expect(res.status).toBe(200);
    const failure = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'model reply failed')!;
    return failure.upstream;
  }

  it('when the provider sends an error event in the middle of a stream, then the log names the request id from the head of its answer, not its text', async () => {
    lines.length = 0;
    upstream.script({ chunks: ['part'], failAfter: 1, failWith: 'error-event' });
    expect(await loggedFailureOfAStream()).toEqual({
      name: 'Error',
      type: 'server_error',
      requestId: STREAM_REQUEST_ID,
    });
    expect(lines.join('')).not.toContain('secret upstream detail');
  });

  it("when the provider answers 200 with a JSON error object (a gateway's way), then the log names the provider's type and code as for an error mid-stream, not its text", async () => {
    lines.length = 0;
    upstream.script({
      raw: {
        contentType: 'application/json; charset=utf-8',
        pieces: [
          JSON.stringify({
            error: {
              message: 'secret upstream detail',
              type: 'rate_limit_error',
              code: 'rate_limited',
            },
          }),
        ],
      },
    });
    expect(await loggedFailureOfAStream()).toEqual({
      name: 'Error',
      type: 'rate_limit_error',
      code: 'rate_limited',
    });
    expect(lines.join('')).not.toContain('secret upstream detail');
  });
});

describe('replies stopped on purpose in the log', () => {
  /** The captured lines, parsed. */
  const logged = () =>
    lines
      .join('')
      .split('\n')
      .filter(Boolean)
      .map(
        (l) =>
          JSON.parse(l) as {
            level: number;
            msg?: string;
            req?: { url?: string };
            res?: { statusCode?: number };
          },
      );

  it('when a stored /v1 completion is stopped through its chat, then its 503 generation_interrupted is logged below error, as the same stop of a chat send is', async () => {
    const key = await ctx.request().post('/api/keys').set(user.auth).send({ name: 'log' });
    expect(key.status).toBe(201);
    const owner = { userId: new Types.ObjectId(user.id) };
    const chats = await Chat.find(owner).distinct('_id');
    lines.length = 0;
    upstream.script({ chunks: Array.from({ length: 60 }, (_, i) => `s${i} `), delayMs: 50 });
    const call = ctx
      .request()
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${key.body.key}`)
      .send({ model: 'test-model', messages: [{ role: 'user', content: 'Stop me' }], store: true })
      // Sent now (a supertest request goes out once it is awaited).
      .then((answer) => answer);
    const reply = await eventually(
      () => Message.findOne({ ...owner, chatId: { $nin: chats }, role: 'assistant' }).lean(),
      (message) => message?.status === 'streaming',
    );
    const stop = await ctx
      .request()
      .post(`/api/chats/${String(reply!.chatId)}/stop`)
      .set(user.auth);
    expect(stop.status).toBe(202);
    const res = await call;
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('generation_interrupted');
    // A stop is the user's, no fault of the server's: nothing at error, and the request's line at
    // info, as a refusal is (a chat send stopped the same way answers 201 at debug).
    const all = logged();
    expect(all.filter((l) => l.level >= 50)).toEqual([]);
    const line = all.find((l) => l.req?.url === '/v1/chat/completions' && l.res);
    expect(line).toMatchObject({ level: 30, msg: 'request completed', res: { statusCode: 503 } });
  });
});

describe('a provider that cannot be reached, in the log', () => {
  it('when the connection is refused, then the logged summary names the refusal and where (the SDK calls every such error "Error")', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4560'), {
      code: 'ECONNREFUSED',
    });
    const summary = describeUpstreamFailure(new OpenAI.APIConnectionError({ cause: refused }));
    expect(summary).toMatchObject({
      code: 'ECONNREFUSED',
      message: 'connect ECONNREFUSED 127.0.0.1:4560',
    });
  });

  it('when the SDK gives up waiting for the response head, then the summary says it timed out', () => {
    const summary = describeUpstreamFailure(new OpenAI.APIConnectionTimeoutError());
    expect(summary).toMatchObject({ message: 'timed out' });
  });
});
