import { describe, expect, it } from 'vitest';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { runningGenerations } from '../../src/modules/chats/generation/registry.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';
import { holdCall } from '../helpers/hold-call.js';

const ctx = useChatApp({ MAX_CONCURRENT_STREAMS: '1' });

const newChat = async () => {
  const res = await ctx.request().post('/api/chats').set(ctx.user.auth).send({});
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const send = (chatId: string) =>
  ctx
    .request()
    .post(`/api/chats/${chatId}/messages`)
    .set(ctx.user.auth)
    .send({ content: 'hello', stream: false })
    .then((res) => res);

/** The running work once it is back to `before` (or the last count, after five seconds). */
const settledCount = (before: number) =>
  eventually(
    () => Promise.resolve(runningGenerations()),
    (n) => n === before,
  );

// Graceful shutdown waits while this count is above 0 (lib/shutdown.ts), then cuts what runs.
describe('what graceful shutdown waits for', () => {
  for (const { step, held } of [
    { step: 'is still taking its slot', held: () => holdCall(Generation.collection, 'insertOne') },
    {
      step: 'holds its slot and is still storing its messages',
      held: () => holdCall(Message.collection, 'insertMany'),
    },
  ])
    it(`when a send ${step}, then it counts as running work until its reply has run`, async () => {
      const chatId = await newChat();
      const before = runningGenerations();
      ctx.upstream.script({ chunks: ['Hello', ' there'] });
      const hold = held();
      try {
        const sent = send(chatId);
        await hold.reached;
        // Its generation has not started yet: a shutdown now would still let it run.
        expect(runningGenerations()).toBe(before + 1);
        hold.release();
        const res = await sent;
        expect(res.status).toBe(201);
        expect(res.body.messages[1]).toMatchObject({ content: 'Hello there', status: 'complete' });
      } finally {
        hold.restore();
      }
      expect(await settledCount(before)).toBe(before);
    });

  it('when a send is refused for a busy slot, then it no longer counts as running work', async () => {
    const chatId = await newChat();
    const before = runningGenerations();
    let endFirst!: () => void;
    ctx.upstream.script({
      chunks: ['first'],
      holdUntil: new Promise<void>((resolve) => (endFirst = resolve)),
    });
    const first = send(chatId);
    expect(
      await eventually(
        () => Promise.resolve(runningGenerations()),
        (n) => n === before + 1,
      ),
    ).toBe(before + 1);
    const refused = await send(chatId);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('TOO_MANY_STREAMS');
    expect(runningGenerations()).toBe(before + 1);
    endFirst();
    expect((await first).status).toBe(201);
    expect(await settledCount(before)).toBe(before);
  });
});
