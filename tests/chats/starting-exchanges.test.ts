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

// Graceful shutdown waits while this count is above 0 (lib/shutdown.ts), then cuts what runs.
describe('what graceful shutdown waits for', () => {
  it('when a send holds its slot and is still storing its messages, then it counts as running work until its reply has run', async () => {
    const chatId = await newChat();
    const before = runningGenerations();
    ctx.upstream.script({ chunks: ['Hello', ' there'] });
    const storing = holdCall(Message.collection, 'insertMany');
    try {
      const sent = send(chatId);
      await storing.reached;
      // Its generation has not started yet: a shutdown now would still let it run.
      expect(runningGenerations()).toBe(before + 1);
      storing.release();
      const res = await sent;
      expect(res.status).toBe(201);
      expect(res.body.messages[1]).toMatchObject({ content: 'Hello there', status: 'complete' });
    } finally {
      storing.restore();
    }
    expect(
      await eventually(
        () => Promise.resolve(runningGenerations()),
        (n) => n === before,
      ),
    ).toBe(before);
  });

  it('when a send is still taking its slot, then it counts as running work, and not once its reply has run', async () => {
    const chatId = await newChat();
    const before = runningGenerations();
    ctx.upstream.script({ chunks: ['Hello', ' there'] });
    const takingSlot = holdCall(Generation.collection, 'insertOne');
    try {
      const sent = send(chatId);
      await takingSlot.reached;
      expect(runningGenerations()).toBe(before + 1);
      takingSlot.release();
      const res = await sent;
      expect(res.status).toBe(201);
      expect(res.body.messages[1]).toMatchObject({ content: 'Hello there', status: 'complete' });
    } finally {
      takingSlot.restore();
    }
    expect(
      await eventually(
        () => Promise.resolve(runningGenerations()),
        (n) => n === before,
      ),
    ).toBe(before);
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
    expect(
      await eventually(
        () => Promise.resolve(runningGenerations()),
        (n) => n === before,
      ),
    ).toBe(before);
  });
});
