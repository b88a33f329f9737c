import { describe, expect, it } from 'vitest';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { ReplyReader } from '../../src/modules/chats/reply-reader.model.js';
import { liveReply } from '../../src/modules/chats/reply-stream.js';
import { useChatApp } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';
import { openSse } from '../helpers/sse.js';
import { replyStreamingElsewhere } from '../helpers/remote-reply.js';

/*
 * A reader on this instance follows a reply generated on another one (through the database) and
 * its client leaves before the reply ends: its heartbeat stays until it lapses, so the reply waits
 * for the client to come back (reply-follower.ts). The reply then ends (cut by the token limit)
 * and is continued here — the same message, a new generation — whose own client leaves too. No
 * one reads the continued answer: it waits for a reader and gives its slot to a new send of its
 * user, as any reply does. The previous reader's heartbeat is not a reader of it.
 */
const ctx = useChatApp({
  MAX_CONCURRENT_STREAMS: '1',
  DETACH_GRACE_SECONDS: '30',
  RESUME_POLL_MS: '50',
  STOP_POLL_MS: '100',
});

const newChat = async () =>
  (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body.id as string;

describe('a continued answer and the heartbeat of a reader of its earlier generation', () => {
  it('when a reader elsewhere left the answer before it was cut and it is then continued here and dropped, then a new send takes its slot instead of 429', async () => {
    // The answer, streaming on another instance under a live lease of its own.
    const {
      chatId,
      reply: answer,
      lease,
    } = await replyStreamingElsewhere(ctx, 'continued-elsewhere', 7);
    const answerId = String(answer._id);
    // A reader here follows it from the database and writes its heartbeat; then its client goes.
    const reader = openSse(ctx.server.port, {
      path: `/api/chats/${chatId}/messages/${answerId}/stream`,
      token: ctx.user.accessToken,
      headers: {},
    });
    await reader.waitFor(() => reader.text() === 'so far');
    await eventually(
      () => ReplyReader.findById(answerId).lean(),
      (r) => r !== null,
    );
    reader.close();
    // The other instance's final write: cut by the token limit; its slot given back.
    await Message.updateOne(
      { _id: answerId },
      { $set: { status: 'complete', finishReason: 'length', content: 'so far' } },
    );
    await Generation.deleteOne({ token: lease.token });

    // Continued here; its client leaves at once.
    ctx.upstream.setDefault({ chunks: [' more'], endless: true, delayMs: 10 });
    const continued = ctx.stream(`/api/chats/${chatId}/messages/${answerId}/continue`, {
      stream: true,
    });
    await continued.waitForEvent('delta');
    // This instance has looked for readers elsewhere: a heartbeat still there counts as one.
    await eventually(
      async () => ({
        heartbeat: await ReplyReader.findById(answerId).lean(),
        readers: liveReply(answerId)?.readers ?? 0,
      }),
      (s) => s.heartbeat === null || s.readers >= 2,
    );
    continued.close();
    // Nobody reads it: it notes on its lease that it waits for a reader.
    const waitingSince = async () =>
      (await Generation.findOne({ chatId }).lean())?.waitingSince ?? null;
    const noted = await eventually(waitingSince, (w) => w !== null, 3000);

    // The user's one slot is the continued answer's: a new send takes it.
    const next = ctx.stream(`/api/chats/${await newChat()}/messages`, {
      content: 'next',
      stream: true,
    });
    await next.waitFor(() => next.status !== 0);
    const status = next.status;
    next.close();
    expect(status).toBe(200);
    expect(noted).not.toBeNull();
    const stored = await eventually(
      () => Message.findById(answerId).lean(),
      (m) => m?.status !== 'streaming',
    );
    expect(stored).toMatchObject({ status: 'incomplete', stopReason: 'superseded' });
  }, 20_000);
});
