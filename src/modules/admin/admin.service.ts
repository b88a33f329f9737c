import { withLock } from '../../lib/db/lock.js';
import { AppError, notFound } from '../../lib/errors.js';
import { decodeCursor, encodeCursor } from '../../lib/http/cursor.js';
import type { ObjectIdString } from '../../lib/http/ids.js';
import type { Page } from '../../lib/http/pagination.js';
import { logger } from '../../lib/logger.js';
import * as users from '../users/index.js';
import type { Account, AccountFields, Role } from '../users/index.js';
import {
  budgetJson,
  dayOf,
  effectiveLimit,
  serviceBudgetOf,
  totalsByUser,
  usageReportByUser,
  type Budget,
  type TokenTotals,
  type UsageReport,
  type UserTotals,
} from '../usage/index.js';
import { USAGE_REPORT_USERS } from './admin.schemas.js';
import { recordAudit, withdrawAudit } from './audit.service.js';

export interface AdminUserJson {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  tokenBudgetPerDay: number | null;
  createdAt: string;
  usageToday: TokenTotals;
  budget: Budget;
}

const NO_USAGE: TokenTotals = {
  promptTokens: 0,
  completionTokens: 0,
  totalTokens: 0,
  calls: 0,
  estimatedCalls: 0,
};

async function withUsage(accounts: Account[], now = new Date()): Promise<AdminUserJson[]> {
  const today = await totalsByUser(
    accounts.map((a) => a._id),
    dayOf(now),
  );
  return accounts.map((a) => {
    const usageToday = today.get(String(a._id)) ?? NO_USAGE;
    return {
      id: String(a._id),
      email: a.email,
      name: a.name,
      role: a.role ?? 'user',
      disabled: a.disabled ?? false,
      tokenBudgetPerDay: a.tokenBudgetPerDay ?? null,
      createdAt: a.createdAt.toISOString(),
      usageToday,
      budget: budgetJson(effectiveLimit(a.tokenBudgetPerDay), usageToday.totalTokens, now),
    };
  });
}

/** Newest accounts first; `q` matches email or name, case-insensitively. */
export async function listUsers(options: {
  q?: string;
  role?: Role;
  disabled?: boolean;
  limit: number;
  cursor?: string;
}): Promise<Page<AdminUserJson>> {
  const { limit, cursor, ...filters } = options;
  // A cursor goes on only with the query it was made in (cursor.ts): another filter's position
  // would answer a page that skips accounts.
  const scope = [filters.q ?? null, filters.role ?? null, filters.disabled ?? null];
  const beforeId = cursor ? decodeCursor(cursor, 'users', { i: 'id' }, scope).i : undefined;
  const rows = await users.listAccounts({ ...filters, beforeId, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: await withUsage(page),
    nextCursor:
      rows.length > limit && last ? encodeCursor('users', { i: String(last._id) }, scope) : null,
  };
}

async function findAccount(id: ObjectIdString): Promise<Account> {
  const account = await users.findAccount(id);
  if (!account) throw notFound('User');
  return account;
}

export async function getUser(id: ObjectIdString): Promise<AdminUserJson> {
  const [json] = await withUsage([await findAccount(id)]);
  return json!;
}

/**
 * Ends every way into an account (a leaked password or key): its sessions, its API keys and its
 * running replies, on every instance; the account stays enabled. Recorded in the audit first: an
 * entry that cannot be written refuses the sign-out before anything ends. One that fails midway
 * keeps its entry (some of it may have ended), and its retry adds another.
 */
export async function signOutUser(actorId: string, targetId: ObjectIdString): Promise<void> {
  const target = await findAccount(targetId);
  await recordAudit({
    actorKind: 'admin',
    actorId,
    action: 'user.signOut',
    targetId: target._id,
    before: {},
    after: {},
  });
  await users.signOutEverywhere(String(target._id));
  logger.info({ actorId, targetId }, 'account signed out everywhere by an administrator');
}

const isActiveAdmin = (a: Pick<Account, 'role' | 'disabled'>) => a.role === 'admin' && !a.disabled;

export async function updateUser(
  actorId: string,
  targetId: ObjectIdString,
  changes: AccountFields,
): Promise<AdminUserJson> {
  await findAccount(targetId);
  await withLock(users.ACCOUNTS_LOCK, async () => {
    const before = await findAccount(targetId);
    const current: Required<AccountFields> = {
      role: before.role ?? 'user',
      disabled: before.disabled ?? false,
      tokenBudgetPerDay: before.tokenBudgetPerDay ?? null,
    };
    const next = { ...current, ...changes };
    // Its owner is deleting it: an administrator counting on it would be left without one.
    if (!isActiveAdmin(current) && isActiveAdmin(next) && users.isBeingDeleted(before))
      throw users.accountBeingDeleted();
    if (
      isActiveAdmin(current) &&
      !isActiveAdmin(next) &&
      (await users.countActiveAdmins(before._id)) === 0
    )
      throw new AppError(
        'LAST_ADMIN',
        'This is the last active administrator; promote another one first',
      );
    const keys = (Object.keys(changes) as (keyof AccountFields)[]).filter(
      (k) => next[k] !== current[k],
    );
    if (keys.length === 0) {
      // Disabled already: a change whose ending failed (the flag stored, a session left open) is
      // mended by asking for it again, still under the lock (see below).
      if (changes.disabled === true) await users.endAccessOf(targetId);
      return;
    }
    const pick = (from: Required<AccountFields>) =>
      Object.fromEntries(keys.map((k) => [k, from[k]])) as AccountFields;
    // The entry first: a change is never stored without it (an audit that cannot be written
    // refuses the change, and its retry makes it); a change that then fails takes it back.
    const entry = await recordAudit({
      actorKind: 'admin',
      actorId,
      action: 'user.update',
      targetId: before._id,
      before: pick(current),
      after: pick(next),
    });
    try {
      await users.setAccountFields(before._id, pick(next));
    } catch (error) {
      await withdrawAudit(entry);
      throw error;
    }
    // After the flag is stored: a reply that takes its slot later is refused under the slot (the
    // budget check reads the flag), one that took it earlier is found here and stopped; a login
    // that stores its session later reads the flag again and is refused. Under the lock: an
    // enabling (which takes it too) cannot come in between, so what ends here is only what the
    // disabled account opened, never a session or reply of the user after it is enabled again.
    if (changes.disabled === true) await users.endAccessOf(targetId);
    logger.info(
      { actorId, targetId, before: pick(current), after: pick(next) },
      'account changed by an administrator',
    );
  });
  return getUser(targetId);
}

export interface AdminUsageReport extends UsageReport {
  byUser: (UserTotals & { email: string | null })[];
  /** SERVICE_TOKEN_BUDGET_PER_DAY and today's total of all users (not of the report's range). */
  serviceBudget: Budget;
}

/**
 * The usage report of the days `from`..`to` (one user's with `userId`), with the users who used
 * the most tokens in them and their emails: a deleted account has none (its calls, summed as one,
 * name no user).
 */
export async function usageReport(
  from: string,
  to: string,
  userId?: string,
): Promise<AdminUsageReport> {
  const [report, serviceBudget] = await Promise.all([
    usageReportByUser(from, to, userId),
    serviceBudgetOf(),
  ]);
  const top = report.byUser.slice(0, USAGE_REPORT_USERS);
  const emails = await users.emailsOf(top.flatMap((u) => (u.userId ? [u.userId] : [])));
  return {
    ...report,
    byUser: top.map((u) => ({ ...u, email: u.userId ? (emails.get(u.userId) ?? null) : null })),
    serviceBudget,
  };
}
