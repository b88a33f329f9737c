import { beforeAll, describe, expect, it } from 'vitest';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { createUser, type TestUser } from '../helpers/users.js';

const ctx = useChatApp({
  MAX_MESSAGE_CHARS: '50',
  MAX_TITLE_CHARS: '20',
  MAX_SYSTEM_PROMPT_CHARS: '30',
});
let alice: TestUser;
let bob: TestUser;
let aliceChat: string;

beforeAll(async () => {
  alice = await createUser({ label: 'alice' });
  bob = await createUser({ label: 'bob' });
  const res = await ctx
    .request()
    .post('/api/chats')
    .set(alice.auth)
    .send({ message: 'secret plans', stream: false });
  expect(res.status).toBe(201);
  aliceChat = res.body.chat.id;
});

const snapshot = async (chatId: string) => ({
  chat: await Chat.findById(chatId).lean(),
  messages: await Message.find({ chatId }).sort({ _id: 1 }).lean(),
});

/** Every route that names a chat, with a body that would be valid for an owner. */
const chatRoutes = (id: string) =>
  [
    ['get', `/api/chats/${id}`, undefined],
    ['get', `/api/chats/${id}/messages`, undefined],
    ['patch', `/api/chats/${id}`, { title: 'pwned' }],
    // Flags alone: no text to size, so only the write's own owner filter stands in the way.
    ['patch', `/api/chats/${id}`, { pinned: true }],
    ['patch', `/api/chats/${id}`, { archived: true, model: 'test-model' }],
    ['put', `/api/chats/${id}`, { title: 'pwned' }],
    ['delete', `/api/chats/${id}`, undefined],
    ['post', `/api/chats/${id}/messages`, { content: 'hi', stream: false }],
    ['post', `/api/chats/${id}/message`, { content: 'hi', stream: false }],
    ['post', `/api/chats/${id}/stop`, undefined],
    ['get', `/api/chat/${id}`, undefined],
    ['put', `/api/chat/${id}`, { title: 'pwned' }],
    ['delete', `/api/chat/${id}`, undefined],
    ['post', '/api/chat', { message: 'hi', chatId: id, stream: false }],
    ['post', '/api/chat', { message: 'hi', threadId: id, stream: false }],
  ] as const;

const call = (who: TestUser, [method, path, body]: readonly [string, string, unknown]) => {
  const req = (ctx.request() as any)[method](path).set(who.auth);
  return body === undefined ? req : req.send(body);
};

describe("another user's chat", () => {
  it('when Bob uses any route on Alice’s chat, then 404 exactly like a missing id, and Alice’s data is unchanged', async () => {
    const before = await snapshot(aliceChat);
    const missing = '0123456789abcdef01234567';
    for (const route of chatRoutes(aliceChat)) {
      const theirs = await call(bob, route);
      const nothing = await call(
        bob,
        chatRoutes(missing).find(
          (r) =>
            r[0] === route[0] &&
            r[1] === route[1].replace(aliceChat, missing) &&
            JSON.stringify(r[2]) === JSON.stringify(route[2])?.replace(aliceChat, missing),
        )!,
      );
      expect(theirs.status, `${route[0]} ${route[1]}`).toBe(404);
      expect(theirs.body.error.code).toBe('NOT_FOUND');
      expect({ ...theirs.body.error, requestId: 'x' }).toEqual({
        ...nothing.body.error,
        requestId: 'x',
      });
    }
    expect(await snapshot(aliceChat)).toEqual(before);
    expect(ctx.upstream.requests).toHaveLength(0);
  });

  it('when ids are malformed, then 404 JSON, never 500', async () => {
    for (const id of [
      'abc',
      '0123456789abcdef0123456',
      '0123456789abcdef012345678',
      encodeURIComponent('{"$gt":""}'),
      'zzzzzzzzzzzzzzzzzzzzzzzz',
    ]) {
      for (const route of chatRoutes(id)) {
        const res = await call(alice, route);
        expect(res.status, `${route[0]} ${route[1]}`).toBe(404);
        expect(res.headers['content-type']).toMatch(/application\/json/);
        expect(res.body.error.code).toBe('NOT_FOUND');
      }
    }
    expect(ctx.upstream.requests).toHaveLength(0);
  });
});

