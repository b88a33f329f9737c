import { describe, expect, it } from 'vitest';
import { Message } from '../../src/modules/chats/message.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { parseSse, textParser } from '../helpers/sse.js';

// Checkpoints as often as they may be written, so one falls between any two deltas.
const ctx = useChatApp({ STREAM_CHECKPOINT_MS: '20' });

describe('a character the provider splits between two deltas', () => {
  it('when the two halves of a surrogate pair come in separate deltas, then the reader gets the character whole, and no checkpoint or event id falls inside it', async () => {
    const created = await ctx.request().post('/api/chats').set(ctx.user.auth).send({});
    const chatId = created.body.id as string;
    ctx.upstream.script({ chunks: ['ab', '\ud83d', '\ude00', 'cd'], delayMs: 150 });
    // What a reader on another instance would read: the stored text, polled while it streams.
    const seen = new Set<string>();
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const reply = await Message.findOne({ chatId, role: 'assistant' }, { content: 1 }).lean();
        if (reply) seen.add(reply.content);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const res = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(ctx.user.auth)
      .send({ content: 'smile', stream: true })
      .buffer(true)
      .parse(textParser);
    polling = false;
    await poll;
    expect(res.status).toBe(200);
    const { events } = parseSse(res.body as string);
    const deltas = events.filter((e) => e.event === 'delta');
    expect(deltas.map((e) => e.data.content)).toEqual(['ab', '😀', 'cd']);
    // Each event id names the offset after its delta: never between the halves.
    expect(deltas.map((e) => Number(e.id.split(':')[1]))).toEqual([2, 4, 6]);
    expect(events.at(-1)!.data.message).toMatchObject({ content: 'ab😀cd', status: 'complete' });
    // The checkpoints: whole characters only (a lone half would be stored as U+FFFD).
    expect(seen.has('ab')).toBe(true);
    for (const content of seen) expect('ab😀cd'.startsWith(content), content).toBe(true);
  });
});
