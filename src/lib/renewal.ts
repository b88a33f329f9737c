import { joinTicks, leaveTicks, type Ticking } from './ticker.js';

/**
 * What is held in the database while work runs (generation leases, idempotency claims, locks)
 * stays held by being renewed: one write for everything held, once per period, on the process's
 * shared ticker. The holders differ only in that write (which documents, pushed back how far) and
 * in what a failed or lost renewal means to them; the rest is kept here once: the set of what is
 * held, joining the ticker with the first and leaving it with the last, and no second write while
 * one is still on its way (a database slow to answer gets one write to answer, not a pile of them).
 */
export class Renewal<T> implements Ticking {
  private readonly held = new Map<string, T>();
  private inFlight: Promise<unknown> | undefined;
  /** The period ridden on the ticker; 0 while nothing is held. */
  private periodMs = 0;

  /**
   * `periodMs`: how often to renew (a function is read at the first add, and again after the last
   * delete). `renew`: the one write for all the values held; it settles its own failures (logs
   * them), as a renewal that failed is simply tried again at the next period.
   */
  constructor(
    private readonly period: number | (() => number),
    private readonly renew: (held: T[]) => Promise<unknown>,
  ) {}

  add(key: string, value: T): void {
    this.held.set(key, value);
    if (this.periodMs) return;
    this.periodMs = typeof this.period === 'number' ? this.period : this.period();
    joinTicks(this.periodMs, this);
  }

  /** No renewal for `key` from the next write on; the last one gone, the ticker is left. */
  delete(key: string): void {
    this.held.delete(key);
    if (this.held.size > 0 || !this.periodMs) return;
    leaveTicks(this.periodMs, this);
    this.periodMs = 0;
  }

  has(key: string): boolean {
    return this.held.has(key);
  }

  get(key: string): T | undefined {
    return this.held.get(key);
  }

  tick(): void {
    if (this.inFlight || this.held.size === 0) return;
    this.inFlight = this.renew([...this.held.values()]).finally(() => {
      this.inFlight = undefined;
    });
  }

  /** Once the write on its way (if any) has landed: what is given back is not renewed after. */
  async settled(): Promise<void> {
    await this.inFlight;
  }
}
