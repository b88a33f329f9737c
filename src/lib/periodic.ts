import { logger } from './logger.js';

export interface PeriodicJob {
  stop(): void;
}

/** The passes running now, of every job: a shutdown waits for them before closing the database. */
const passesUnderWay = new Set<Promise<void>>();

/** Resolves once every pass running now has ended (each job's stop keeps new ones from starting). */
export async function passesEnded(): Promise<void> {
  await Promise.all([...passesUnderWay]);
}

/**
 * Background upkeep run every `everyMs` on this instance (sweeps, polls). A pass never overlaps the
 * previous one (a slow pass skips the ticks it spans), a failed pass is logged and the next tick
 * tries again, and the job never keeps the process alive on its own.
 *
 * `atStart`: a pass run once right after the start, rather than only a period later (what an
 * instance that stopped left unfinished waits no longer after the restart); not awaited, so the
 * start (and readiness) does not wait for it.
 */
export function runPeriodically(
  name: string,
  everyMs: number,
  pass: () => Promise<unknown>,
  { atStart }: { atStart?: () => Promise<unknown> } = {},
): PeriodicJob {
  let busy = false;
  const tick = async (run: () => Promise<unknown>) => {
    if (busy) return;
    busy = true;
    const running = (async () => {
      try {
        await run();
      } catch (error) {
        logger.warn({ err: (error as Error).message }, `${name} failed`);
      }
    })();
    passesUnderWay.add(running);
    await running;
    passesUnderWay.delete(running);
    busy = false;
  };
  const timer = setInterval(() => void tick(pass), everyMs);
  timer.unref();
  const first = atStart ? setTimeout(() => void tick(atStart), 0).unref() : undefined;
  return {
    stop: () => {
      clearInterval(timer);
      clearTimeout(first);
    },
  };
}
