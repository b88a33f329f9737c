/**
 * Values by key, each recent for `maxAgeMs()` after it was set: what an instance last read of a
 * user, so that its next requests within that time need not read it again. Values that aged out
 * are dropped once per period rather than on every set (that would walk every key each time), so
 * the map holds only recent keys.
 */
export class RecentValues<T> {
  private readonly entries = new Map<string, { value: T; setAt: number }>();
  private prunedAt = 0;

  constructor(private readonly maxAgeMs: () => number) {}

  /** The value while it is recent; otherwise undefined. */
  get(key: string, now = Date.now()): T | undefined {
    const entry = this.entries.get(key);
    return entry && now - entry.setAt < this.maxAgeMs() ? entry.value : undefined;
  }

  set(key: string, value: T, now = Date.now()): void {
    const maxAgeMs = this.maxAgeMs();
    if (now - this.prunedAt >= maxAgeMs) {
      for (const [k, entry] of this.entries)
        if (now - entry.setAt >= maxAgeMs) this.entries.delete(k);
      this.prunedAt = now;
    }
    this.entries.set(key, { value, setAt: now });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
