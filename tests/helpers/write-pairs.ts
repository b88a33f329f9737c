import { expect, vi } from 'vitest';
import { serverLosesConcurrentUpdates } from '../../src/lib/db/connection.js';

export interface PairOptions {
  /** Which calls are held, by their arguments and method (default: all of them). */
  picks?: (args: unknown[], method: string) => boolean;
  /** Called when a call is held alone, waiting for its partner: the test starts the other write. */
  whenHeldAlone?: () => void;
  /** How long a call held alone waits for a partner (the partner may be waiting for its turn). */
  aloneMs?: number;
}

/**
 * Two updates of one document that reach the embedded FerretDB together can lose one: it runs
 * each as a read and then a write. This holds the calls of collection methods that `picks`
 * selects until two are held (or `aloneMs` has passed), then lets them go together, and counts
 * how many were in flight at once. A test asserts the count (1 when the writes take turns:
 * deterministic) as well as what the database holds afterwards (what a lost update would show).
 */
export function releaseInPairs(methods: [object, string][], options: PairOptions = {}) {
  const { picks = () => true, whenHeldAlone, aloneMs = 100 } = options;
  let held: (() => void)[] = [];
  let inFlight = 0;
  let most = 0;
  const spies = methods.map(([target, name]) => {
    const object = target as Record<string, (...args: unknown[]) => unknown>;
    const original = object[name]!.bind(target);
    return vi.spyOn(object, name).mockImplementation((...args: unknown[]) => {
      if (!picks(args, name)) return original(...args);
      inFlight += 1;
      most = Math.max(most, inFlight);
      const gate = new Promise<void>((resolve) => {
        held.push(resolve);
        if (held.length === 2) held.forEach((release) => release());
        else {
          setTimeout(resolve, aloneMs);
          whenHeldAlone?.();
        }
      });
      return gate
        .then(() => original(...args))
        .finally(() => {
          inFlight -= 1;
        });
    });
  });
  return {
    /** Starts a new pair and a new count (between rounds). */
    reset() {
      held = [];
      most = inFlight;
    },
    /** How many held calls were in flight at once, at most, since the last reset. */
    get mostAtOnce() {
      return most;
    },
    restore() {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

/**
 * Where the server can lose one of two concurrent updates, the held writes took turns (one in
 * flight at a time). Elsewhere they may go at once, the server's updates being atomic: there what
 * the database holds afterwards is the whole check.
 */
export function expectTookTurns(pairs: { mostAtOnce: number }, label: string): void {
  if (serverLosesConcurrentUpdates()) expect(pairs.mostAtOnce, `${label}: writes at once`).toBe(1);
}
