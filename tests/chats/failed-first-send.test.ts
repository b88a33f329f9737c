import { describe, expect, it } from 'vitest';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { expectError } from '../helpers/auth.js';
import { useChatApp } from '../helpers/chat-app.js';
import type { UpstreamScript } from '../helpers/upstream.js';

// A stalled model is a 504 within a fraction of a second (the retry's 504 case).
const ctx = useChatApp({ CHAT_WRITES_PER_MINUTE: '1000', UPSTREAM_IDLE_TIMEOUT_MS: '300' });

describe('a JSON send that starts a chat and fails upstream', () => {
  it.each([
    ['POST /api/chat (SigmaGPT)', '/api/chat', { message: 'hello', stream: false }],
    ['POST /api/chats with a message', '/api/chats', { message: 'hello', stream: false }],
  ])(
    'when the model fails the first message (%s), then the 502 names the chat that now holds the question (X-Chat-Id)',
    async (_name, path, body) => {
      const before = await Chat.countDocuments({ userId: ctx.user.id });
      ctx.upstream.script({ status: 500, errorMessage: 'boom' });
      const res = await ctx.request().post(path).set(ctx.user.auth).send(body);
      expectError(res, 502, 'UPSTREAM_ERROR');
      const made = await Chat.find({ userId: ctx.user.id }).sort({ createdAt: -1 }).lean();
      expect(made).toHaveLength(before + 1);
      expect(res.headers['x-chat-id']).toBe(String(made[0]!._id));
      // The chat holds the question and the failed reply: a retry belongs there.
      const stored = await Message.find({ chatId: made[0]!._id }).sort({ createdAt: 1 }).lean();
      expect(stored.map((m) => [m.role, m.status])).toEqual([
        ['user', 'complete'],
        ['assistant', 'error'],
      ]);
    },
  );
});

describe('an Idempotency-Key retry of a send that started a chat and failed upstream', () => {
  const boom: UpstreamScript = { status: 500, errorMessage: 'boom' };
  const stall: UpstreamScript = { chunks: ['part'], failAfter: 1, failWith: 'stall' };
  // /v1 answers the provider's 429 as a 429 (and its repeat too); the chats routes, 502 both times.
  const busy: UpstreamScript = { status: 429, retryAfter: '30' };
  it.each([
    ['POST /api/chat (SigmaGPT)', '/api/chat', boom, 502, 'UPSTREAM_ERROR'],
    ['POST /api/chats with a message', '/api/chats', boom, 502, 'UPSTREAM_ERROR'],
    ['POST /api/chat, the model stalling', '/api/chat', stall, 504, 'UPSTREAM_TIMEOUT'],
    ['POST /api/chats, the provider rate limiting', '/api/chats', busy, 502, 'UPSTREAM_ERROR'],
  ] as const)(
    'when a keyed JSON send failed (%s) and is repeated with its key, then the replayed error names the same chat (X-Chat-Id), and nothing is sent or stored again',
    async (_name, path, script, status, code) => {
      const key = `failed-first-${path}-${Date.now()}`;
      ctx.upstream.script(script);
      const send = () =>
        ctx
          .request()
          .post(path)
          .set(ctx.user.auth)
          .set('Idempotency-Key', key)
          .send({ message: 'hello', stream: false });
      const first = await send();
      expectError(first, status, code);
      const chatId = first.headers['x-chat-id'];
      expect(chatId).toMatch(/^[a-f0-9]{24}$/);

      const again = await send();
      expectError(again, status, code);
      expect(again.body.error.message).toBe(first.body.error.message);
      expect(again.headers['retry-after']).toBe(first.headers['retry-after']);
      expect(again.headers['x-chat-id']).toBe(chatId);
      expect(ctx.upstream.requests).toHaveLength(1);
      expect(await Message.countDocuments({ chatId })).toBe(2);
    },
  );

  it('when a keyed stream failed upstream and the client, which lost it before meta, retries as JSON, then the 502 names the chat (X-Chat-Id)', async () => {
    const key = `failed-stream-${Date.now()}`;
    ctx.upstream.script({ status: 500, errorMessage: 'boom' });
    const send = (stream: boolean) =>
      ctx
        .request()
        .post('/api/chats')
        .set(ctx.user.auth)
        .set('Idempotency-Key', key)
        .send({ message: 'hello', stream });
    const first = await send(true);
    expect(first.status).toBe(200);
    const made = await Chat.find({ userId: ctx.user.id }).sort({ createdAt: -1 }).lean();
    const again = await send(false);
    expectError(again, 502, 'UPSTREAM_ERROR');
    expect(again.headers['x-chat-id']).toBe(String(made[0]!._id));
    expect(ctx.upstream.requests).toHaveLength(1);
  });
});
