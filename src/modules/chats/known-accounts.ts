import { RecentValues } from '../../lib/recent-values.js';
import type { Account } from '../users/index.js';

/**
 * How long this instance uses an account as a send last read it, for the checks before the model
 * call (its daily budget) instead of reading it again beside them.
 */
const KNOWN_ACCOUNT_MS = 60_000;

/**
 * Each user's account as this instance last read it for a plain send: under its generation slot
 * (exchange.service.ts storeUnderActiveAccount), or afresh when a budget refused or before a
 * waiting reply is cut. The read under the slot stays the one that decides: every plain send makes
 * it while the model answers, and a budget it finds changed since is checked again before anything
 * of the reply is read. So a user's next sends skip the read beside their limits, one command each.
 */
const known = new RecentValues<Account>(() => KNOWN_ACCOUNT_MS);

/** The account as last noted, while that read is recent; otherwise undefined. */
export const knownAccount = (userId: string): Account | undefined => known.get(userId);

/**
 * Notes an account read for a send. One that is gone or disabled is forgotten: the next send
 * reads it beside its limits again and is refused before the model call.
 */
export function noteAccount(userId: string, account: Account | null): void {
  if (!account || account.disabled) known.delete(userId);
  else known.set(userId, account);
}

/** Forgets every account (tests that change accounts behind the instance's back). */
export const forgetKnownAccounts = (): void => known.clear();
