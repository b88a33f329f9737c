import { config } from '../../../lib/config.js';
import { runPeriodically, type PeriodicJob } from '../../../lib/periodic.js';
import { dropFlags, flagOutlived, flagsHere, refuseYield } from './leases.js';
import { startedOrGone, startingCount } from './starting.js';

/**
 * Why a generation was cut from outside (the reply's `stopReason`): its readers left and none came
 * back in time (`detached`), a new message of its user needed its slot (`superseded`), a stop was
 * asked for (`stop`: the stop route, or the account disabled), or the server is shutting down.
 */
export const ABORT_KINDS = ['stop', 'detached', 'superseded', 'shutdown'] as const;
export type AbortKind = (typeof ABORT_KINDS)[number];

/** The reason a generation was aborted from outside; anything else that ends it is an error. */
export class GenerationAbort extends Error {
  constructor(readonly kind: AbortKind) {
    super(`generation aborted: ${kind}`);
    this.name = 'GenerationAbort';
  }
}

/**
 * The reason a generation was cut because its lease is gone: it lapsed while this process did not
 * renew it (stalled), and another instance's interrupted sweep, or a new send of its user, took
 * it. Its reply counts as interrupted, as the sweep finishes one whose instance died.
 */
export class LeaseLost extends Error {
  constructor() {
    super('generation interrupted: its lease was taken');
    this.name = 'LeaseLost';
  }
}

/** In-flight generations of this process, by lease token. */
const running = new Map<string, AbortController>();
/** Those whose reply waits for a reader, and would give its slot up: how to cut each. */
const yielding = new Map<string, () => void>();
/**
 * Generations whose model call has ended and whose last writes (the slot's release the last) are
 * not yet answered, by user: each settles once they are (see slotsGivenBack).
 */
const givingBack = new Map<string, Set<Promise<void>>>();
let poller: PeriodicJob | undefined;

/**
 * One poller per process, running only while something streams here: it reads the flags raised
 * for this instance's leases (POST /:id/stop, or a send that needs a waiting reply's slot,
 * possibly on another instance) and acts on them here. A stop outranks a request to yield.
 */
function startPoller(): void {
  poller ??= runPeriodically('stop poll', config().STOP_POLL_MS, async () => {
    const flags = await flagsHere();
    if (flags.length === 0) return;
    const stopping = new Set(flags.filter((f) => f.kind === 'stop').map((f) => f.token));
    const done: string[] = [];
    for (const flag of flags) {
      if (flag.kind === 'stop') {
        // One not running (yet) here keeps its flag a while: it may be about to register.
        if (running.has(flag.token) || flagOutlived(flag)) done.push(flag._id);
        abortGeneration(flag.token, 'stop');
        continue;
      }
      // A yield for a reply being stopped anyway is only dropped.
      if (!stopping.has(flag.token)) {
        if (yielding.has(flag.token)) yielding.get(flag.token)!();
        else await refuseYield(flag.token);
      }
      done.push(flag._id);
    }
    if (done.length > 0) await dropFlags(done);
  });
}

export function stopPoller(): void {
  poller?.stop();
  poller = undefined;
}

/** Set once shutdown has cut the running generations: any that start later are cut as they start. */
let cuttingAll = false;

export function registerGeneration(token: string, controller: AbortController): void {
  running.set(token, controller);
  startedOrGone(token);
  startPoller();
  if (cuttingAll) abortGeneration(token, 'shutdown');
}

/**
 * Its model call is over: a stop or shutdown no longer reaches it. Its last writes (the reply's
 * final state, the ledger, the slot) are still to come, and graceful shutdown waits for them too:
 * call the returned function once they are answered (or failed).
 */
export function unregisterGeneration(token: string, userId: string): () => void {
  running.delete(token);
  if (running.size === 0) stopPoller();
  let givenBack!: () => void;
  const giving = new Promise<void>((resolve) => (givenBack = resolve));
  const ofUser = givingBack.get(userId) ?? new Set();
  givingBack.set(userId, ofUser.add(giving));
  // Called once or more: only the first finds it in the set.
  return () => {
    if (!ofUser.delete(giving)) return;
    if (ofUser.size === 0 && givingBack.get(userId) === ofUser) givingBack.delete(userId);
    givenBack();
  };
}

/**
 * Waits, at most `withinMs`, for the user's generations of this process whose model call is over
 * and whose slot is still to come back (a client that just left a /v1 stream: its reply's last
 * writes take a few milliseconds); false at once when there is none.
 */
export async function slotsGivenBack(userId: string, withinMs: number): Promise<boolean> {
  const pending = givingBack.get(userId);
  if (!pending) return false;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(pending),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, withinMs))),
  ]);
  clearTimeout(timer);
  return true;
}

/**
 * Offers a waiting reply's slot to a new send of its user on another instance (reply-detach.ts):
 * a request to yield it is honoured by `cut` while the offer stands, and turned down otherwise.
 */
export function offerToYield(token: string, cut: () => void): void {
  yielding.set(token, cut);
}

export function withdrawYieldOffer(token: string): void {
  yielding.delete(token);
}

export function abortGeneration(token: string, kind: AbortKind): boolean {
  const controller = running.get(token);
  if (!controller || controller.signal.aborted) return false;
  controller.abort(new GenerationAbort(kind));
  return true;
}

/**
 * Cuts a generation whose lease was taken (LeaseLost): it holds none of its user's slots, so it
 * may not go on beside the ones that do.
 */
export function interruptGeneration(token: string): boolean {
  const controller = running.get(token);
  if (!controller || controller.signal.aborted) return false;
  controller.abort(new LeaseLost());
  return true;
}

/** Ends every generation of this process; each stores its partial answer as incomplete. Graceful shutdown calls it. */
export function abortAllGenerations(): number {
  cuttingAll = true;
  let count = 0;
  for (const token of running.keys()) if (abortGeneration(token, 'shutdown')) count += 1;
  return count;
}

/**
 * What shutdown waits for: the generations reading their model, those storing what they read,
 * and the exchanges on their way to one (starting.ts).
 */
export const runningGenerations = () => {
  let settling = 0;
  for (const ofUser of givingBack.values()) settling += ofUser.size;
  return running.size + settling + startingCount();
};
