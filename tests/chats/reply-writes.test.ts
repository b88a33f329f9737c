import type { CommandStartedEvent, CommandSucceededEvent } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import {
  CHECKPOINT_GATHER_MS,
  CheckpointWriter,
} from '../../src/modules/chats/checkpoint-writer.js';
import { storeReply } from '../../src/modules/chats/exchange.service.js';
import { finishInterrupted } from '../../src/modules/chats/interrupted-replies.js';
import {
  acquireLease,
  releaseLease,
  renewLeases,
  surelyHeld,
  type Lease,
} from '../../src/modules/chats/generation/leases.js';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { Message, type MessageDoc } from '../../src/modules/chats/message.model.js';
import { UsageEntry } from '../../src/modules/usage/usage.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { monitoredClient } from '../helpers/commands.js';
import { expectTookTurns, releaseInPairs } from '../helpers/write-pairs.js';

/**
 * A reply's own writes (checkpoints, final state) go by `_id` alone while its lease is surely held
 * (message.model.ts ownReply); once it is not, they apply only while the reply is `streaming`, so
 * one that lands after another instance finished the reply (its lease lapsed) changes nothing.
 */
const ctx = useChatApp({ GENERATION_LEASE_SECONDS: '60', DB_COMMAND_METRICS: 'true' });

/** Resolves once the next `update` command to the messages has been answered (a checkpoint). */
function nextMessageUpdate(): Promise<void> {
  const client = monitoredClient();
  return new Promise((resolve) => {
    const answered = (event: CommandSucceededEvent) => {
      if (event.commandName !== 'update') return;
      client.off('commandSucceeded', answered);
      resolve();
    };
    client.on('commandSucceeded', answered);
  });
}

const leaseFor = (reply: MessageDoc, heldForMs: number): Lease => ({
  userId: String(reply.userId),
  chatId: String(reply.chatId),
  slot: 0,
  token: 'test',
  heldUntil: Date.now() + heldForMs,
});

/** A chat with one exchange, and its reply set back to `status` with `content`. */
async function storedReply(status: MessageDoc['status'], content: string): Promise<MessageDoc> {
  ctx.upstream.script({ chunks: ['first answer'] });
  const sent = await ctx
    .request()
    .post('/api/chats')
    .set(ctx.user.auth)
    .send({ message: 'a question' });
  expect(sent.status).toBe(201);
  const replyId = new Types.ObjectId(sent.body.messages[1].id as string);
  await Message.collection.updateOne({ _id: replyId }, { $set: { status, content } });
  return (await Message.findById(replyId).lean<MessageDoc>())!;
}

