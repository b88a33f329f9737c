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

describe('half of a character the provider never completes', () => {
  it('when a delta holds half of a surrogate pair that the next does not complete, then the live stream, the done event, the stored reply and a replay all hold the same text', async () => {
    const created = await ctx.request().post('/api/chats').set(ctx.user.auth).send({});
    const chatId = created.body.id as string;
    // A high half followed by a letter, and a low half with none before it: no character.
    ctx.upstream.script({ chunks: ['a\ud83d', 'b', '\ude00c'], delayMs: 30 });
    const res = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(ctx.user.auth)
      .send({ content: 'broken', stream: true })
      .buffer(true)
      .parse(textParser);
    expect(res.status).toBe(200);
    const { events } = parseSse(res.body as string);
    const live = events
      .filter((e) => e.event === 'delta')
      .map((e) => e.data.content as string)
      .join('');
    const done = events.at(-1)!.data.message as { id: string; content: string };
    const stored = (await Message.findById(done.id, { content: 1 }).lean())!.content;
    const replay = await ctx
      .request()
      .get(`/api/chats/${chatId}/messages/${done.id}/stream`)
      .set(ctx.user.auth)
      .buffer(true)
      .parse(textParser);
    const replayed = parseSse(replay.body as string)
      .events.filter((e) => e.event === 'delta')
      .map((e) => e.data.content as string)
      .join('');
    // The database keeps UTF-8, where a lone half is U+FFFD: what every reader must see.
    expect(stored).toBe('a\ufffdb\ufffdc');
    expect(done.content).toBe(stored);
    expect(live).toBe(stored);
    expect(replayed).toBe(stored);
  });
});
