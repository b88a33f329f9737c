import { setTimeout as sleep } from 'node:timers/promises';
import type { CommandStartedEvent } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { ReplyReader } from '../../src/modules/chats/reply-reader.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';
import { openStream } from '../helpers/sse.js';
import { monitoredClient } from '../helpers/commands.js';

// Checkpoints far apart unless a reader elsewhere follows; that reader polls every 50 ms.
const ctx = useChatApp({
  STREAM_CHECKPOINT_MS: '10000',
  RESUME_POLL_MS: '50',
  DB_COMMAND_METRICS: 'true',
  MAX_CONCURRENT_STREAMS: '3',
});

const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i} `);

describe('a reply generated here, followed from another instance', () => {
  it('when a reader on another instance follows it, then its text is stored as often as that reader polls, and at the long interval again once the reader has gone', async () => {
    ctx.upstream.script({ chunks: words(200), delayMs: 25 });
    const chatId = (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body
      .id as string;
    const s = openStream(ctx.server.port, `/api/chats/${chatId}/messages`, ctx.user.accessToken, {
      content: 'hello',
      stream: true,
    });
    await s.waitFor(() => s.deltas().length >= 4);
    const replyId = s.events.find((e) => e.event === 'meta')!.data.assistantMessage.id as string;
    const stored = async () => (await Message.findById(replyId).lean())!.content;
    // Nobody follows it elsewhere: the first checkpoint is 10 s away.
    expect(await stored()).toBe('');

    // What a reader on another instance writes as it starts following (reply-follower.ts).
    await ReplyReader.collection.insertOne({
      _id: new Types.ObjectId(replyId),
      chatId: new Types.ObjectId(chatId),
      userId: new Types.ObjectId(ctx.user.id),
      until: new Date(Date.now() + 60_000),
    });
    const first = await eventually(stored, (text) => text.length > 0, 3000);
    expect(first.length).toBeGreaterThan(0);
    const later = await eventually(stored, (text) => text.length > first.length, 3000);
    expect(later.length).toBeGreaterThan(first.length);
    expect(s.text().startsWith(later)).toBe(true);

    // The reader has gone: after a few polls (and a write that may have been in flight), no more.
    await ReplyReader.deleteOne({ _id: replyId });
    await sleep(500);
    const settled = await stored();
    await sleep(400);
    expect(s.deltas().length).toBeLessThan(200);
    expect(await stored()).toBe(settled);

    await s.ended;
    expect(s.events.at(-1)!.event).toBe('done');
    expect(await stored()).toBe(words(200).join(''));
  }, 20_000);
});

describe('the poll for readers on other instances', () => {
  it('when three replies stream here, then each poll asks for the live readers without naming the replies streaming here', async () => {
    ctx.upstream.script({ chunks: words(40), delayMs: 25 });
    const polls: CommandStartedEvent[] = [];
    const record = (c: CommandStartedEvent) => {
      if (c.commandName === 'find' && c.command.find === 'reply_readers') polls.push(c);
    };
    monitoredClient().on('commandStarted', record);
    try {
      const streams = await Promise.all(
        [1, 2, 3].map(async () => {
          const chatId = (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body
            .id as string;
          const s = openStream(
            ctx.server.port,
            `/api/chats/${chatId}/messages`,
            ctx.user.accessToken,
            {
              content: 'hello',
              stream: true,
            },
          );
          await s.waitFor(() => s.deltas().length >= 2);
          return s;
        }),
      );
      const replyIds = streams.map(
        (s) => s.events.find((e) => e.event === 'meta')!.data.assistantMessage.id as string,
      );
      const before = polls.length;
      await eventually(
        () => Promise.resolve(polls.length),
        (n) => n >= before + 3,
        3000,
      );
      for (const poll of polls.slice(before)) {
        const filter = JSON.stringify(poll.command.filter);
        for (const id of replyIds) expect(filter).not.toContain(id);
        expect(Object.keys(poll.command.filter as object)).toEqual(['until']);
      }
      await Promise.all(streams.map((s) => s.ended));
    } finally {
      monitoredClient().off('commandStarted', record);
    }
  }, 20_000);
});