describe('a reply written by its own generation', () => {
  it('when the lease was acquired or renewed a moment ago, then it is surely held; with less than a third of the lease time left, it is not', async () => {
    const reply = await storedReply('streaming', '');
    expect(surelyHeld(leaseFor(reply, 60_000))).toBe(true);
    expect(surelyHeld(leaseFor(reply, 40_000 + 1000))).toBe(true);
    expect(surelyHeld(leaseFor(reply, 20_000 - 1000))).toBe(false);
    expect(surelyHeld(leaseFor(reply, -1))).toBe(false);
  });

  it('when a lease taken 50 s ago (60 s leases) is renewed, then it is surely held again', async () => {
    const reply = await storedReply('streaming', '');
    const lease = await acquireLease(
      String(reply.userId),
      String(reply.chatId),
      new Date(Date.now() - 50_000),
    );
    expect(lease).not.toBeNull();
    expect(surelyHeld(lease!)).toBe(false);
    await renewLeases([lease!]);
    expect(surelyHeld(lease!)).toBe(true);
    await releaseLease(lease!);
  });

  it('when leases are renewed, then one surely held is found by `_id` alone, one that is not by this instance and its token, and both expire a lease time later', async () => {
    const chatId = String(new Types.ObjectId());
    const fresh = await acquireLease(String(new Types.ObjectId()), chatId);
    const old = await acquireLease(
      String(new Types.ObjectId()),
      chatId,
      new Date(Date.now() - 50_000),
    );
    expect(surelyHeld(fresh!)).toBe(true);
    expect(surelyHeld(old!)).toBe(false);
    const filters: object[] = [];
    const client = monitoredClient();
    const seen = (event: CommandStartedEvent) => {
      if (event.commandName === 'update' && event.command.update === 'generations')
        for (const u of event.command.updates as { q: object }[]) filters.push(u.q);
    };
    client.on('commandStarted', seen);
    const before = Date.now();
    try {
      await renewLeases([fresh!, old!]);
    } finally {
      client.off('commandStarted', seen);
    }
    expect(filters).toHaveLength(2);
    expect(filters).toContainEqual({ _id: { $in: [fresh!.id] }, token: { $in: [fresh!.token] } });
    expect(filters).toContainEqual({
      instanceId: expect.any(String),
      token: { $in: [old!.token] },
    });
    for (const lease of [fresh!, old!]) {
      const stored = await Generation.findById(lease.id).lean();
      expect(stored!.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 59_000);
      expect(lease.heldUntil).toBe(stored!.expiresAt.getTime());
      await releaseLease(lease);
    }
  });

  it("when a lapsed lease was taken over and is then renewed and released from here, then the new holder's slot stays as it set it; a lapsed lease not taken over is renewed", async () => {
    const userId = String(new Types.ObjectId());
    const chatId = String(new Types.ObjectId());
    const lapsed = await acquireLease(userId, chatId, new Date(Date.now() - 100_000));
    // Another holder takes the slot over (a lapsed lease is taken by an update on its expiry).
    const taker = await acquireLease(userId, chatId, new Date(Date.now() - 30_000));
    expect(taker!.slot).toBe(lapsed!.slot);
    // Lapsed too, but nobody took it: its own renewal brings it back.
    const stalled = await acquireLease(userId, chatId, new Date(Date.now() - 100_000));
    expect(stalled!.slot).not.toBe(lapsed!.slot);
    const takenUntil = (await Generation.findById(lapsed!.id).lean())!.expiresAt.getTime();
    await renewLeases([lapsed!, stalled!]);
    // Not held from here: the next renewal and the release go by its token, which matches nothing.
    expect(surelyHeld(lapsed!)).toBe(false);
    expect(surelyHeld(stalled!)).toBe(true);
    expect((await Generation.findById(stalled!.id).lean())!.expiresAt.getTime()).toBe(
      stalled!.heldUntil,
    );
    await renewLeases([lapsed!]);
    await releaseLease(lapsed!);
    const after = await Generation.findById(lapsed!.id).lean();
    expect(after!.token).toBe(taker!.token);
    expect(after!.expiresAt.getTime()).toBe(takenUntil);
    await releaseLease(taker!);
    await releaseLease(stalled!);
    expect(await Generation.countDocuments({ userId: new Types.ObjectId(userId) })).toBe(0);
  });

  it('when the lease is surely held, then the final write lands and nothing is reported settled', async () => {
    const reply = await storedReply('streaming', 'so far');
    const stored = await storeReply(
      { ...reply, status: 'complete', content: 'so far and the end' },
      {},
      leaseFor(reply, 60_000),
    );
    // Nothing settled; the chat comes back as stored, for the reply's `done` (without the turns
    // it keeps or its search keys).
    expect(Object.keys(stored).sort()).toEqual(['chat', 'error']);
    expect(stored.error).toBeNull();
    expect(String(stored.chat!._id)).toBe(String(reply.chatId));
    expect(stored.chat).not.toHaveProperty('context');
    expect(stored.chat).not.toHaveProperty('terms');
    const after = await Message.findById(reply._id).lean<MessageDoc>();
    expect(after).toMatchObject({ status: 'complete', content: 'so far and the end', bytes: 18 });
  });

  it('when the lease is no longer surely held and another instance already finished the reply, then the final write changes nothing and the stored version comes back as settled', async () => {
    const reply = await storedReply('incomplete', 'last checkpoint');
    const stored = await storeReply(
      { ...reply, status: 'complete', content: 'a late full text' },
      {},
      leaseFor(reply, 1000),
    );
    expect(stored.error).toBeNull();
    expect(stored.settled).toMatchObject({ status: 'incomplete', content: 'last checkpoint' });
    expect(await Message.findById(reply._id).lean<MessageDoc>()).toMatchObject({
      status: 'incomplete',
      content: 'last checkpoint',
    });
  });

  it('when the final write and the interrupted sweep of a lapsed lease are made together, then they take turns and one of them finishes the reply, whole', async () => {
    const pairs = releaseInPairs([[Message.collection, 'updateOne']], {
      picks: ([, update]) => {
        const status = (update as { $set?: { status?: string } }).$set?.status;
        return status === 'complete' || status === 'incomplete';
      },
    });
    try {
      for (let round = 1; round <= 4; round += 1) {
        const reply = await storedReply('streaming', 'last checkpoint');
        pairs.reset();
        const [stored, swept] = await Promise.all([
          storeReply(
            { ...reply, status: 'complete', content: 'the full text' },
            {},
            leaseFor(reply, 1000),
          ),
          finishInterrupted(reply),
        ]);
        expectTookTurns(pairs, `round ${round}`);
        const after = await Message.findById(reply._id).lean<MessageDoc>();
        // Whichever came first finished it; the other changed nothing and says so.
        if (stored.settled) {
          expect(after, `round ${round}`).toMatchObject({
            status: 'incomplete',
            content: 'last checkpoint',
            error: { code: 'INTERRUPTED' },
          });
          expect(stored.settled.status).toBe('incomplete');
        } else {
          expect(stored.error).toBeNull();
          expect(after, `round ${round}`).toMatchObject({
            status: 'complete',
            content: 'the full text',
            error: null,
          });
        }
        expect(swept.status, `round ${round}`).toBe(after!.status);
      }
    } finally {
      pairs.restore();
    }
  });

  it('when a checkpoint lands after the interrupted sweep read the reply, then the sweep changes nothing; the next look finishes it with the newer text, its size and its search keys', async () => {
    const reply = await storedReply('streaming', 'older words');
    // The writer was slow, not dead: its checkpoint lands between the sweep's read and its write.
    await Message.collection.updateOne(
      { _id: reply._id },
      { $set: { content: 'older words and newer ones' } },
    );
    const stale = await finishInterrupted(reply);
    expect(stale).toMatchObject({ status: 'streaming', content: 'older words and newer ones' });

    const swept = await finishInterrupted(stale);
    const after = await Message.findById(reply._id).lean<MessageDoc>();
    expect(swept.status).toBe('incomplete');
    expect(after).toMatchObject({
      status: 'incomplete',
      content: 'older words and newer ones',
      bytes: Buffer.byteLength('older words and newer ones'),
      error: { code: 'INTERRUPTED' },
    });
    expect(after!.terms).toEqual(['older', 'words', 'and', 'newer', 'ones']);
  });

  it.each([
    ['holds the charge of the call that began it', true],
    ['was itself interrupted (its first call charged in the ledger)', false],
  ])(
    "when a continue's instance dies mid-stream and the answer %s, then the sweep charges what the continue added under the continue's own call",
    async (_label, holdsCharge) => {
      const answer = await storedReply('incomplete', 'begun');
      expect(answer.charge).toBeTruthy();
      if (!holdsCharge)
        await Message.collection.updateOne({ _id: answer._id }, { $unset: { charge: 1 } });
      // What a continue leaves when its instance dies: the answer claimed, with the continue's
      // call and where it began on the lease, then grown by a checkpoint; its lease document gone.
      const callId = new Types.ObjectId();
      await Message.collection.updateOne(
        { _id: answer._id },
        {
          $set: {
            status: 'streaming',
            content: 'begun, and then some more words',
            lease: { slot: 0, token: 'died', callId, from: 'begun'.length },
          },
        },
      );
      const swept = await finishInterrupted(
        (await Message.findById(answer._id).lean<MessageDoc>())!,
      );
      expect(swept).toMatchObject({
        status: 'incomplete',
        content: 'begun, and then some more words',
        error: { code: 'INTERRUPTED' },
      });
      expect(swept.charge).toEqual(holdsCharge ? answer.charge : undefined);
      const entry = await UsageEntry.findById(callId).lean();
      expect(entry).toMatchObject({
        estimated: true,
        chatId: answer.chatId,
        userId: answer.userId,
      });
      // ", and then some more words": a handful of tokens, not the whole answer's.
      expect(entry!.completionTokens).toBeGreaterThan(3);
      expect(entry!.completionTokens).toBeLessThan(10);
      // Nothing under the answer's own id: the call that began it is not charged again.
      expect(await UsageEntry.findById(answer._id).lean()).toBeNull();
    },
  );

  it('when the lease is no longer surely held and the reply was finished elsewhere, then a checkpoint changes nothing; while it is held, a checkpoint lands; one not yet sent when the writer closes is not sent', async () => {
    const finished = await storedReply('incomplete', 'last checkpoint');
    // Started long ago: the checkpoint is due at once.
    let text = 'a late checkpoint';
    const readText = () => text;
    const late = new CheckpointWriter(finished._id, 1000, readText, leaseFor(finished, 1000), {
      startedAt: 0,
    });
    // Closing withdraws a checkpoint not yet sent: this one is let go out first.
    const lateSent = nextMessageUpdate();
    late.grew(text.length);
    await lateSent;
    await late.close();
    expect(await Message.findById(finished._id).lean<MessageDoc>()).toMatchObject({
      status: 'incomplete',
      content: 'last checkpoint',
    });

    const running = await storedReply('streaming', '');
    const writer = new CheckpointWriter(running._id, 1000, readText, leaseFor(running, 60_000), {
      startedAt: 0,
    });
    const sent = nextMessageUpdate();
    text = 'text so far';
    writer.grew(text.length);
    await sent;
    await writer.close();
    expect(await Message.findById(running._id).lean<MessageDoc>()).toMatchObject({
      status: 'streaming',
      content: 'text so far',
    });

    // Closed before its checkpoint went out: the final write that follows carries the text.
    const closing = new CheckpointWriter(running._id, 1000, readText, leaseFor(running, 60_000), {
      startedAt: 0,
    });
    text = 'text so far, and more';
    closing.grew(text.length);
    await closing.close();
    await new Promise((resolve) => setTimeout(resolve, CHECKPOINT_GATHER_MS * 3));
    expect(await Message.findById(running._id).lean<MessageDoc>()).toMatchObject({
      content: 'text so far',
    });
  });
});

