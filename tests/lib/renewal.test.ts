import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Renewal } from '../../src/lib/renewal.js';

/** A period no other task of the process rides, so the wheel (a fake interval) is this test's. */
const PERIOD_MS = 4321;

/** A renewal whose writes are logged and settle only when the test says so. */
function loggedRenewal(period: number | (() => number) = PERIOD_MS) {
  const writes: number[][] = [];
  const landings: (() => void)[] = [];
  const renewal = new Renewal<number>(period, (held) => {
    writes.push(held);
    return new Promise<void>((resolve) => landings.push(resolve));
  });
  const landAll = () => landings.splice(0).forEach((land) => land());
  return { renewal, writes, landAll };
}

describe('renewing what is held, on the shared ticker', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('when the first value is added, then the ticker is joined, and once the last is deleted it is left', async () => {
    const { renewal, writes, landAll } = loggedRenewal();
    expect(vi.getTimerCount()).toBe(0);
    renewal.add('a', 1);
    renewal.add('b', 2);
    expect(vi.getTimerCount()).toBe(1);
    expect(renewal.has('a')).toBe(true);
    expect(renewal.get('b')).toBe(2);

    await vi.advanceTimersByTimeAsync(PERIOD_MS);
    // One write for all the values held.
    expect(writes).toEqual([[1, 2]]);
    landAll();

    renewal.delete('a');
    expect(renewal.has('a')).toBe(false);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(PERIOD_MS);
    expect(writes).toEqual([[1, 2], [2]]);
    landAll();

    renewal.delete('b');
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(3 * PERIOD_MS);
    expect(writes).toHaveLength(2);
    // Deleting what is no longer held (twice) is harmless.
    renewal.delete('b');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('when a write is still on its way at the next period, then no second one starts until it lands', async () => {
    const { renewal, writes, landAll } = loggedRenewal();
    renewal.add('a', 1);
    await vi.advanceTimersByTimeAsync(PERIOD_MS);
    expect(writes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(3 * PERIOD_MS);
    expect(writes).toHaveLength(1);

    landAll();
    await vi.advanceTimersByTimeAsync(PERIOD_MS);
    expect(writes).toHaveLength(2);
    landAll();
    renewal.delete('a');
  });

  it('when the holder awaits settled, then it resolves once the write on its way has landed (at once with none)', async () => {
    const { renewal, landAll } = loggedRenewal();
    let settled = false;
    await renewal.settled();

    renewal.add('a', 1);
    await vi.advanceTimersByTimeAsync(PERIOD_MS);
    renewal.delete('a');
    const waiting = renewal.settled().then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false);

    landAll();
    await waiting;
    expect(settled).toBe(true);
  });

  it('when the period is a function, then it is read at the first add, and again after the last delete', async () => {
    let period = PERIOD_MS;
    const read = vi.fn(() => period);
    const { renewal, writes, landAll } = loggedRenewal(read);
    renewal.add('a', 1);
    renewal.add('b', 2);
    expect(read).toHaveBeenCalledTimes(1);
    renewal.delete('a');
    renewal.delete('b');

    period = PERIOD_MS + 1;
    renewal.add('c', 3);
    expect(read).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(PERIOD_MS);
    expect(writes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(writes).toEqual([[3]]);
    landAll();
    renewal.delete('c');
    expect(vi.getTimerCount()).toBe(0);
  });
});
