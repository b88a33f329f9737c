/**
 * Exchanges on their way to their generation: asking for a slot, or holding one and not yet
 * running (reading, storing their messages). Graceful shutdown waits for them as for running
 * replies (registry.ts runningGenerations): a send accepted before the signal runs within the
 * grace period like any other, rather than being cut as its generation starts.
 */

/** Past this an entry is taken for one whose request ended without saying so: not waited for. */
const FORGOTTEN_AFTER_MS = 30_000;

let admitting = 0;
/** By lease token: when its exchange took the slot. */
const admitted = new Map<string, number>();

/** An exchange asks for its slot; call the result once it has one (or was refused). */
export function admissionStarted(): () => void {
  admitting += 1;
  let over = false;
  return () => {
    if (over) return;
    over = true;
    admitting -= 1;
  };
}

/** An exchange holds the slot of `token` and is starting: until its generation runs or gives it back. */
export function startingUnder(token: string): void {
  admitted.set(token, Date.now());
}

/** Its generation runs (registered), or its slot was given back without one. */
export function startedOrGone(token: string): void {
  admitted.delete(token);
}

export function startingCount(now = Date.now()): number {
  for (const [token, at] of admitted) if (now - at > FORGOTTEN_AFTER_MS) admitted.delete(token);
  return admitting + admitted.size;
}
