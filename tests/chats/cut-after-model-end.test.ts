import { describe, expect, it } from 'vitest';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { slotsGivenBack } from '../../src/modules/chats/generation/registry.js';
import { useChatApp } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';
import { holdCall } from '../helpers/hold-call.js';
import { openSse } from '../helpers/sse.js';

const ctx = useChatApp({ DETACH_GRACE_SECONDS: '0' });

describe('a reply whose model call has ended', () => {
  it('when its client leaves after the model finished but before the reply is stored, then it is stored complete, not incomplete', async () => {
    const chatId = (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body
      .id as string;
    ctx.upstream.script({ chunks: ['first'] });
    await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(ctx.user.auth)
      .send({ content: 'one' });

    // The chat's write after the messages (beside the reply's first events) is slow.
    const chatWrite = holdCall(Chat.collection, 'updateOne');
    ctx.upstream.script({ chunks: ['a', 'b'], finishReason: 'stop' });
    const s = openSse(ctx.server.port, {
      method: 'POST',
      path: `/api/chats/${chatId}/messages`,
      token: ctx.user.accessToken,
      body: { content: 'two', stream: true },
    });
    try {
      await chatWrite.reached;
      await s.waitFor(() => s.text() === 'ab');
      // The model call is over (its text all delivered, the generation no longer stoppable); the
      // reply waits for the chat's write before it is stored.
      expect(await eventually(() => slotsGivenBack(ctx.user.id, 0), Boolean)).toBe(true);
      const served = ctx.server.lastServed('POST', `/api/chats/${chatId}/messages`);
      const left = new Promise((resolve) => served.res.once('close', resolve));
      s.close();
      // Its last reader has left (no grace): the reply is cut now, before it is stored.
      await left;
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      chatWrite.release();
    }
    const replyId = s.events.find((e) => e.event === 'meta')!.data.assistantMessage.id as string;
    const stored = await eventually(
      () => Message.findById(replyId).lean(),
      (m) => m !== null && m.status !== 'streaming',
      10_000,
    );
    chatWrite.restore();
    expect({
      status: stored!.status,
      content: stored!.content,
      finishReason: stored!.finishReason,
    }).toEqual({
      status: 'complete',
      content: 'ab',
      finishReason: 'stop',
    });
  });
});
