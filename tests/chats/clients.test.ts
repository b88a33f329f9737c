import { beforeAll, describe, expect, it } from 'vitest';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useTestApp } from '../helpers/app.js';
import { parseSse, textParser } from '../helpers/sse.js';
import { createUser, type TestUser } from '../helpers/users.js';

// The embedded defaults: no API key, so the demo model answers.
const ctx = useTestApp({
  OPENAI_API_KEY: '',
  MODELS: '',
  DEMO_CHUNK_DELAY_MS: '1',
  MESSAGES_PER_MINUTE: '1000',
});
let user: TestUser;

beforeAll(async () => {
  user = await createUser();
});

describe('SigmaGPT-compatible client', () => {
  it('when it names one chat as both chatId and threadId, then that chat goes on; two different chats are a 400 and nothing is stored', async () => {
    const create = async () =>
      (await ctx.request().post('/api/chats').set(user.auth).send({})).body.id as string;
    const [chatId, other] = [await create(), await create()];
    const post = (message: string, threadId: string) =>
      ctx
        .request()
        .post('/api/chat')
        .set(user.auth)
        .send({ message, chatId, threadId, stream: false });
    const same = await post('Once', chatId);
    expect(same.status).toBe(201);
    expect(same.body.chat.id).toBe(chatId);
    for (const threadId of [other, '']) {
      const both = await post('Which one?', threadId);
      expect(both.status).toBe(400);
      expect(both.body.error.code).toBe('VALIDATION_FAILED');
      expect(both.body.error.details[0]).toMatchObject({ path: 'threadId' });
    }
    expect(await Message.countDocuments({ chatId: { $in: [chatId, other] } })).toBe(2);
  });

  it('when it posts {message} to /api/chat, then the reply streams by default; continuing with threadId in JSON extends the same chat', async () => {
    const first = await ctx
      .request()
      .post('/api/chat')
      .set(user.auth)
      .send({ message: 'Hello SigmaGPT' })
      .buffer(true)
      .parse(textParser);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const { events } = parseSse(first.body as string);
    expect(events[0]!.event).toBe('meta');
    expect(events.filter((e) => e.event === 'delta').length).toBeGreaterThan(5);
    const done = events.at(-1)!;
    expect(done.event).toBe('done');
    expect(done.data.message.content).toMatch(/^\[Demo model\]/);
    expect(done.data.message.content).toContain('Hello SigmaGPT');
    const chatId = done.data.chat.id as string;
    expect(done.data.chat.title).toBe('Hello SigmaGPT');

    const second = await ctx
      .request()
      .post('/api/chat')
      .set(user.auth)
      .send({ message: 'And again', threadId: chatId, stream: false });
    expect(second.status).toBe(201);
    expect(second.body.chat.id).toBe(chatId);
    expect(second.body.messages.map((m: { role: string }) => m.role)).toEqual([
      'user',
      'assistant',
    ]);

    const list = await ctx.request().get('/api/chat').set(user.auth);
    expect(list.status).toBe(200);
    expect(list.body.map((c: { id: string }) => c.id)).toContain(chatId);
    const thread = await ctx.request().get(`/api/chat/${chatId}`).set(user.auth);
    expect(thread.status).toBe(200);
    expect(thread.body.map((m: { content: string }) => m.content.slice(0, 9))).toEqual([
      'Hello Sig',
      '[Demo mod',
      'And again',
      '[Demo mod',
    ]);

    const renamed = await ctx
      .request()
      .put(`/api/chat/${chatId}`)
      .set(user.auth)
      .send({ title: 'Renamed', pinned: true });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: chatId, title: 'Renamed', pinned: true });
    expect((await ctx.request().delete(`/api/chat/${chatId}`).set(user.auth)).status).toBe(204);
    expect(await Chat.countDocuments({ _id: chatId })).toBe(0);
    expect(await Message.countDocuments({ chatId })).toBe(0);
  });
});

describe('seed-style client', () => {
  it('when it creates a chat and then posts to /:id/message in JSON, then 201 {chat, messages} with both stored', async () => {
    const created = await ctx
      .request()
      .post('/api/chats')
      .set(user.auth)
      .send({ title: 'Seed chat' });
    expect(created.status).toBe(201);
    const res = await ctx
      .request()
      .post(`/api/chats/${created.body.id}/message`)
      .set(user.auth)
      .send({ content: 'hi there' });
    expect(res.status).toBe(201);
    expect(res.body.chat).toMatchObject({ id: created.body.id, title: 'Seed chat', model: 'demo' });
    expect(res.body.messages[0]).toMatchObject({
      role: 'user',
      content: 'hi there',
      status: 'complete',
    });
    expect(res.body.messages[1]).toMatchObject({
      role: 'assistant',
      status: 'complete',
      model: 'demo',
      parentId: res.body.messages[0].id,
    });
    expect(res.body.messages[1].usage).toEqual({
      promptTokens: expect.any(Number),
      completionTokens: expect.any(Number),
      totalTokens: expect.any(Number),
    });
    expect(await Message.countDocuments({ chatId: created.body.id })).toBe(2);
  });

  it('when models are listed without an API key, then only the demo model is offered, as the default', async () => {
    expect((await ctx.request().get('/api/models').set(user.auth)).body).toEqual([
      { id: 'demo', provider: 'demo', default: true },
    ]);
  });
});

describe('account deletion', () => {
  it('when a user deletes their account, then their chats and messages are gone and other users keep theirs', async () => {
    const doomed = await createUser({ label: 'doomed' });
    const keeper = await createUser({ label: 'keeper' });
    for (const who of [doomed, doomed, keeper]) {
      expect(
        (
          await ctx
            .request()
            .post('/api/chats')
            .set(who.auth)
            .send({ message: 'remember me', stream: false })
        ).status,
      ).toBe(201);
    }
    expect(await Chat.countDocuments({ userId: doomed.id })).toBe(2);
    expect(await Message.countDocuments({ userId: doomed.id })).toBe(4);
    const res = await ctx
      .request()
      .delete('/api/auth/me')
      .set(doomed.auth)
      .send({ password: doomed.password });
    expect(res.status).toBe(204);
    expect(await Chat.countDocuments({ userId: doomed.id })).toBe(0);
    expect(await Message.countDocuments({ userId: doomed.id })).toBe(0);
    expect(await Chat.countDocuments({ userId: keeper.id })).toBe(1);
    expect(await Message.countDocuments({ userId: keeper.id })).toBe(2);
  });
});
