import { describe, expect, it, vi } from 'vitest';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { GenerationFlag } from '../../src/modules/chats/generation/generation-flag.model.js';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { acquireLease, releaseLease } from '../../src/modules/chats/generation/leases.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { ReplyReader } from '../../src/modules/chats/reply-reader.model.js';
import { liveReply } from '../../src/modules/chats/reply-stream.js';
import { dayOf } from '../../src/modules/usage/days.js';
import { UsageEntry } from '../../src/modules/usage/usage.model.js';
import { User } from '../../src/modules/users/user.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';
import { holdCall } from '../helpers/hold-call.js';
import { openSse } from '../helpers/sse.js';
import { createUser } from '../helpers/users.js';

// The defaults: two generation slots, and a reply whose client left waits 30 s for it to come back.
const ctx = useChatApp({
  MAX_CONCURRENT_STREAMS: '2',
  DETACH_GRACE_SECONDS: '30',
  STOP_POLL_MS: '100',
});

// A reply that never ends by itself: only its client, a stop or shutdown can end it.
const endless = { chunks: ['w '], endless: true, delayMs: 10 };
const newChat = async () =>
  (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body.id as string;
const stream = (chatId: string, content: string) =>
  ctx.stream(`/api/chats/${chatId}/messages`, { content, stream: true });
const replyIdOf = (s: ReturnType<typeof stream>) =>
  s.events.find((e) => e.event === 'meta')!.data.assistantMessage.id as string;
const statusOf = async (replyId: string) => (await Message.findById(replyId).lean())?.status;

/** Two replies of the user, in both of its slots, whose clients left: each waits for one. */
async function twoWaitingReplies() {
  ctx.upstream.setDefault(endless);
  const [c1, c2] = [await newChat(), await newChat()];
  // Earlier tests' waiting replies give their slots to these two, which are then dropped.
  const s1 = stream(c1, 'one');
  await s1.waitForEvent('delta');
  const s2 = stream(c2, 'two');
  await s2.waitForEvent('delta');
  s1.close();
  s2.close();
  const waiting = () =>
    Generation.countDocuments({ userId: ctx.user.id, waitingSince: { $ne: null } });
  expect(await eventually(waiting, (n) => n === 2)).toBe(2);
  return { c1, s1, s2, waiting };
}

type Dropped = ReturnType<typeof stream>;

async function expectBothStillWaiting(s1: Dropped, s2: Dropped, waiting: () => Promise<number>) {
  expect(await statusOf(replyIdOf(s1))).toBe('streaming');
  expect(await statusOf(replyIdOf(s2))).toBe('streaming');
  expect(await waiting()).toBe(2);
}

/** A send to `chatId` starts, taking the slot of one of the two waiting replies (cut, stored incomplete). */
async function expectSendTakesOneSlot(chatId: string, s1: Dropped, s2: Dropped) {
  const next = stream(chatId, 'three');
  await next.waitForEvent('delta');
  expect(next.status).toBe(200);
  const statuses = [await statusOf(replyIdOf(s1)), await statusOf(replyIdOf(s2))];
  expect(statuses.sort()).toEqual(['incomplete', 'streaming']);
  next.close();
}

describe('replies waiting for their client, and new sends', () => {
  it('when 20 streams in a row are dropped by their client, then every new send still starts: the reply that waited longest gives its slot up (stored incomplete), the latest stay resumable', async () => {
    ctx.upstream.setDefault(endless);
    const chatId = await newChat();
    const replies: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const s = stream(chatId, `try ${i}`);
      await s.waitForEvent('delta');
      expect(s.status).toBe(200);
      replies.push(replyIdOf(s));
      s.close();
    }
    // Every reply but the last two was cut for the send after the next one; those two still
    // stream, each waiting for its client, in the user's two slots.
    for (const id of replies.slice(0, -2)) {
      expect(await statusOf(id)).toBe('incomplete');
      // Cut for a new message of its user: the reply says so.
      expect((await Message.findById(id).lean())?.stopReason).toBe('superseded');
    }
    expect(await statusOf(replies.at(-2)!)).toBe('streaming');
    expect(await statusOf(replies.at(-1)!)).toBe('streaming');
    // Both leases say so, for sends on other instances (tests/cluster covers those).
    const waiting = () =>
      Generation.countDocuments({ userId: ctx.user.id, waitingSince: { $ne: null } });
    expect(await eventually(waiting, (n) => n === 2)).toBe(2);
    expect(await Generation.countDocuments({ userId: ctx.user.id })).toBe(2);
    // The last one is still there to resume: its text so far, then more.
    const resumed = openSse(ctx.server.port, {
      path: `/api/chats/${chatId}/messages/${replies.at(-1)!}/stream`,
      token: ctx.user.accessToken,
    });
    await resumed.waitFor(() => resumed.events.filter((e) => e.event === 'delta').length >= 2);
    expect(resumed.status).toBe(200);
    // Read again: its lease no longer says it waits.
    expect(await eventually(waiting, (n) => n === 1)).toBe(1);
    resumed.close();
  }, 60_000);

  it('when both slots hold replies that are still read, then a third send is 429 TOO_MANY_STREAMS and neither reply is cut', async () => {
    ctx.upstream.setDefault(endless);
    const [c1, c2, c3] = [await newChat(), await newChat(), await newChat()];
    // The previous test's waiting replies give their slots to these two.
    const s1 = stream(c1, 'one');
    const s2 = stream(c2, 'two');
    await Promise.all([s1.waitForEvent('delta'), s2.waitForEvent('delta')]);
    const third = await ctx
      .request()
      .post(`/api/chats/${c3}/messages`)
      .set(ctx.user.auth)
      .send({ content: 'three', stream: true });
    expect(third.status).toBe(429);
    expect(third.body.error.code).toBe('TOO_MANY_STREAMS');
    expect(await Message.countDocuments({ chatId: c3 })).toBe(0);
    expect(await statusOf(replyIdOf(s1))).toBe('streaming');
    expect(await statusOf(replyIdOf(s2))).toBe('streaming');
    // Both dropped now: a new send takes the place of one of them (the one whose drop the server
    // saw first), and the other still waits for its client.
    s1.close();
    s2.close();
    const fourth = stream(c3, 'four');
    await fourth.waitForEvent('delta');
    expect(fourth.status).toBe(200);
    const statuses = [await statusOf(replyIdOf(s1)), await statusOf(replyIdOf(s2))];
    expect(statuses.sort()).toEqual(['incomplete', 'streaming']);
    fourth.close();
  });

  it('when a send is refused (its chat is not found) while both slots hold replies waiting for their clients, then neither reply is cut', async () => {
    const { c1, s1, s2, waiting } = await twoWaitingReplies();
    const refused = await ctx
      .request()
      .post('/api/chats/0123456789abcdef01234567/messages')
      .set(ctx.user.auth)
      .send({ content: 'to nowhere', stream: true });
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe('NOT_FOUND');
    // Both still stream, each waiting for its client, in the user's two slots.
    await expectBothStillWaiting(s1, s2, waiting);
    // A send that is let through still takes the slot of one of them.
    await expectSendTakesOneSlot(c1, s1, s2);
  });

  it('when a send over the daily token budget finds both slots held by replies waiting for their clients, then it is 429 QUOTA_EXCEEDED and neither reply is cut', async () => {
    const { c1, s1, s2, waiting } = await twoWaitingReplies();
    // Today's tokens reach the user's own limit.
    await User.updateOne({ _id: ctx.user.id }, { $set: { tokenBudgetPerDay: 10 } });
    const spent = await UsageEntry.create({
      userId: ctx.user.id,
      chatId: c1,
      kind: 'reply',
      model: 'test-model',
      day: dayOf(new Date()),
      promptTokens: 5,
      completionTokens: 5,
      totalTokens: 10,
      estimated: false,
      createdAt: new Date(),
    });
    try {
      const refused = await ctx
        .request()
        .post(`/api/chats/${c1}/messages`)
        .set(ctx.user.auth)
        .send({ content: 'over budget', stream: true });
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('QUOTA_EXCEEDED');
      expect(await Message.countDocuments({ chatId: c1, content: 'over budget' })).toBe(0);
      await expectBothStillWaiting(s1, s2, waiting);
    } finally {
      await User.updateOne({ _id: ctx.user.id }, { $unset: { tokenBudgetPerDay: 1 } });
      await UsageEntry.deleteOne({ _id: spent._id });
    }
    // Within budget again, a send takes the slot of one of them.
    await expectSendTakesOneSlot(c1, s1, s2);
  });

  it('when another instance asks a waiting reply to yield just as its client comes back, then the reply keeps its slot and streams on, and the request is turned down', async () => {
    ctx.upstream.setDefault(endless);
    const chatId = await newChat();
    const s = stream(chatId, 'back again');
    await s.waitForEvent('delta');
    const replyId = replyIdOf(s);
    s.close();
    const lease = () => Generation.findOne({ chatId }).lean();
    expect(await eventually(lease, (l) => Boolean(l?.waitingSince))).toBeTruthy();
    // The client comes back here: the reply is read again.
    const resumed = openSse(ctx.server.port, {
      path: `/api/chats/${chatId}/messages/${replyId}/stream`,
      token: ctx.user.accessToken,
    });
    await resumed.waitForEvent('delta');
    // A send on another instance had flagged the lease a moment before (flagWaitingLease).
    const { token, instanceId } = (await lease())!;
    await GenerationFlag.create({
      _id: `yield:${token}`,
      kind: 'yield',
      token,
      instanceId,
      at: new Date(),
    });
    // The stop poll turns it down: the flag is dropped, and the lease no longer says it waits.
    const flags = () => GenerationFlag.countDocuments({ token });
    expect(await eventually(flags, (n) => n === 0)).toBe(0);
    expect(await lease()).toMatchObject({ token, waitingSince: null });
    const seen = resumed.events.length;
    await resumed.waitFor(() => resumed.events.length > seen + 2);
    expect(resumed.events.some((e) => e.event === 'done' || e.event === 'error')).toBe(false);
    expect(await statusOf(replyId)).toBe('streaming');
    resumed.close();
  });

  it('when the slots busy at a send are given back while it looks for one (replies that ended on another instance), then the send takes a slot instead of 429', async () => {
    // A user of its own: the earlier tests' replies still wait for their clients in this process.
    const owner = await createUser();
    const created = await ctx.request().post('/api/chats').set(owner.auth).send({});
    const chatId = created.body.id as string;
    // Both slots held by replies of another instance: nothing here is waiting or giving back.
    const elsewhere = [
      (await acquireLease(owner.id, chatId))!,
      (await acquireLease(owner.id, chatId))!,
    ];
    // They end while the send asks for a waiting reply to yield (flagWaitingLease's read).
    const find = Generation.find.bind(Generation);
    const spy = vi.spyOn(Generation, 'find').mockImplementation(((
      ...args: Parameters<typeof find>
    ) => {
      const query = find(...args);
      if (!(args[0] as { waitingSince?: unknown } | undefined)?.waitingSince) return query;
      const released = Promise.all(elsewhere.map(releaseLease));
      const exec = query.exec.bind(query);
      query.exec = async () => {
        await released;
        return exec();
      };
      return query;
    }) as typeof find);
    let res;
    try {
      res = await ctx
        .request()
        .post(`/api/chats/${chatId}/messages`)
        .set(owner.auth)
        .send({ content: 'one more', stream: false });
    } finally {
      spy.mockRestore();
    }
    expect(res.status).toBe(201);
    expect(res.body.messages.map((m: { status: string }) => m.status)).toEqual([
      'complete',
      'complete',
    ]);
    expect(await Message.countDocuments({ chatId })).toBe(2);
    expect(await Generation.countDocuments({ userId: owner.id })).toBe(0);
  });

  it('when a reader that began following the stored reply switches to it in memory (it turned out to be generated here) and every client then leaves, then the reply waits for one and a new send takes its slot', async () => {
    ctx.upstream.setDefault(endless);
    // A user of its own: the earlier tests' replies still wait for their clients in this process.
    const owner = await createUser();
    const newChatOf = async () =>
      (await ctx.request().post('/api/chats').set(owner.auth).send({})).body.id as string;
    const chatId = await newChatOf();
    // The send's write of its chat (naming it after its first message) is slow: its messages are
    // stored, the reply `streaming`, but it does not stream in this process yet.
    const chatWrite = holdCall(
      Chat.collection,
      'updateOne',
      (args) => String((args[0] as { _id?: unknown })._id) === chatId,
    );
    const sent = ctx.stream(
      `/api/chats/${chatId}/messages`,
      { content: 'one', stream: true },
      owner,
    );
    let reader: ReturnType<typeof openSse> | undefined;
    let replyId: string;
    try {
      await chatWrite.reached;
      replyId = String((await Message.findOne({ chatId, role: 'assistant' }).lean())!._id);
      // Another tab opens the reply now: not live here, so it follows the stored reply and
      // writes a heartbeat for the instance generating it (reply-follower.ts).
      reader = openSse(ctx.server.port, {
        path: `/api/chats/${chatId}/messages/${replyId}/stream`,
        token: owner.accessToken,
      });
      await eventually(
        () => ReplyReader.findById(replyId).lean(),
        (r) => r !== null,
      );
    } finally {
      chatWrite.release();
    }
    chatWrite.restore();
    await sent.waitForEvent('delta');
    // The reader's next poll finds the reply live here and follows it in memory: counted among
    // its readers with the sender. A heartbeat still there is taken by this instance for a
    // reader elsewhere, and counted too (remote-followers.ts).
    const state = async () => ({
      heartbeat: await ReplyReader.findById(replyId).lean(),
      readers: liveReply(replyId)?.readers ?? 0,
    });
    await eventually(state, (s) => s.readers >= (s.heartbeat ? 3 : 2));
    reader.close();
    sent.close();
    // No reader is left: the reply waits for one (its lease says so, for sends on any instance).
    const waitingSince = async () =>
      (await Generation.findOne({ chatId }).lean())?.waitingSince ?? null;
    // Asserted after the send: a reply still counted as read by a reader elsewhere notes nothing,
    // and the send below is then refused (429 TOO_MANY_STREAMS) until that heartbeat lapses.
    const noted = await eventually(waitingSince, (w) => w !== null);
    // Its other slot is taken by a reply that is read; a third send takes the waiting reply's.
    const other = ctx.stream(
      `/api/chats/${await newChatOf()}/messages`,
      { content: 'two', stream: true },
      owner,
    );
    await other.waitForEvent('delta');
    const next = ctx.stream(
      `/api/chats/${await newChatOf()}/messages`,
      { content: 'three', stream: true },
      owner,
    );
    await next.waitFor(() => next.status !== 0);
    expect(next.status).toBe(200);
    const stored = await eventually(
      () => Message.findById(replyId).lean(),
      (m) => m?.status !== 'streaming',
    );
    expect(stored).toMatchObject({ status: 'incomplete', stopReason: 'superseded' });
    expect(noted).not.toBeNull();
    expect(await ReplyReader.findById(replyId).lean()).toBeNull();
    other.close();
    next.close();
  });
});
