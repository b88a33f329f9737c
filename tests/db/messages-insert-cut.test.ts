import { describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { createUser } from '../helpers/users.js';
import { databaseBack, sleep, useProxiedApp } from '../helpers/proxied-app.js';

const ctx = useProxiedApp();
const insertOfMessages = (c: { name: string; collection: unknown }) =>
  c.name === 'insert' && c.collection === 'messages';

describe('the insert of an exchange’s messages meets a dropped connection', () => {
  it('when the connection drops before the insert reaches the database, then the send is a 503 SERVICE_UNAVAILABLE with Retry-After, not a 500', async () => {
    const user = await createUser();
    const chat = await ctx.request().post('/api/chats').set(user.auth).send({ title: 'x' });
    const cut = ctx.proxy.cutReplyTo(insertOfMessages, { before: true });
    const res = await ctx
      .request()
      .post(`/api/chats/${chat.body.id}/messages`)
      .set(user.auth)
      .send({ content: 'dropped before', stream: false });
    await cut;
    expect({ status: res.status, code: res.body.error?.code }).toEqual({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
    });
    expect(res.headers['retry-after']).toBe('5');
  });

  it('when the insert lands but its answer is lost, then the send is a 503 and nothing of it is left: a retry makes one exchange', async () => {
    await databaseBack();
    const user = await createUser();
    const chat = await ctx.request().post('/api/chats').set(user.auth).send({ title: 'y' });
    const cut = ctx.proxy.cutReplyTo(insertOfMessages);
    const send = () =>
      ctx
        .request()
        .post(`/api/chats/${chat.body.id}/messages`)
        .set(user.auth)
        .send({ content: 'answer lost', stream: false });
    const first = await send();
    await cut;
    expect({ status: first.status, code: first.body.error?.code }).toEqual({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
    });
    await databaseBack();
    await sleep(500);
    const again = await send();
    expect(again.status).toBe(201);
    const messages = await ctx.db
      .collection('messages')
      .find({ chatId: new ObjectId(chat.body.id) })
      .toArray();
    expect(
      messages.map((m) => `${m.role}:${m.status}:${m.content}`),
      'one question and its answer',
    ).toEqual(['user:complete:answer lost', 'assistant:complete:Hello world!']);
  });

  it('when a keyed send’s insert lands but its answer is lost, then a repeat with the key gets the model’s answer, not an empty interrupted one', async () => {
    await databaseBack();
    const user = await createUser();
    const chat = await ctx.request().post('/api/chats').set(user.auth).send({ title: 'z' });
    const cut = ctx.proxy.cutReplyTo(insertOfMessages);
    const send = () =>
      ctx
        .request()
        .post(`/api/chats/${chat.body.id}/messages`)
        .set(user.auth)
        .set('Idempotency-Key', 'lost-insert-1')
        .send({ content: 'keyed answer lost', stream: false });
    const first = await send();
    await cut;
    expect(first.status).not.toBe(201);
    await databaseBack();
    await sleep(500);
    const again = await send();
    expect(again.status).toBe(201);
    expect(again.body.messages[1]).toMatchObject({ status: 'complete', content: 'Hello world!' });
  }, 60_000);
});

describe('the insert of a new chat meets a dropped connection after it lands', () => {
  it('when a new chat with its first message is cut so, then the send is a 503, the chat is removed again, and a retry makes one chat', async () => {
    const user = await createUser();
    const chatsOf = () =>
      ctx.db
        .collection('chats')
        .find({ userId: new ObjectId(user.id) })
        .toArray();
    const cut = ctx.proxy.cutReplyTo((c) => c.name === 'insert' && c.collection === 'chats');
    const send = () =>
      ctx
        .request()
        .post('/api/chats')
        .set(user.auth)
        .send({ message: 'a first question', stream: false });
    const first = await send();
    await cut;
    expect({ status: first.status, code: first.body.error?.code }).toEqual({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
    });
    await databaseBack();
    // Removed in the background once the database answers again.
    for (let i = 0; i < 40 && (await chatsOf()).length > 0; i += 1) await sleep(100);
    expect(await chatsOf()).toEqual([]);
    const again = await send();
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect((await chatsOf()).map((c) => c.title)).toEqual([again.body.chat.title]);
  });
});
