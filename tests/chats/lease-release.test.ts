import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { config } from '../../src/lib/config.js';
import { releaseLeaseSurely, type Lease } from '../../src/modules/chats/generation/leases.js';

/**
 * The retry schedule of a lease release, with the database operation swapped for a scripted one:
 * an operation that never settles (a pooled connection to a database that vanished without closing
 * it) cannot be produced on demand against a real database on this machine. The release against a
 * real database that stops and comes back is tests/cluster/database-outage.test.ts.
 */
const lease: Lease = { userId: 'u', chatId: 'c', slot: 0, token: 't', heldUntil: 0 };
const never = () => new Promise<void>(() => undefined);
const down = () => Promise.reject(new Error('connect ECONNREFUSED'));

/** A release that answers each call with the next of `outcomes` (the last one repeats). */
function scripted(...outcomes: (() => Promise<void>)[]) {
  const calls: number[] = [];
  const release = vi.fn(() => {
    calls.push(Date.now());
    return outcomes[Math.min(calls.length, outcomes.length) - 1]!();
  });
  return { release, calls };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('releasing a lease while the database is unreachable', () => {
  it('when a retry hangs instead of failing, then another goes out beside it and frees the slot', async () => {
    const { release, calls } = scripted(down, never, () => Promise.resolve());
    await releaseLeaseSurely(lease, release);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toHaveLength(2); // hangs
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toHaveLength(3); // released
    await vi.advanceTimersByTimeAsync(30_000);
    expect(calls).toHaveLength(3);
  });

  it('when the first attempt hangs, then the caller goes on after 5 s and the release goes on behind it', async () => {
    const { release, calls } = scripted(never, () => Promise.resolve());
    let returned = false;
    void releaseLeaseSurely(lease, release).then(() => (returned = true));
    await vi.advanceTimersByTimeAsync(4900);
    expect(returned).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(returned).toBe(true);
    expect(calls).toHaveLength(2);
  });

  it('when the database stays away, then it retries every second until the lease would have lapsed', async () => {
    const { release, calls } = scripted(down);
    await releaseLeaseSurely(lease, release);
    const leaseMs = config().GENERATION_LEASE_SECONDS * 1000;
    await vi.advanceTimersByTimeAsync(leaseMs + 10_000);
    expect(calls.length).toBeGreaterThan(leaseMs / 1000 - 2);
    expect(calls.length).toBeLessThanOrEqual(leaseMs / 1000);
    expect(calls.at(-1)! - calls[0]!).toBeLessThan(leaseMs);
  });
});
