import type { CommandStartedEvent, UpdateFilter } from 'mongodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupedUpdates } from '../../src/lib/db/grouped-updates.js';
import mongoose, { Types } from '../../src/lib/db/mongoose.js';
import { useTestApp } from '../helpers/app.js';
import { monitoredClient, named } from '../helpers/commands.js';

/**
 * Group commit (grouped-updates.ts): updates asked for within its window, or while a batch is in
 * flight, go to the database as one command, and each learns whether it applied.
 */
useTestApp({ DB_COMMAND_METRICS: 'true' });

interface Doc {
  _id: Types.ObjectId;
  n: number | string;
}
const collection = () => mongoose.connection.db!.collection<Doc>('grouped');
let updates: string[] = [];
const record = (c: CommandStartedEvent) => {
  if (c.commandName === 'update') updates.push(named(c));
};
beforeEach(() => {
  updates = [];
  monitoredClient().on('commandStarted', record);
});
afterEach(() => {
  monitoredClient().off('commandStarted', record);
});

async function seeded(count: number): Promise<Types.ObjectId[]> {
  const ids = Array.from({ length: count }, () => new Types.ObjectId());
  await collection().insertMany(ids.map((_id) => ({ _id, n: 0 })));
  return ids;
}

describe('grouped updates', () => {
  it('when 50 updates are asked for at once, then one update command carries them all, and every document holds its value', async () => {
    const ids = await seeded(50);
    const failures: number[] = [];
    const grouped = new GroupedUpdates(collection, (_e, n) => failures.push(n));
    const applied = await Promise.all(
      ids.map((_id, i) => grouped.updateOne(_id, { _id }, { $set: { n: i + 1 } })),
    );
    expect(applied).toEqual(ids.map(() => true));
    expect(failures).toEqual([]);
    expect(updates).toEqual(['update:grouped']);
    const stored = await collection()
      .find({ _id: { $in: ids } })
      .toArray();
    expect(new Map(stored.map((d) => [String(d._id), d.n]))).toEqual(
      new Map(ids.map((id, i) => [String(id), i + 1])),
    );
  });

  it('when updates are asked for while a batch is in flight, then they go out together once it is answered', async () => {
    const ids = await seeded(4);
    const grouped = new GroupedUpdates(collection, () => undefined);
    // These three are asked for as the first batch's command starts: while it is in flight.
    const later = new Promise<Promise<boolean>[]>((resolve) =>
      monitoredClient().once('commandStarted', () =>
        resolve(
          ids.slice(1).map((_id) => grouped.updateOne(_id, { _id }, { $set: { n: 'later' } })),
        ),
      ),
    );
    const first = grouped.updateOne(ids[0], { _id: ids[0] }, { $set: { n: 'first' } });
    expect(await Promise.all([first, ...(await later)])).toEqual([true, true, true, true]);
    expect(updates).toEqual(['update:grouped', 'update:grouped']);
    expect(await collection().countDocuments({ _id: { $in: ids.slice(1) }, n: 'later' })).toBe(3);
  });

  it('when updates are asked for within the window, a turn apart, then one command carries them', async () => {
    const ids = await seeded(3);
    const grouped = new GroupedUpdates(collection, () => undefined, 200);
    const asked: Promise<boolean>[] = [];
    for (const _id of ids) {
      asked.push(grouped.updateOne(_id, { _id }, { $set: { n: 'gathered' } }));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await Promise.all(asked)).toEqual([true, true, true]);
    expect(updates).toEqual(['update:grouped']);
    expect(await collection().countDocuments({ _id: { $in: ids }, n: 'gathered' })).toBe(3);
  });

  it('when an urgent update comes while others wait for the window, then all of them go out at once in one command', async () => {
    const ids = await seeded(2);
    const grouped = new GroupedUpdates(collection, () => undefined, 60_000);
    const started = Date.now();
    const waiting = grouped.updateOne('a', { _id: ids[0] }, { $set: { n: 'waiting' } });
    const urgent = grouped.updateOne(
      'b',
      { _id: ids[1] },
      { $set: { n: 'urgent' } },
      { urgent: true },
    );
    expect(await Promise.all([waiting, urgent])).toEqual([true, true]);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(updates).toEqual(['update:grouped']);
    expect(
      await collection().countDocuments({ _id: { $in: ids }, n: { $in: ['waiting', 'urgent'] } }),
    ).toBe(2);
  });

  it('when a key is updated again before its batch goes out, then only the later update is sent and both learn it applied; a withdrawn one is not sent', async () => {
    const ids = await seeded(2);
    const grouped = new GroupedUpdates(collection, () => undefined, 50);
    const first = grouped.updateOne('a', { _id: ids[0] }, { $set: { n: 'first' } });
    const second = grouped.updateOne('a', { _id: ids[0] }, { $set: { n: 'second' } });
    const withdrawn = grouped.updateOne('b', { _id: ids[1] }, { $set: { n: 'withdrawn' } });
    grouped.withdraw('b');
    expect(await Promise.all([first, second, withdrawn])).toEqual([true, true, false]);
    expect(updates).toEqual(['update:grouped']);
    expect(await collection().findOne({ _id: ids[0] })).toMatchObject({ n: 'second' });
    expect(await collection().findOne({ _id: ids[1] })).toMatchObject({ n: 0 });

    // Withdrawing the only update queued sends nothing at all.
    const alone = grouped.updateOne('c', { _id: ids[1] }, { $set: { n: 'alone' } });
    grouped.withdraw('c');
    expect(await alone).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(updates).toEqual(['update:grouped']);
  });

  it('when one update of a batch fails, then every update of it learns it may not have applied, the failure is reported once, and asked again the valid ones apply', async () => {
    const ids = await seeded(3);
    await collection().updateOne({ _id: ids[1] }, { $set: { n: 'text' } });
    const failures: number[] = [];
    const grouped = new GroupedUpdates(collection, (_e, n) => failures.push(n));
    const setFirst = () => grouped.updateOne(0, { _id: ids[0] }, { $set: { n: 'a' } });
    const setLast = () => grouped.updateOne(2, { _id: ids[2] }, { $set: { n: 'c' } });
    // Incrementing a string is refused by the server for that document (and by the types here).
    const incrementText = { $inc: { n: 5 } } as unknown as UpdateFilter<Doc>;
    const applied = await Promise.all([
      setFirst(),
      grouped.updateOne(1, { _id: ids[1] }, incrementText),
      setLast(),
    ]);
    expect(applied).toEqual([false, false, false]);
    expect(failures).toEqual([3]);
    expect(await Promise.all([setFirst(), setLast()])).toEqual([true, true]);
    expect(failures).toEqual([3]);
    const stored = await collection()
      .find({ _id: { $in: ids } })
      .toArray();
    expect(new Map(stored.map((d) => [String(d._id), d.n]))).toEqual(
      new Map([
        [String(ids[0]), 'a'],
        [String(ids[1]), 'text'],
        [String(ids[2]), 'c'],
      ]),
    );
  });

  it('when the collection cannot be reached, then every update of the batch learns it failed, and the next batch still goes out', async () => {
    const ids = await seeded(1);
    let reachable = false;
    const failures: number[] = [];
    const grouped = new GroupedUpdates(
      () => {
        if (!reachable) throw new Error('no connection yet');
        return collection();
      },
      (_e, n) => failures.push(n),
    );
    const refused = await Promise.all([
      grouped.updateOne('a', { _id: ids[0] }, { $set: { n: 1 } }),
      grouped.updateOne('b', { _id: ids[0] }, { $set: { n: 2 } }),
    ]);
    expect(refused).toEqual([false, false]);
    expect(failures).toEqual([2]);
    reachable = true;
    expect(await grouped.updateOne('a', { _id: ids[0] }, { $set: { n: 3 } })).toBe(true);
    expect(await collection().findOne({ _id: ids[0] })).toMatchObject({ n: 3 });
  });
});
