import { describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { createUser, type TestUser } from '../helpers/users.js';
import { databaseBack, sleep, useProxiedApp } from '../helpers/proxied-app.js';

const ctx = useProxiedApp();

type Seen = { name: string; collection: unknown; doc: Record<string, unknown> };
/** The continue's claim of the answer: the update that marks it streaming under its lease. */
const claimOfAnswer = (c: Seen) =>
  c.name === 'update' &&
  c.collection === 'messages' &&
  JSON.stringify(c.doc).includes('"unsent":true');
/** Its give-back: the update of the answer still streaming under the continue's lease. */
const giveBackOfAnswer = (c: Seen) =>
  c.name === 'update' &&
  c.collection === 'messages' &&
  JSON.stringify(c.doc).includes('"lease.token"') &&
  JSON.stringify(c.doc).includes('"status":"streaming"');

async function cutAnswer(user: TestUser) {
  await databaseBack();
  const chat = await ctx.request().post('/api/chats').set(user.auth).send({ title: 'c' });
  ctx.upstream.script({ chunks: ['Hel'], finishReason: 'length' });
  const sent = await ctx
    .request()
    .post(`/api/chats/${chat.body.id}/messages`)
    .set(user.auth)
    .send({ content: 'to continue', stream: false });
  expect(sent.status).toBe(201);
  return { chatId: chat.body.id as string, answerId: sent.body.messages[1].id as string };
}

describe('a continue whose claim loses its answer and whose give-back meets the same outage', () => {
  it('when the give-back is cut too, then once the database is back the answer is given back (tried again, as a take-back is), not left streaming for every continue to meet 409', async () => {
    const user = await createUser();
    const { chatId, answerId } = await cutAnswer(user);
    const cut = ctx.proxy.cutReplyTo(claimOfAnswer);
    const giveBackCut = ctx.proxy.cutReplyTo(giveBackOfAnswer, { before: true });
    const first = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages/${answerId}/continue`)
      .set(user.auth)
      .send({ stream: false });
    await cut;
    await giveBackCut;
    expect(first.status).toBe(503);
    await databaseBack();
    await sleep(2500); // a background retry every second, as takeBack runs one
    const answer = await ctx.db.collection('messages').findOne({ _id: new ObjectId(answerId) });
    expect({ status: answer?.status, finishReason: answer?.finishReason }).toEqual({
      status: 'complete',
      finishReason: 'length',
    });
    const again = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages/${answerId}/continue`)
      .set(user.auth)
      .send({ stream: false });
    expect({ status: again.status, code: again.body.error?.code ?? null }).toEqual({
      status: 201,
      code: null,
    });
  }, 60_000);
});
