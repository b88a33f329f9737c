import { forgetRateLimitsOf } from '../../lib/rate-limit/mongo-store.js';
import { retryInBackground } from '../../lib/background-retry.js';
import { logger } from '../../lib/logger.js';
import { runPeriodically, type PeriodicJob } from '../../lib/periodic.js';
import { deleteAccountDocument } from './accounts.js';
import { forgetLoginNetworks } from './login-networks.js';
import { runUserHooks } from './user-hooks.js';
import { User, type UserDoc } from './user.model.js';

type Deleted = Pick<UserDoc, '_id' | 'email'>;

/** How often the request's instance tries again a deletion it could not finish, and how long. */
const RETRY_MS = 1000;
const RETRY_FOR_MS = 60_000;

/** How often each instance finishes the deletions left unfinished (see sweepUnfinishedDeletions). */
const SWEEP_EVERY_MS = 60_000;

/**
 * The steps of a committed deletion (see UserHooks), each of which may run again: a retry after a
 * failure takes the account from its first step, finding done what was done.
 */
export async function finishDeletion(account: Deleted): Promise<void> {
  const userId = String(account._id);
  await runUserHooks('lockOut', userId);
  await runUserHooks('removeData', userId);
  await forgetLoginNetworks(userId);
  await deleteAccountDocument(account._id);
  await runUserHooks('sweep', userId);
  // Rate-limit counters name the account by id (messages, searches, chat writes) or by email
  // (failed password checks): they go with it rather than lasting until their window ends.
  await forgetRateLimitsOf([userId, account.email]);
}

/**
 * A committed deletion that failed (the database went away): its owner's sessions may have ended
 * already, so they could not ask again. This instance tries every second for a minute, then
 * leaves it to the sweep, which any instance runs.
 */
export function finishInBackground(account: Deleted): void {
  retryInBackground(() => finishDeletion(account), {
    everyMs: RETRY_MS,
    forMs: RETRY_FOR_MS,
    succeeded: () => logger.info({ userId: String(account._id) }, 'account deletion finished'),
    gaveUp: (error) =>
      logger.warn(
        { userId: String(account._id), err: (error as Error).message },
        'account deletion not finished yet; left to the sweep',
      ),
  });
}

/**
 * Finishes the deletions committed more than a minute ago (`olderThanMs`) and not finished since
 * (their instance stopped, or the database stayed away longer than its retries); younger ones are
 * left to their own request or its retries. Returns how many were finished.
 */
export async function sweepUnfinishedDeletions(
  now = Date.now(),
  olderThanMs = RETRY_FOR_MS,
): Promise<number> {
  const unfinished = await User.find(
    { deletionCommittedAt: { $lte: new Date(now - olderThanMs) } },
    { email: 1 },
  ).lean<Deleted[]>();
  let finished = 0;
  for (const account of unfinished) {
    try {
      await finishDeletion(account);
      finished += 1;
    } catch (error) {
      logger.warn(
        { userId: String(account._id), err: (error as Error).message },
        'account deletion not finished yet',
      );
    }
  }
  return finished;
}

let sweeper: PeriodicJob | undefined;

/**
 * Each minute, and once right after the start, taking the young ones too, as the chat deletions'
 * sweep does (chats/chat-deletion.ts): a deletion its instance left when it stopped is finished
 * by the restarted one at once.
 */
export function startUnfinishedDeletionSweep(): void {
  sweeper ??= runPeriodically(
    'unfinished-deletion sweep',
    SWEEP_EVERY_MS,
    () => sweepUnfinishedDeletions(),
    { atStart: () => sweepUnfinishedDeletions(Date.now(), 0) },
  );
}

export function stopUnfinishedDeletionSweep(): void {
  sweeper?.stop();
  sweeper = undefined;
}
