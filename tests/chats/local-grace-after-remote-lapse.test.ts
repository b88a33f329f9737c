import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { ReplyReader } from '../../src/modules/chats/reply-reader.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';
import { openSse } from '../helpers/sse.js';

const GRACE_S = 3;
const ctx = useChatApp({
  DETACH_GRACE_SECONDS: String(GRACE_S),
  RESUME_POLL_MS: '50',
  STREAM_CHECKPOINT_MS: '60000',
});

describe('a local reader that leaves just before a remote reader lapses', () => {
  it('when the local client leaves shortly before the remote heartbeat lapses, then the reply still waits a whole grace for the local client', async () => {
    const chatId = (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body
      .id as string;
    ctx.upstream.script({ chunks: ['x '], endless: true, delayMs: 20 });
    const s = openSse(ctx.server.port, {
      method: 'POST',
      path: `/api/chats/${chatId}/messages`,
      token: ctx.user.accessToken,
      body: { content: 'go', stream: true },
    });
    await s.waitForEvent('delta');
    const replyId = s.events.find((e) => e.event === 'meta')!.data.assistantMessage.id as string;
    const until = Date.now() + GRACE_S * 1000;
    await ReplyReader.collection.insertOne({
      _id: new Types.ObjectId(replyId),
      chatId: new Types.ObjectId(chatId),
      userId: new Types.ObjectId(ctx.user.id),
      until: new Date(until),
    });
    await eventually(
      () => Message.findById(replyId).lean(),
      (m) => (m?.content.length ?? 0) > 0,
    );
    const call = ctx.upstream.requests.at(-1)!;
    // The local client (the one that sent) leaves 300 ms before the remote heartbeat lapses: a
    // clock time, because the promise under test is one in time (DETACH_GRACE_SECONDS).
    await sleep(Math.max(0, until - 300 - Date.now()));
    const leftAt = Date.now();
    s.close();
    await call.finished;
    const waitedMs = Date.now() - leftAt;
    // README/API.md: the reply goes on for DETACH_GRACE_SECONDS after its (last) client left.
    expect(waitedMs).toBeGreaterThanOrEqual(GRACE_S * 1000 - 100);
  }, 20_000);
});
