import { config } from '../../../lib/config.js';
import { runPeriodically, type PeriodicJob } from '../../../lib/periodic.js';
import { refuseYield, stopRequestedHere } from './leases.js';

export type AbortKind = 'client' | 'stop' | 'shutdown';

/** The reason a generation was aborted from outside; anything else that ends it is an error. */
export class GenerationAbort extends Error {
  constructor(readonly kind: AbortKind) {
    super(`generation aborted: ${kind}`);
    this.name = 'GenerationAbort';
  }
}

/** In-flight generations of this process, by lease token. */
const running = new Map<string, AbortController>();
/** Those whose reply waits for a reader, and would give its slot up: how to cut each. */
const yielding = new Map<string, () => void>();
/** Generations whose model call has ended and whose last writes are not yet answered. */
let settling = 0;
let poller: PeriodicJob | undefined;

/**
 * One poller per process, running only while something streams here: it reads the leases of this
 * instance flagged by POST /:id/stop (possibly on another instance) and aborts them locally.
 */
function startPoller(): void {
  poller ??= runPeriodically('stop poll', config().STOP_POLL_MS, async () => {
    for (const { token, yieldOnly } of await stopRequestedHere()) {
      if (!yieldOnly) abortGeneration(token, 'stop');
      else if (yielding.has(token)) yielding.get(token)!();
      else await refuseYield(token);
    }
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
  startPoller();
  if (cuttingAll) abortGeneration(token, 'shutdown');
}

/**
 * Its model call is over: a stop or shutdown no longer reaches it. Its last writes (the reply's
 * final state, the ledger, the slot) are still to come, and graceful shutdown waits for them too:
 * call the returned function once they are answered (or failed).
 */
export function unregisterGeneration(token: string): () => void {
  running.delete(token);
  if (running.size === 0) stopPoller();
  settling += 1;
  let done = false;
  return () => {
    if (!done) settling -= 1;
    done = true;
  };
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

/** Ends every generation of this process; each stores its partial answer as incomplete. Graceful shutdown calls it. */
export function abortAllGenerations(): number {
  cuttingAll = true;
  let count = 0;
  for (const token of running.keys()) if (abortGeneration(token, 'shutdown')) count += 1;
  return count;
}

/** What shutdown waits for: the generations reading their model, and those storing what they read. */
export const runningGenerations = () => running.size + settling;
