import { EventSource } from 'eventsource';
import { beforeAll, describe, expect, it } from 'vitest';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { IdempotencyKey } from '../../src/modules/chats/idempotency.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { expectError } from '../helpers/auth.js';
import { eventually } from '../helpers/eventually.js';
import { openSse } from '../helpers/sse.js';
import { createUser, type TestUser } from '../helpers/users.js';

const ctx = useChatApp({
  MAX_CONCURRENT_STREAMS: '4',
  RESUME_POLL_MS: '50',
});
let other: TestUser;

beforeAll(async () => {
  other = await createUser({ label: 'other' });
});

const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i} `);
let keys = 0;
const newKey = () => `key-${Date.now()}-${(keys += 1)}`;
const newChat = async () =>
  (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body.id as string;
const sendJson = (chatId: string, key: string, body: Record<string, unknown>, as = ctx.user) =>
  ctx
    .request()
    .post(`/api/chats/${chatId}/messages`)
    .set(as.auth)
    .set('Idempotency-Key', key)
    .send(body);

describe('Idempotency-Key on sending a message', () => {
  it('when a JSON request is repeated with the same key and body, then the same 201 body comes back and one exchange is stored', async () => {
    const chatId = await newChat();
    const key = newKey();
    const first = await sendJson(chatId, key, { content: 'once', stream: false });
    expect(first.status).toBe(201);
    const again = await sendJson(chatId, key, { stream: false, content: 'once' });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await Message.countDocuments({ chatId })).toBe(2);
    expect(ctx.upstream.requests).toHaveLength(1);
  });

  it('when the JSON response was lost mid-generation, then the retry with the same key waits for the same reply and returns it, and nothing is sent twice', async () => {
    ctx.upstream.script({ chunks: words(30), delayMs: 30 });
    const chatId = await newChat();
    const key = newKey();
    const lost = openSse(ctx.server.port, {
      method: 'POST',
      path: `/api/chats/${chatId}/messages`,
      token: ctx.user.accessToken,
      body: { content: 'do not lose me', stream: false },
      headers: { 'Idempotency-Key': key, accept: 'application/json' },
    });
    await eventually(
      () => Message.countDocuments({ chatId }),
      (n) => n === 2,
    );
    lost.close();
    const retry = await sendJson(chatId, key, { content: 'do not lose me', stream: false });
    expect(retry.status).toBe(201);
    const stored = await Message.find({ chatId }).sort({ createdAt: 1 }).lean();
    expect(stored.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    expect(retry.body.messages.map((m: { id: string }) => m.id)).toEqual(
      stored.map((m) => String(m._id)),
    );
    expect(retry.body.messages[1].content).toBe(words(30).join(''));
    expect(ctx.upstream.requests).toHaveLength(1);
  });

  it('when a streamed request is repeated with the same key, then it streams the same reply again (meta with the same ids) without sending anything', async () => {
    const chatId = await newChat();
    const key = newKey();
    const stream = () =>
      openSse(ctx.server.port, {
        method: 'POST',
        path: `/api/chats/${chatId}/messages`,
        token: ctx.user.accessToken,
        body: { content: 'stream me', stream: true },
        headers: { 'Idempotency-Key': key },
      });
    const first = stream();
    await first.ended;
    const again = stream();
    await again.ended;
    expect(again.status).toBe(200);
    expect(again.events[0]!.data.assistantMessage.id).toBe(
      first.events[0]!.data.assistantMessage.id,
    );
    expect(again.text()).toBe(first.text());
    expect(again.events.at(-1)).toEqual(first.events.at(-1));
    expect(await Message.countDocuments({ chatId })).toBe(2);
    expect(ctx.upstream.requests).toHaveLength(1);
  });

  it('when a chat is created with its first message twice with one key, then one chat exists, and both answers are the Chat with its `chat` and `messages`', async () => {
    const key = newKey();
    const create = () =>
      ctx
        .request()
        .post('/api/chats')
        .set(ctx.user.auth)
        .set('Idempotency-Key', key)
        .send({ message: 'first words', stream: false });
    const first = await create();
    const again = await create();
    expect(first.status).toBe(201);
    expect(again.body).toEqual(first.body);
    // The Chat a create without a message answers, plus the exchange POST /:id/messages answers.
    const { chat, messages, ...top } = first.body;
    expect(top).toEqual(chat);
    expect(messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
    expect(await Chat.countDocuments({ _id: first.body.id })).toBe(1);
    expect(await Message.countDocuments({ chatId: first.body.chat.id })).toBe(2);
  });

  it('when the same key comes with a different body, then 409 IDEMPOTENCY_KEY_REUSED and nothing is stored; another user may use the same key', async () => {
    const chatId = await newChat();
    const key = newKey();
    await sendJson(chatId, key, { content: 'original' });
    const before = await Message.countDocuments();
    expectError(await sendJson(chatId, key, { content: 'changed' }), 409, 'IDEMPOTENCY_KEY_REUSED');
    expect(await Message.countDocuments()).toBe(before);

    const theirs = (await ctx.request().post('/api/chats').set(other.auth).send({})).body.id;
    const res = await sendJson(theirs, key, { content: 'original' }, other);
    expect(res.status).toBe(201);
    expect(await Message.countDocuments({ chatId: theirs })).toBe(2);
  });

  it('when the key is longer than 200 characters, empty, or not printable ASCII, then 400 INVALID_IDEMPOTENCY_KEY and nothing is stored', async () => {
    const chatId = await newChat();
    for (const key of ['k'.repeat(201), '', 'tab\there', 'caf\u00e9']) {
      const res = await ctx
        .request()
        .post(`/api/chats/${chatId}/messages`)
        .set(ctx.user.auth)
        .set('Idempotency-Key', key)
        .send({ content: 'hi' });
      expectError(res, 400, 'INVALID_IDEMPOTENCY_KEY');
    }
    expect(await Message.countDocuments({ chatId })).toBe(0);
    expect(ctx.upstream.requests).toHaveLength(0);
    const longest = await sendJson(chatId, 'k'.repeat(200), { content: 'hi' });
    expect(longest.status).toBe(201);
  });

  it('when a key has expired, then the same request is a new message', async () => {
    const chatId = await newChat();
    const key = newKey();
    await sendJson(chatId, key, { content: 'old' });
    // The answer is kept just after it is sent. On FerretDB an update rewrites the whole document
    // from what it read, so expiring the key before that write lands would be undone by it.
    await eventually(
      () => IdempotencyKey.findOne({ key }).lean(),
      (record) => record?.response != null,
    );
    await IdempotencyKey.updateOne({ key }, { $set: { expiresAt: new Date(Date.now() - 1) } });
    const res = await sendJson(chatId, key, { content: 'old' });
    expect(res.status).toBe(201);
    expect(await Message.countDocuments({ chatId })).toBe(4);
  });
});

describe('an EventSource client that reconnects by itself', () => {
  it('when an `eventsource` client sending a message does not close after done, then its reconnect gets 204 and the chat holds exactly one question and one reply', async () => {
    ctx.upstream.script({ chunks: words(5), delayMs: 10 });
    const chatId = await newChat();
    const requests: { lastEventId: string | null }[] = [];
    const source = new EventSource(
      `http://127.0.0.1:${ctx.server.port}/api/chats/${chatId}/messages`,
      {
        fetch: (url, init) => {
          const headers = new Headers(init.headers);
          requests.push({ lastEventId: headers.get('last-event-id') });
          headers.set('authorization', `Bearer ${ctx.user.accessToken}`);
          headers.set('content-type', 'application/json');
          return fetch(url, {
            ...init,
            method: 'POST',
            headers,
            body: JSON.stringify({ content: 'just once', stream: true }),
          });
        },
      },
    );
    const received: string[] = [];
    source.addEventListener('delta', (e) => received.push(JSON.parse(e.data).content));
    let done = 0;
    source.addEventListener('done', () => (done += 1));
    // The stream ends after done; the client reconnects 3 s later with Last-Event-ID, gets 204,
    // and gives up (readyState CLOSED) instead of sending the message again.
    await eventually(
      () => Promise.resolve(source.readyState),
      (state) => state === EventSource.CLOSED,
      15_000,
    );
    source.close();
    expect(source.readyState).toBe(EventSource.CLOSED);
    expect(done).toBe(1);
    expect(received.join('')).toBe(words(5).join(''));
    expect(requests).toHaveLength(2);
    expect(requests[1]!.lastEventId).toMatch(/^[0-9a-f]{24}:end$/);
    const stored = await Message.find({ chatId }).lean();
    expect(stored.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    expect(ctx.upstream.requests).toHaveLength(1);
  }, 30_000);
});
