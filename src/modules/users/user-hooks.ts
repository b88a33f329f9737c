import type { Credential } from '../../lib/http/request-auth.js';

/**
 * What other modules do when an account changes, so the users module needs none of them: each
 * module that keeps something per user subscribes (auth its sessions, chats the user's chats).
 * Deleting an account runs three steps in this order, each across every subscriber; when one
 * fails, all of them run again from the first (unfinished-deletions.ts), so each finds done what
 * was done.
 */
export interface UserHooks {
  /**
   * The password is changing: every session of the user but the one changing it must end. Run
   * before the new password is stored, so a request that reads the new one (a key stamped with
   * it) started after those sessions ended and finds its own session ended when it checks again;
   * and again after, for a login with the old password that made its session in between (its
   * check of the password it logged in with still read the old one).
   */
  passwordChanged?: (userId: string, keptSessionId: string) => Promise<void>;
  /**
   * The password was changed from this session, which goes on: its refresh token is replaced, so
   * a copy of the old one (taken before the change, the reason for it) no longer refreshes. The
   * module that keeps sessions answers with the new token, for the caller's cookie.
   */
  sessionRenewed?: (userId: string, sessionId: string) => Promise<RenewedRefresh | undefined>;
  /** Deletion, step 1, before anything is removed: end every way in, so nothing new gets written. */
  lockOut?: (userId: string) => Promise<void>;
  /**
   * Deletion, step 2 (the "user deleted" hook): remove what the module stores for the user. The
   * account still exists meanwhile, so a failure leaves one to finish the deletion on, never orphans.
   */
  removeData?: (userId: string) => Promise<void>;
  /** Deletion, step 3, once the user document is gone: sweep up what raced it (a login finishing). */
  sweep?: (userId: string) => Promise<void>;
  /**
   * An administrator disabled the account (it is stored as disabled already): end every way in that
   * is open now (sessions, running replies), but keep what the account owns; it may be enabled again.
   */
  disabled?: (userId: string) => Promise<void>;
  /**
   * An administrator signed the account out everywhere (a leaked password or key): end its
   * sessions, revoke its API keys and stop its running replies. The account and what it owns stay.
   */
  signedOut?: (userId: string) => Promise<void>;
  /**
   * Sign-out everywhere, step 2, once every `signedOut` hook has run (the sessions have ended):
   * sweep up what raced it (a key made by a request that passed its session check just before).
   */
  afterSignedOut?: (userId: string) => Promise<void>;
  /**
   * Some of the account's ways in ended while the account goes on: a session (a logout, a replayed
   * refresh token, the session cap) or an API key (deleted). What they started ends with them (the
   * replies they asked for); the rest of the account's work goes on.
   */
  credentialsEnded?: (userId: string, credentials: Credential[]) => Promise<void>;
  /**
   * An active administrator gave up the role to delete their account (stored as a user already,
   * under the accounts lock): a change of role operators see in the audit.
   */
  leftAdministrators?: (userId: string) => Promise<void>;
}

/** A session's new refresh token and when the session ends. */
export interface RenewedRefresh {
  token: string;
  expiresAt: Date;
}

const subscribers = new Map<string, UserHooks>();

/** Subscribes a module (by name, so subscribing twice replaces rather than doubles). */
export function subscribeToUsers(module: string, hooks: UserHooks): void {
  subscribers.set(module, hooks);
}

/** The hooks that close a module's ways in: every module's run at once (see runUserHooks). */
const CLOSING_HOOKS: ReadonlySet<keyof UserHooks> = new Set(['lockOut', 'disabled', 'signedOut']);

/**
 * Runs one hook of every subscriber, one after another in subscription order; the hooks that
 * close ways in all at once, so a module that waits (chats, until the user's replies have ended)
 * does not keep the others' open meanwhile (sessions, API keys), whatever order the modules were
 * loaded in. Those fail, if one does, once all of them have run.
 */
export async function runUserHooks<K extends keyof UserHooks>(
  name: K,
  ...args: Parameters<NonNullable<UserHooks[K]>>
): Promise<void> {
  const hooks: ((...a: typeof args) => Promise<void>)[] = [];
  for (const subscriber of subscribers.values()) {
    const hook = subscriber[name] as ((...a: typeof args) => Promise<void>) | undefined;
    if (hook) hooks.push(hook);
  }
  if (!CLOSING_HOOKS.has(name)) {
    for (const hook of hooks) await hook(...args);
    return;
  }
  const results = await Promise.allSettled(hooks.map((hook) => hook(...args)));
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}

/** The renewed refresh token of a session, from the module that keeps sessions (if any). */
export async function renewSession(
  userId: string,
  sessionId: string,
): Promise<RenewedRefresh | undefined> {
  for (const subscriber of subscribers.values()) {
    const renewed = await subscriber.sessionRenewed?.(userId, sessionId);
    if (renewed) return renewed;
  }
  return undefined;
}
