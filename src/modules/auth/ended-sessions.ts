import { runPeriodically, type PeriodicJob } from '../../lib/periodic.js';
import { Session } from './session.model.js';

/** Revoked sessions are kept a day (a replayed token still meets its session), expired ones not at all. */
const ENDED_SESSION_KEEP_MS = 86_400_000;

/** How often each instance clears ended sessions. */
const SWEEP_EVERY_MS = 10 * 60_000;

/**
 * Removes every ended session: expired, or revoked more than a day ago. MongoDB drops expired
 * sessions itself (TTL index); this bounds the collection where the server has none (FerretDB)
 * and clears the long-revoked ones everywhere. One pass for all users, off the login path: a
 * per-login clean-up cost a command per login and, on FerretDB, a scan of the collection.
 */
export async function sweepEndedSessions(now = Date.now()): Promise<number> {
  const { deletedCount } = await Session.deleteMany({
    $or: [
      { expiresAt: { $lte: new Date(now) } },
      { revokedAt: { $lte: new Date(now - ENDED_SESSION_KEEP_MS) } },
    ],
  });
  return deletedCount;
}

let sweeper: PeriodicJob | undefined;

export function startEndedSessionSweep(): void {
  sweeper ??= runPeriodically('ended-session sweep', SWEEP_EVERY_MS, () => sweepEndedSessions());
}

export function stopEndedSessionSweep(): void {
  sweeper?.stop();
  sweeper = undefined;
}
