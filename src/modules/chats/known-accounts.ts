import type { Account } from '../users/index.js';

/**
 * How long this instance uses an account as a send last read it, for the checks before the model
 * call (its daily budget) instead of reading it again beside them.
 */
export const KNOWN_ACCOUNT_MS = 60_000;

/**
 * Each user's account as this instance last read it for a plain send: under its generation slot
 * (exchange.service.ts storeUnderActiveAccount), or afresh when a budget refused or before a
 * waiting reply is cut. The read under the slot stays the one that decides: every plain send makes
 * it while the model answers, and a budget it finds changed since is checked again before anything
 * of the reply is read. So a user's next sends skip the read beside their limits, one command each.
 */
const known = new Map<string, { account: Account; readAt: number }>();
let sweptAt = 0;

/** The account as last noted, while that read is recent; otherwise undefined. */
export function knownAccount(userId: string, now = Date.now()): Account | undefined {
  const entry = known.get(userId);
  return entry && now - entry.readAt < KNOWN_ACCOUNT_MS ? entry.account : undefined;
}

/**
 * Notes an account read for a send. One that is gone or disabled is forgotten: the next send
 * reads it beside its limits again and is refused before the model call. Entries no longer used
 * are dropped once per interval.
 */
export function noteAccount(userId: string, account: Account | null, now = Date.now()): void {
  if (now - sweptAt >= KNOWN_ACCOUNT_MS) {
    for (const [id, entry] of known) if (now - entry.readAt >= KNOWN_ACCOUNT_MS) known.delete(id);
    sweptAt = now;
  }
  if (!account || account.disabled) known.delete(userId);
  else known.set(userId, { account, readAt: now });
}

/** Forgets every account (tests that change accounts behind the instance's back). */
export function forgetKnownAccounts(): void {
  known.clear();
}
