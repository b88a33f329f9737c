import { describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { createUser } from '../helpers/users.js';
import { openSse } from '../helpers/sse.js';
import { databaseBack, sleep, useProxiedApp } from '../helpers/proxied-app.js';

const ctx = useProxiedApp();

/** The mark that says a continue's key has acted, and where its text grew from. */
const markOfContinue = (c: { name: string; collection: unknown; doc: Record<string, unknown> }) =>
  c.name === 'update' &&
  c.collection === 'idempotency_keys' &&
  JSON.stringify(c.doc).includes('appendFrom');

// Failing: the fix belongs in exchange.controller.ts / idempotency.service.ts (not dbfault2's).
describe('a keyed, streamed continue whose key mark is lost', () => {
  it('when the mark of its key never lands, then a repeat with the key streams the continued text again, not a 409', async () => {
    const user = await createUser();
    await databaseBack();
    const chat = await ctx.request().post('/api/chats').set(user.auth).send({ title: 'k' });
    ctx.upstream.script({ chunks: ['Hel'], finishReason: 'length' });
    const sent = await ctx
      .request()
      .post(`/api/chats/${chat.body.id}/messages`)
      .set(user.auth)
      .send({ content: 'to continue', stream: false });
    expect(sent.status).toBe(201);
    const answerId = sent.body.messages[1].id as string;
    const go = async () => {
      const stream = openSse(ctx.server.port, {
        path: `/api/chats/${chat.body.id}/messages/${answerId}/continue`,
        token: user.accessToken,
        method: 'POST',
        body: { stream: true },
        headers: { 'Idempotency-Key': 'continue-mark-lost' },
      });
      await Promise.race([stream.ended, sleep(20_000)]);
      return stream;
    };
    const cut = ctx.proxy.cutReplyTo(markOfContinue, { before: true });
    const first = await go();
    await cut;
    expect(first.events.at(-1)?.event).toBe('done');
    await databaseBack();
    await sleep(500);
    // The client lost that stream (its connection dropped at the end) and repeats the request.
    const again = await go();
    expect({ status: again.status, body: again.status === 200 ? '' : again.body }).toEqual({
      status: 200,
      body: '',
    });
    expect(again.text()).toBe('Hello world!');
    const answers = await ctx.db
      .collection('messages')
      .find({ chatId: new ObjectId(chat.body.id), role: 'assistant' })
      .toArray();
    expect(answers.map((a) => a.content)).toEqual(['HelHello world!']);
  }, 60_000);
});
