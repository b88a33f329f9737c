import { describe, expect, it } from 'vitest';
import { useChatApp } from '../helpers/chat-app.js';

const ctx = useChatApp({ TITLES: 'off', DETACH_GRACE_SECONDS: '0' });

describe('a second tab sends while the first tab’s reply is still streaming', () => {
  it('when the reply has streamed text but not yet checkpointed it, then the send below it gives the model that text so far, not two questions in a row', async () => {
    ctx.upstream.script({ chunks: ['a1'] });
    const created = await ctx
      .request()
      .post('/api/chats')
      .set(ctx.user.auth)
      .send({ message: 'q1', stream: false });
    const chatId = created.body.chat.id as string;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    ctx.upstream.script({ chunks: ['so far'], holdUntil: held, afterHold: [' and the rest'] });
    const first = ctx.stream(`/api/chats/${chatId}/messages`, { content: 'q2', stream: true });
    await first.waitForEvent('delta');
    try {
      // The other tab: a plain send goes below the streaming reply (README, Branches).
      ctx.upstream.script({ chunks: ['a3'] });
      const second = await ctx
        .request()
        .post(`/api/chats/${chatId}/messages`)
        .set(ctx.user.auth)
        .send({ content: 'q3', stream: false });
      expect(second.status).toBe(201);
      expect(second.body.messages[0].parentId).toBe(first.events[0]!.data.assistantMessage.id);
      expect(ctx.upstream.requests.at(-1)!.messages).toEqual([
        { role: 'user', content: 'q1' },
        { role: 'assistant', content: 'a1' },
        { role: 'user', content: 'q2' },
        { role: 'assistant', content: 'so far' },
        { role: 'user', content: 'q3' },
      ]);
    } finally {
      release();
      await first.ended;
    }
  });
});
