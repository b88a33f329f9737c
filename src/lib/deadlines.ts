import { logger } from './logger.js';

/** Something a Deadlines queue calls when it is due. */
export interface Due {
  /** Called once the deadline it was given has passed (not before). */
  onDue(): void;
  /**
   * The queue's bookkeeping: its deadline (on `performance.now()`'s clock) and its place in the
   * queue, -1 when it is not queued. Start `dueSlot` at -1; only the queue changes them.
   */
  dueAt: number;
  dueSlot: number;
}

/**
 * Many deadlines on one timer: a binary heap ordered by deadline, and one Node timer for the
 * earliest. Thousands of streaming replies each waiting for their next checkpoint then cost a
 * place in an array, not a timer object, a timers-list node and a closure each, re-created at
 * every wait; an object made for every wait of a long-lived request lives long enough to be
 * promoted to the old generation and dies there, leaving its pages partly empty. The timer is
 * re-armed only when the earliest deadline changes, and its callbacks run in deadline order; one
 * that throws does not stop the others.
 */
export class Deadlines<T extends Due> {
  private readonly heap: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** When the timer fires (`performance.now()`), or Infinity without one. */
  private armedFor = Number.POSITIVE_INFINITY;

  /** Calls `item.onDue()` in `delayMs`; a queued item is moved to its new deadline. */
  schedule(item: T, delayMs: number): void {
    item.dueAt = performance.now() + delayMs;
    if (item.dueSlot < 0) {
      item.dueSlot = this.heap.length;
      this.heap.push(item);
    }
    this.restore(item.dueSlot);
    this.arm();
  }

  /** Takes `item` out of the queue; nothing happens if it is not queued. */
  cancel(item: T): void {
    const slot = item.dueSlot;
    if (slot < 0) return;
    item.dueSlot = -1;
    const last = this.heap.pop()!;
    if (slot < this.heap.length) {
      this.heap[slot] = last;
      last.dueSlot = slot;
      this.restore(slot);
    }
    if (this.heap.length === 0) this.disarm();
  }

  isQueued(item: T): boolean {
    return item.dueSlot >= 0;
  }

  get size(): number {
    return this.heap.length;
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    const now = performance.now();
    for (let first = this.heap[0]; first && first.dueAt <= now; first = this.heap[0]) {
      this.cancel(first);
      try {
        first.onDue();
      } catch (error) {
        logger.error({ err: error }, 'a deadline callback failed');
      }
    }
    this.arm();
  };

  private arm(): void {
    const first = this.heap[0];
    if (!first || first.dueAt >= this.armedFor) return;
    this.disarm();
    this.armedFor = first.dueAt;
    this.timer = setTimeout(this.fire, Math.max(0, first.dueAt - performance.now()));
    // Deadlines never keep the process alive on their own.
    this.timer.unref();
  }

  private disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
  }

  /** Moves the item at `slot` up or down until the heap is ordered again. */
  private restore(slot: number): void {
    const { heap } = this;
    const item = heap[slot]!;
    let at = slot;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (heap[parent]!.dueAt <= item.dueAt) break;
      this.place(heap[parent]!, at);
      at = parent;
    }
    for (;;) {
      const left = 2 * at + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right]!.dueAt < heap[left]!.dueAt ? right : left;
      if (heap[child]!.dueAt >= item.dueAt) break;
      this.place(heap[child]!, at);
      at = child;
    }
    this.place(item, at);
  }

  private place(item: T, slot: number): void {
    this.heap[slot] = item;
    item.dueSlot = slot;
  }
}
