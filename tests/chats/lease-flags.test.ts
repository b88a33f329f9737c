import { describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { GenerationFlag } from '../../src/modules/chats/generation/generation-flag.model.js';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import {
  acquireLease,
  flagsHere,
  flagWaitingLease,
  markWaiting,
  releaseLease,
  renewLeases,
  requestStop,
} from '../../src/modules/chats/generation/leases.js';
import { useChatApp } from '../helpers/chat-app.js';
import { expectTookTurns, releaseInPairs } from '../helpers/write-pairs.js';

useChatApp({ GENERATION_LEASE_SECONDS: '60' });

const ROUNDS = 20;

describe('writes to a lease: requests from other instances, and its holder’s own', () => {
  it('when a stop and a request to yield are raised at the moment the holder renews the lease, then all three land', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const userId = String(new Types.ObjectId());
      const lease = (await acquireLease(userId, String(new Types.ObjectId())))!;
      const since = new Date(Date.now() - 1000);
      await markWaiting(lease, since);
      const renewedAt = new Date(Date.now() + 5000);
      const [, stopped, yielded] = await Promise.all([
        renewLeases([lease], renewedAt),
        requestStop(userId),
        flagWaitingLease(userId),
      ]);
      expect(stopped).toEqual([lease.token]);
      expect(yielded).toBe(lease.token);
      const flags = (await flagsHere()).filter((f) => f.token === lease.token);
      expect(flags.map((f) => f.kind).sort()).toEqual(['stop', 'yield']);
      const stored = await Generation.findOne({ token: lease.token }).lean();
      expect(stored!.expiresAt.getTime()).toBe(renewedAt.getTime() + 60_000);
      expect(stored!.waitingSince).toEqual(since);
      await releaseLease(lease);
      await GenerationFlag.deleteMany({ token: lease.token });
    }
  });

  it('when the holder renews its lease at the moment it notes that the reply waits, then both land', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const lease = (await acquireLease(
        String(new Types.ObjectId()),
        String(new Types.ObjectId()),
      ))!;
      const since = new Date(Date.now() - 1000);
      const renewedAt = new Date(Date.now() + 5000);
      await Promise.all([renewLeases([lease], renewedAt), markWaiting(lease, since)]);
      const stored = await Generation.findOne({ token: lease.token }).lean();
      expect(stored!.expiresAt.getTime()).toBe(renewedAt.getTime() + 60_000);
      expect(stored!.waitingSince).toEqual(since);
      await releaseLease(lease);
    }
  });

  it('when a lease was asked to yield already, then the next request finds none to ask, and a repeated stop raises no second flag', async () => {
    const userId = String(new Types.ObjectId());
    const lease = (await acquireLease(userId, String(new Types.ObjectId())))!;
    await markWaiting(lease, new Date());
    expect(await flagWaitingLease(userId)).toBe(lease.token);
    expect(await flagWaitingLease(userId)).toBeNull();
    expect(await requestStop(userId)).toEqual([lease.token]);
    expect(await requestStop(userId)).toEqual([lease.token]);
    expect(await GenerationFlag.countDocuments({ token: lease.token })).toBe(2);
    await releaseLease(lease);
    await GenerationFlag.deleteMany({ token: lease.token });
  });
});

describe('taking over a lapsed slot', () => {
  it('when two sends take over the same lapsed slot at once, then one holds it and the other takes the next slot', async () => {
    // Both takeovers are held until both have been asked for (or 100 ms, when one waits for the
    // other's turn instead), then go out together.
    const pairs = releaseInPairs([[Generation.collection, 'findOneAndUpdate']], {
      picks: ([filter]) => 'expiresAt' in (filter as object),
    });
    try {
      for (let round = 0; round < 5; round += 1) {
        pairs.reset();
        const userId = new Types.ObjectId();
        // Slot 0 is held by a lease whose instance died; slot 1 is free.
        await Generation.collection.insertOne({
          _id: new Types.ObjectId(),
          userId,
          chatId: new Types.ObjectId(),
          slot: 0,
          instanceId: 'gone',
          token: `lapsed-${round}`,
          expiresAt: new Date(Date.now() - 1000),
          waitingSince: null,
        });
        const chatId = String(new Types.ObjectId());
        const leases = await Promise.all([
          acquireLease(String(userId), chatId),
          acquireLease(String(userId), chatId),
        ]);
        expect(leases.map((l) => l?.slot).sort(), `round ${round}`).toEqual([0, 1]);
        // The one that took slot 0 over learnt whose lease it replaced (to finish its reply).
        expect(leases.find((l) => l?.slot === 0)?.tookOver?.token).toBe(`lapsed-${round}`);
        expect(leases.find((l) => l?.slot === 1)?.tookOver).toBeUndefined();
        expectTookTurns(pairs, `round ${round}`);
        const stored = await Generation.find({ userId }).lean();
        expect(stored.map((l) => l.token).sort()).toEqual(leases.map((l) => l!.token).sort());
        await Promise.all(leases.map((l) => releaseLease(l!)));
      }
    } finally {
      pairs.restore();
    }
  });
});
