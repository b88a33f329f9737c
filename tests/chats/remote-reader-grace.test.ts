import { setTimeout as sleep } from 'node:timers/promises';
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

/**
 * A reply streaming to its local client and followed from another instance, as a reader there
 * leaves it when its client goes: its last heartbeat, valid for a grace from its last renewal
 * (reply-follower.ts), which lapses at `until`. Returns once the reply is seen as followed
 * (checkpointed as often as such a reader polls).
 */
async function followedFromElsewhere() {
  const chatId = (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body
    .id as string;
  ctx.upstream.script({ chunks: ['x '], endless: true, delayMs: 20 });
  const local = openSse(ctx.server.port, {
    method: 'POST',
    path: `/api/chats/${chatId}/messages`,
    token: ctx.user.accessToken,
    body: { content: 'go', stream: true },
  });
  await local.waitForEvent('delta');
  const replyId = local.events.find((e) => e.event === 'meta')!.data.assistantMessage.id as string;
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
  return { local, replyId, until, call: ctx.upstream.requests.at(-1)! };
}

describe('a reply followed from another instance whose client left', () => {
  it('when the remote reader’s heartbeat lapses, then the reply is cut a renewal period later (its client is gone a grace by then), not a whole grace later', async () => {
    const { local, replyId, until, call } = await followedFromElsewhere();
    local.close();
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

  it('when the local client leaves shortly before the remote heartbeat lapses, then the reply still waits a whole grace for the local client', async () => {
    const { local, until, call } = await followedFromElsewhere();
    // The local client (the one that sent) leaves 300 ms before the remote heartbeat lapses: a
    // clock time, because the promise under test is one in time (DETACH_GRACE_SECONDS).
    await sleep(Math.max(0, until - 300 - Date.now()));
    const leftAt = Date.now();
    local.close();
    await call.finished;
    const waitedMs = Date.now() - leftAt;
    // README/API.md: the reply goes on for DETACH_GRACE_SECONDS after its (last) client left.
    expect(waitedMs).toBeGreaterThanOrEqual(GRACE_S * 1000 - 100);
  }, 20_000);
});
