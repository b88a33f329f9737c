import { describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { createUser, type TestUser } from '../helpers/users.js';
import { databaseBack, sleep, useProxiedApp } from '../helpers/proxied-app.js';

const ctx = useProxiedApp();

/** The continue's claim of the answer: the update that marks it streaming under its lease. */
const claimOfAnswer = (c: { name: string; collection: unknown; doc: Record<string, unknown> }) =>
  c.name === 'update' &&
  c.collection === 'messages' &&
  JSON.stringify(c.doc).includes('"unsent":true');

/** A chat whose last answer the token limit cut ("Hel", finishReason length). */
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

const answersOf = async (chatId: string) =>
  (
    await ctx.db
      .collection('messages')
      .find({ chatId: new ObjectId(chatId), role: 'assistant' })
      .toArray()
  ).map((m) => ({ status: m.status, finishReason: m.finishReason, content: m.content }));

describe('a continue whose claim of the answer loses its answer', () => {
  it('when the claim lands but its answer is lost, then the continue is a 503, the answer is left as it was, and a repeat with the key continues it once', async () => {
    const user = await createUser();
    const { chatId, answerId } = await cutAnswer(user);
    const cut = ctx.proxy.cutReplyTo(claimOfAnswer);
    const go = () =>
      ctx
        .request()
        .post(`/api/chats/${chatId}/messages/${answerId}/continue`)
        .set(user.auth)
        .set('Idempotency-Key', 'continue-claim-lost')
        .send({ stream: false });
    const first = await go();
    await cut;
    expect({ status: first.status, code: first.body.error?.code }).toEqual({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
    });
    await databaseBack();
    await sleep(500);
    // Not `streaming` under a lease that was given back: that answer is a 409 MESSAGE_STREAMING
    // to every continue until the sweep finishes it as interrupted, its length cut forgotten.
    expect(await answersOf(chatId)).toEqual([
      { status: 'complete', finishReason: 'length', content: 'Hel' },
    ]);
    const again = await go();
    expect({ status: again.status, body: again.body.error ?? null }).toEqual({
      status: 201,
      body: null,
    });
    expect(again.body.messages[1]).toMatchObject({ id: answerId, content: 'HelHello world!' });
    expect(await answersOf(chatId)).toEqual([
      { status: 'complete', finishReason: 'stop', content: 'HelHello world!' },
    ]);
  }, 60_000);
});
