import type { ProxiedApp } from '../helpers/proxied-app.js';
import { databaseBack, sleep } from '../helpers/proxied-app.js';

const QUIET = new Set(['hello', 'ismaster', 'isMaster', 'ping', 'buildInfo', 'endSessions']);

/** The commands `run` sends (name, collection, nth), rate limit counters left out. */
export async function recordSteps(ctx: ProxiedApp, run: () => Promise<unknown>): Promise<string[]> {
  await databaseBack();
  await sleep(1200);
  ctx.proxy.record(true);
  await run();
  await sleep(300);
  ctx.proxy.record(false);
  const steps: string[] = [];
  const counts = new Map<string, number>();
  for (const c of ctx.proxy.seen.splice(0)) {
    if (QUIET.has(c.name) || c.collection === 'rate_limits') continue;
    const k = `${c.name} ${String(c.collection)}`;
    const n = counts.get(k) ?? 0;
    counts.set(k, n + 1);
    steps.push(`${k}#${n}`);
  }
  return steps;
}

/** Arms a cut of the step's command (after it lands, or before with `before`); `hit()` says whether it fired. */
export function armCut(ctx: ProxiedApp, step: string, before = false) {
  const [what, nth] = step.split('#');
  let left = Number(nth);
  let hit = false;
  let armed = true;
  void ctx.proxy
    .cutReplyTo(
      (c) => {
        if (!armed) return false;
        if (`${c.name} ${String(c.collection)}` !== what) return false;
        return left-- <= 0;
      },
      { before },
    )
    .then(() => (hit = true));
  return { hit: () => hit, disarm: () => (armed = false) };
}
