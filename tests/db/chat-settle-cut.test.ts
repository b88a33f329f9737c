import { describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { createUser } from '../helpers/users.js';
import { openStream } from '../helpers/sse.js';
import { databaseBack, useProxiedApp } from '../helpers/proxied-app.js';

const ctx = useProxiedApp();
/** The chat's write that settles it once the reply is stored (on FerretDB an update by _id). */
const settleOfChat = (c: { name: string; collection: unknown; doc: Record<string, unknown> }) =>
  c.name === 'update' && c.collection === 'chats' && JSON.stringify(c.doc).includes('"context"');

describe('a reply stored whole whose chat settle meets a cut connection', () => {
  it('when the settle after a JSON reply is cut, then the send does not say the reply could not be saved', async () => {
    const user = await createUser();
    const chat = await ctx.request().post('/api/chats').set(user.auth).send({ title: 'x' });
    // The first send stores kept turns; the settle is the chat write after the reply's own.
    const cut = ctx.proxy.cutReplyTo(settleOfChat);
    const res = await ctx
      .request()
      .post(`/api/chats/${chat.body.id}/messages`)
      .set(user.auth)
      .send({ content: 'settle cut', stream: false });
    await cut;
    await databaseBack();
    const reply = await ctx.db
      .collection('messages')
      .findOne({ chatId: new ObjectId(chat.body.id), role: 'assistant' });
    expect(reply).toMatchObject({ status: 'complete', content: 'Hello world!' });
    // The answer is stored: a 503 "could not be saved" makes the user send it again (a duplicate).
    expect({ status: res.status, body: res.body.error ?? null }).toMatchObject({
      status: 201,
      body: null,
    });
  });

  it('when the settle after a streamed reply is cut, then the stream ends with done, not error', async () => {
    await databaseBack();
    const user = await createUser();
    const chat = await ctx.request().post('/api/chats').set(user.auth).send({ title: 'y' });
    const cut = ctx.proxy.cutReplyTo(settleOfChat);
    const stream = openStream(
      ctx.server.port,
      `/api/chats/${chat.body.id}/messages`,
      user.accessToken,
      {
        content: 'settle cut, streamed',
        stream: true,
      },
    );
    await stream.ended;
    await cut;
    await databaseBack();
    const reply = await ctx.db
      .collection('messages')
      .findOne({ chatId: new ObjectId(chat.body.id), role: 'assistant' });
    expect(reply).toMatchObject({ status: 'complete', content: 'Hello world!' });
    const last = stream.events.at(-1)!;
    expect({ event: last.event, error: last.data.error ?? null }).toEqual({
      event: 'done',
      error: null,
    });
  });
});