describe('bad input', () => {
  it('when forbidden or unknown fields are sent, then 400 and nothing stored changes', async () => {
    const before = await snapshot(aliceChat);
    const chatCount = await Chat.countDocuments();
    const bodies: [string, string, Record<string, unknown>][] = [
      ['post', '/api/chats', { title: 'x', userId: bob.id }],
      ['post', '/api/chats', { message: 'hi', _id: '0123456789abcdef01234567' }],
      ['post', '/api/chats', { createdAt: '2020-01-01T00:00:00Z' }],
      ['patch', `/api/chats/${aliceChat}`, { title: 'x', userId: bob.id }],
      ['patch', `/api/chats/${aliceChat}`, { lastMessageAt: '2020-01-01T00:00:00Z' }],
      ['post', `/api/chats/${aliceChat}/messages`, { content: 'hi', role: 'assistant' }],
      ['post', `/api/chats/${aliceChat}/messages`, { content: 'hi', status: 'complete' }],
      ['post', `/api/chats/${aliceChat}/messages`, { content: 'hi', usage: { totalTokens: 1 } }],
      ['post', '/api/chat', { message: 'hi', userId: bob.id }],
      ['put', `/api/chat/${aliceChat}`, { archived: true }],
    ];
    for (const [method, path, body] of bodies) {
      const res = await (ctx.request() as any)
        [method](path)
        .set(alice.auth)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(body));
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    const protoRes = await ctx
      .request()
      .patch(`/api/chats/${aliceChat}`)
      .set(alice.auth)
      .set('Content-Type', 'application/json')
      .send('{"title":"x","__proto__":{"pinned":true}}');
    expect(protoRes.status).toBe(400);
    expect(await snapshot(aliceChat)).toEqual(before);
    expect(await Chat.countDocuments()).toBe(chatCount);
    expect(ctx.upstream.requests).toHaveLength(0);
  });

  it('when content is empty, blank or over MAX_MESSAGE_CHARS, then 400 and the upstream gets no request', async () => {
    const before = await Message.countDocuments();
    for (const content of ['', '   \n ', 'x'.repeat(51), 42, null]) {
      const a = await ctx
        .request()
        .post(`/api/chats/${aliceChat}/messages`)
        .set(alice.auth)
        .send({ content, stream: false });
      expect(a.status).toBe(400);
      const b = await ctx.request().post('/api/chats').set(alice.auth).send({ message: content });
      expect(b.status).toBe(400);
      const c = await ctx.request().post('/api/chat').set(alice.auth).send({ message: content });
      expect(c.status).toBe(400);
    }
    expect(
      (await ctx.request().post(`/api/chats/${aliceChat}/messages`).set(alice.auth).send({}))
        .status,
    ).toBe(400);
    expect(await Message.countDocuments()).toBe(before);
    expect(ctx.upstream.requests).toHaveLength(0);
  });

  it('when a first message comes with a title or system prompt over its limit, then 400 VALIDATION_FAILED, nothing stored and the upstream gets no request (SECURITY.md 17)', async () => {
    const before = {
      chats: await Chat.countDocuments({ userId: alice.id }),
      messages: await Message.countDocuments({ userId: alice.id }),
    };
    const chatBefore = await snapshot(aliceChat);
    for (const [method, path, body] of [
      ['post', '/api/chats', { message: 'hi', stream: false, title: 'x'.repeat(21) }],
      ['post', '/api/chats', { message: 'hi', stream: false, systemPrompt: 'x'.repeat(31) }],
      ['post', '/api/chats', { message: 'hi', stream: true, systemPrompt: 'x'.repeat(31) }],
      ['patch', `/api/chats/${aliceChat}`, { systemPrompt: 'x'.repeat(31) }],
      ['put', `/api/chats/${aliceChat}`, { title: 'x'.repeat(21) }],
      ['put', `/api/chat/${aliceChat}`, { title: 'x'.repeat(21) }],
    ] as const) {
      const res = await call(alice, [method, path, body]);
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect(ctx.upstream.requests).toHaveLength(0);
    expect(await Chat.countDocuments({ userId: alice.id })).toBe(before.chats);
    expect(await Message.countDocuments({ userId: alice.id })).toBe(before.messages);
    expect(await snapshot(aliceChat)).toEqual(chatBefore);
  });

  it('when a title or system prompt is over its limit, then 400', async () => {
    expect(
      (
        await ctx
          .request()
          .post('/api/chats')
          .set(alice.auth)
          .send({ title: 'x'.repeat(21) })
      ).status,
    ).toBe(400);
    expect(
      (
        await ctx
          .request()
          .post('/api/chats')
          .set(alice.auth)
          .send({ systemPrompt: 'x'.repeat(31) })
      ).status,
    ).toBe(400);
    expect(
      (await ctx.request().patch(`/api/chats/${aliceChat}`).set(alice.auth).send({ title: '   ' }))
        .status,
    ).toBe(400);
    expect(
      (
        await ctx
          .request()
          .patch(`/api/chats/${aliceChat}`)
          .set(alice.auth)
          .send({ systemPrompt: 'x'.repeat(31) })
      ).status,
    ).toBe(400);
  });

  it('when an unknown model is named, then 400 and the upstream gets no request', async () => {
    const before = await snapshot(aliceChat);
    const r1 = await ctx
      .request()
      .post(`/api/chats/${aliceChat}/messages`)
      .set(alice.auth)
      .send({ content: 'hi', model: 'gpt-5-ultra' });
    const r2 = await ctx
      .request()
      .post('/api/chats')
      .set(alice.auth)
      .send({ model: 'gpt-5-ultra' });
    const r3 = await ctx
      .request()
      .patch(`/api/chats/${aliceChat}`)
      .set(alice.auth)
      .send({ model: 'gpt-5-ultra' });
    const r4 = await ctx
      .request()
      .post('/api/chat')
      .set(alice.auth)
      .send({ message: 'hi', model: 'gpt-5-ultra' });
    for (const res of [r1, r2, r3, r4]) {
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect(await snapshot(aliceChat)).toEqual(before);
    expect(ctx.upstream.requests).toHaveLength(0);
  });

  it('when the request has no token, then 401 on the chat routes', async () => {
    const res = await ctx.request().get('/api/chats');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect((await ctx.request().get('/api/models')).status).toBe(401);
  });
});
