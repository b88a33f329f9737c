import { logger } from './logger.js';

export interface PeriodicJob {
  stop(): void;
}

/**
 * Background upkeep run every `everyMs` on this instance (sweeps, polls). A pass never overlaps the
 * previous one (a slow pass skips the ticks it spans), a failed pass is logged and the next tick
 * tries again, and the job never keeps the process alive on its own.
 */
export function runPeriodically(
  name: string,
  everyMs: number,
  pass: () => Promise<unknown>,
): PeriodicJob {
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      await pass();
    } catch (error) {
      logger.warn({ err: (error as Error).message }, `${name} failed`);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
