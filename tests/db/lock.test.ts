import { describe, expect, it } from 'vitest';
import { Lock, withLock } from '../../src/lib/db/lock.js';
import { useTestApp } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';

/**
 * The named lock every instance shares (lock.ts): administrators' role and disabled changes and
 * the start of an account's deletion run under one. Its lease is short here (`ttlMs`), so a test
 * sees what a holder slower than the lease would meet without waiting for the default one.
 */
useTestApp();

const TTL_MS = 1_000;

/** A promise and the function that settles it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('a named lock held past its lease', () => {
  it('when the work under a lock outlasts its lease, then the lease is renewed while it runs: a second holder waits for it instead of entering, and enters once it ends', async () => {
    const name = 'test:outlasting';
    const entered: string[] = [];
    const firstIn = gate();
    const firstDone = gate();
    const first = withLock(
      name,
      async () => {
        entered.push('first');
        firstIn.open();
        await firstDone.opened;
        entered.push('first ends');
      },
      { ttlMs: TTL_MS },
    );
    await firstIn.opened;
    const taken = await Lock.findById(name).lean();
    const second = withLock(name, () => Promise.resolve(void entered.push('second')), {
      ttlMs: TTL_MS,
      waitMs: 30_000,
    });
    // Well past two of its leases, the lock is still the first holder's, pushed back as it ran.
    const held = await eventually(
      () => Lock.findById(name).lean(),
      (lock) =>
        lock?.holder !== taken!.holder ||
        lock.expiresAt.getTime() > taken!.expiresAt.getTime() + 2 * TTL_MS,
      10_000,
    );
    expect(held?.holder).toBe(taken!.holder);
    expect(entered).toEqual(['first']);
    firstDone.open();
    await Promise.all([first, second]);
    expect(entered).toEqual(['first', 'first ends', 'second']);
    expect(await Lock.findById(name).lean()).toBeNull();
  });

  it('when a holder died with the lock (it is no longer renewed), then the next one enters once its lease has lapsed', async () => {
    const name = 'test:lapsed';
    await Lock.create({ _id: name, holder: 'gone', expiresAt: new Date(Date.now() - 1) });
    expect(await withLock(name, () => Promise.resolve('entered'), { ttlMs: TTL_MS })).toBe(
      'entered',
    );
    expect(await Lock.findById(name).lean()).toBeNull();
  });
});
