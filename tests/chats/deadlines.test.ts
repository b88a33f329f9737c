import { describe, expect, it, vi } from 'vitest';
import { Deadlines, type Due } from '../../src/lib/deadlines.js';

/** A queued item that records when it was called, against the deadline it was given. */
class Probe implements Due {
  dueAt = 0;
  dueSlot = -1;
  calledAt: number | null = null;
  askedFor: number;

  constructor(
    readonly name: string,
    delayMs: number,
    private readonly calls: string[],
    private readonly fail = false,
  ) {
    this.askedFor = performance.now() + delayMs;
  }

  onDue(): void {
    this.calledAt = performance.now();
    this.calls.push(this.name);
    if (this.fail) throw new Error('a broken callback');
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('many deadlines on one timer', () => {
  it('when a hundred deadlines are queued, then one timer serves them, each is called once, in order and never early', async () => {
    const queue = new Deadlines<Probe>();
    const calls: string[] = [];
    const armed = vi.spyOn(globalThis, 'setTimeout');
    // Scheduled out of order (the first is the earliest): the queue orders them.
    const probes = Array.from({ length: 100 }, (_, i) => {
      const delay = 10 + ((i * 37) % 100);
      const probe = new Probe(String(i), delay, calls);
      queue.schedule(probe, delay);
      return probe;
    });
    const timersArmed = armed.mock.calls.length;
    armed.mockRestore();
    expect(queue.size).toBe(100);
    // One Node timer, armed for the earliest deadline, and none per item.
    expect(timersArmed).toBe(1);

    await sleep(200);
    expect(calls).toHaveLength(100);
    const byDeadline = [...probes].sort((a, b) => a.dueAt - b.dueAt).map((p) => p.name);
    expect(calls).toEqual(byDeadline);
    for (const probe of probes) {
      expect(probe.calledAt).not.toBeNull();
      expect(probe.calledAt!).toBeGreaterThanOrEqual(probe.askedFor - 1);
      expect(queue.isQueued(probe)).toBe(false);
    }
    expect(queue.size).toBe(0);
  });

  it('when deadlines are cancelled or moved, then the cancelled are never called and the moved are called at their new time', async () => {
    const queue = new Deadlines<Probe>();
    const calls: string[] = [];
    const kept = new Probe('kept', 30, calls);
    const cancelled = new Probe('cancelled', 20, calls);
    const later = new Probe('later', 10, calls);
    const sooner = new Probe('sooner', 200, calls);
    for (const [probe, delay] of [
      [kept, 30],
      [cancelled, 20],
      [later, 10],
      [sooner, 200],
    ] as const)
      queue.schedule(probe, delay);

    queue.cancel(cancelled);
    queue.cancel(cancelled);
    queue.schedule(later, 60);
    queue.schedule(sooner, 5);
    expect(queue.size).toBe(3);
    expect(queue.isQueued(cancelled)).toBe(false);

    await sleep(120);
    expect(calls).toEqual(['sooner', 'kept', 'later']);
    expect(cancelled.calledAt).toBeNull();
    expect(later.calledAt! - later.askedFor).toBeGreaterThanOrEqual(49);
  });

  it('when a callback throws, then the deadlines after it are still called', async () => {
    const queue = new Deadlines<Probe>();
    const calls: string[] = [];
    queue.schedule(new Probe('first', 5, calls), 5);
    queue.schedule(new Probe('broken', 6, calls, true), 6);
    queue.schedule(new Probe('last', 7, calls), 7);

    await sleep(60);
    expect(calls).toEqual(['first', 'broken', 'last']);
    expect(queue.size).toBe(0);
  });

  it('when a callback schedules again, then the item comes back at its new deadline', async () => {
    const queue = new Deadlines<Due & { calls: number }>();
    const item = {
      dueAt: 0,
      dueSlot: -1,
      calls: 0,
      onDue() {
        item.calls += 1;
        if (item.calls < 3) queue.schedule(item, 10);
      },
    };
    queue.schedule(item, 10);

    await sleep(150);
    expect(item.calls).toBe(3);
    expect(queue.isQueued(item)).toBe(false);
  });
});