describe('the checkpoints of many replies', () => {
  const storedText = async (reply: MessageDoc) =>
    (await Message.findById(reply._id).lean<MessageDoc>())!.content;

  it('when more replies stream than the budget of writes a second, then each is stored less often; one followed from another instance is stored at once', async () => {
    const [first, second, followed] = [
      await storedReply('streaming', ''),
      await storedReply('streaming', ''),
      await storedReply('streaming', ''),
    ];
    const text = 'text so far';
    // Two open writers sharing one write a second: each is due every 2 s, not every 20 ms.
    const sharing = { writesPerSecond: 1, startedAt: Date.now() };
    const a = new CheckpointWriter(first._id, 20, () => text, leaseFor(first, 60_000), sharing);
    const b = new CheckpointWriter(second._id, 20, () => text, leaseFor(second, 60_000), sharing);
    const grewAt = Date.now();
    a.grew(text.length);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await storedText(first)).toBe('');

    // A third writer is followed elsewhere: its reader polls, so the budget does not hold it back.
    const c = new CheckpointWriter(followed._id, 20, () => text, leaseFor(followed, 60_000), {
      ...sharing,
      followedIntervalMs: 20,
    });
    c.followedElsewhere(true);
    const sent = nextMessageUpdate();
    c.grew(text.length);
    await sent;
    expect(await storedText(followed)).toBe(text);

    await expect.poll(() => storedText(first), { timeout: 6000, interval: 100 }).toBe(text);
    // Due 2 s after the start: two writers were open when its wait was set.
    expect(Date.now() - grewAt).toBeGreaterThanOrEqual(1900);
    await Promise.all([a.close(), b.close(), c.close()]);
  });
});

describe('a generation slot given back', () => {
  it('when its lease is surely held, then its slot document is removed (by `_id`)', async () => {
    const reply = await storedReply('complete', 'done');
    const lease = await acquireLease(String(reply.userId), String(reply.chatId));
    expect(lease?.id).toBeDefined();
    expect(await Generation.countDocuments({ _id: lease!.id })).toBe(1);
    await releaseLease(lease!);
    expect(await Generation.countDocuments({ userId: reply.userId })).toBe(0);
  });

  it('when its lease lapsed and another instance took the slot over, then the other instance keeps it', async () => {
    const reply = await storedReply('complete', 'done');
    const lease = await acquireLease(
      String(reply.userId),
      String(reply.chatId),
      new Date(Date.now() - 50_000),
    );
    // The takeover of a lapsed lease: the same document, another instance's token.
    const expiresAt = new Date(Date.now() + 60_000);
    await Generation.updateOne({ _id: lease!.id }, { $set: { token: 'other', expiresAt } });
    await releaseLease(lease!);
    expect(
      await Generation.find({ userId: reply.userId }, { token: 1, slot: 1, _id: 0 }).lean(),
    ).toEqual([{ token: 'other', slot: lease!.slot }]);
  });
});
