import { logger } from './logger.js';

/**
 * Periodic work shared by many long-lived requests (SSE pings, lease renewals): one interval per
 * period for the whole process instead of one timer per request. Thousands of held streams then
 * cost one entry in a set each, not a timer object, a timers-list node and a closure, and the event
 * loop wakes once per period rather than once per stream.
 *
 * A task joins the next tick of its period, so its first run comes at most one period after it
 * joined (never later), then once per period until it leaves. Every task of a tick runs even if
 * one throws.
 */
export interface Ticking {
  tick(): void;
}

interface Wheel {
  timer: NodeJS.Timeout;
  tasks: Set<Ticking>;
}

const wheels = new Map<number, Wheel>();

const periodOf = (periodMs: number) => Math.max(1, Math.round(periodMs));

function turn(period: number): void {
  const wheel = wheels.get(period);
  if (!wheel) return;
  for (const task of wheel.tasks) {
    try {
      task.tick();
    } catch (error) {
      // A broken task must not starve the others (or stop the wheel).
      logger.error({ err: error }, 'periodic task failed');
    }
  }
}

/** Runs `task.tick()` every `periodMs`, on the process-wide wheel of that period, until it leaves. */
export function joinTicks(periodMs: number, task: Ticking): void {
  const period = periodOf(periodMs);
  let wheel = wheels.get(period);
  if (!wheel) {
    const timer = setInterval(turn, period, period);
    // Periodic upkeep never keeps the process alive on its own.
    timer.unref();
    wheel = { timer, tasks: new Set() };
    wheels.set(period, wheel);
  }
  wheel.tasks.add(task);
}

/** Stops ticking `task`; the wheel's interval goes with its last task. Safe to call twice. */
export function leaveTicks(periodMs: number, task: Ticking): void {
  const period = periodOf(periodMs);
  const wheel = wheels.get(period);
  if (!wheel?.tasks.delete(task) || wheel.tasks.size > 0) return;
  clearInterval(wheel.timer);
  wheels.delete(period);
}

/** How many intervals the wheels hold and how many tasks ride on them (tests, diagnostics). */
export function tickerLoad(): { intervals: number; tasks: number } {
  let tasks = 0;
  for (const wheel of wheels.values()) tasks += wheel.tasks.size;
  return { intervals: wheels.size, tasks };
}
