import { describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { ReplyReader } from '../../src/modules/chats/reply-reader.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';
import { openSse } from '../helpers/sse.js';

const GRACE_S = 3;
// No checkpoint on its own clock in a test's time: a stored text shows a remote reader was seen.
const ctx = useChatApp({
  DETACH_GRACE_SECONDS: String(GRACE_S),
  RESUME_POLL_MS: '50',
  STREAM_CHECKPOINT_MS: '60000',
});

describe('a reply followed from another instance whose client left', () => {
  it('when the remote reader’s heartbeat lapses, then the reply is cut a renewal period later (its client is gone a grace by then), not a whole grace later', async () => {
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
    // What a reader on another instance leaves when its client goes: its last heartbeat, valid
    // for a grace from its last renewal (reply-follower.ts). Its client left at about that time.
    const until = Date.now() + GRACE_S * 1000;
    await ReplyReader.collection.insertOne({
      _id: new Types.ObjectId(replyId),
      chatId: new Types.ObjectId(chatId),
      userId: new Types.ObjectId(ctx.user.id),
      until: new Date(until),
    });
    // Seen as followed (checkpointed as often as such a reader polls), then the local client goes.
    await eventually(
      () => Message.findById(replyId).lean(),
      (m) => (m?.content.length ?? 0) > 0,
    );
    const call = ctx.upstream.requests.at(-1)!;
    s.close();
    // The cut is when the model call is dropped (the reply's final write comes after it).
    await call.finished;
    const lateMs = Date.now() - until;
    expect(call.aborted).toBe(true);
    const stored = await eventually(
      () => Message.findById(replyId).lean(),
      (m) => m !== null && m.status !== 'streaming',
    );
    expect(stored!.stopReason).toBe('detached');
    // The contract: cut once no reader came back for DETACH_GRACE_SECONDS. The remote client left
    // after its heartbeat's last renewal (a grace before `until`) and before the next one was
    // due: the reply waits one renewal period past `until` (a third of this grace), so the client
    // had at least a whole grace. A second whole grace is what the defect added.
    const renewalMs = (GRACE_S * 1000) / 3;
    expect(lateMs).toBeGreaterThanOrEqual(renewalMs - 50);
    expect(lateMs).toBeLessThan(renewalMs + (GRACE_S * 1000) / 3);
  }, 20_000);
});
