import { Types } from '../../lib/db/mongoose.js';
import { withLock } from '../../lib/db/lock.js';
import { AppError, notFound } from '../../lib/errors.js';
import { Generation } from '../../lib/generations/generation.model.js';
import { abortGeneration } from '../../lib/generations/registry.js';
import { logger } from '../../lib/logger.js';
import { Session } from '../auth/session.model.js';
import { decodeCursor, encodeCursor, isObjectId } from '../chats/cursor.js';
import { User, type UserDoc } from '../users/user.model.js';
import {
  budgetJson,
  dayOf,
  effectiveLimit,
  totalsByUser,
  type Budget,
  type TokenTotals,
} from '../usage/index.js';
import type { AccountFields } from './audit.model.js';
import { recordAudit } from './audit.service.js';

type Account = Pick<
  UserDoc,
  '_id' | 'email' | 'name' | 'role' | 'disabled' | 'tokenBudgetPerDay' | 'createdAt'
>;

export interface AdminUserJson {
  id: string;
  email: string;
  name: string;
  role: 'user' | 'admin';
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

const ACCOUNT_FIELDS = {
  email: 1,
  name: 1,
  role: 1,
  disabled: 1,
  tokenBudgetPerDay: 1,
  createdAt: 1,
} as const;

/** Regex-escaped so the search text is matched literally (RE2-safe). */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Newest accounts first; `q` matches email or name, case-insensitively. */
export async function listUsers(options: {
  q?: string;
  role?: 'user' | 'admin';
  disabled?: boolean;
  limit: number;
  cursor?: string;
}): Promise<{ items: AdminUserJson[]; nextCursor: string | null }> {
  const filter: Record<string, unknown> = {};
  if (options.q) {
    const pattern = { $regex: literal(options.q), $options: 'i' };
    filter.$or = [{ email: pattern }, { name: pattern }];
  }
  // Accounts stored before roles existed have no role field: they are users.
  if (options.role) filter.role = options.role === 'admin' ? 'admin' : { $ne: 'admin' };
  if (options.disabled !== undefined) filter.disabled = options.disabled ? true : { $ne: true };
  if (options.cursor) {
    const { i } = decodeCursor(options.cursor, { i: 'string' });
    filter._id = { $lt: new Types.ObjectId(i) };
  }
  const rows = await User.find(filter, ACCOUNT_FIELDS)
    .sort({ _id: -1 })
    .limit(options.limit + 1)
    .lean<Account[]>();
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  return {
    items: await withUsage(page),
    nextCursor: rows.length > options.limit && last ? encodeCursor({ i: String(last._id) }) : null,
  };
}

async function findAccount(id: string): Promise<Account> {
  if (!isObjectId(id)) throw notFound('User');
  const account = await User.findById(id, ACCOUNT_FIELDS).lean<Account>();
  if (!account) throw notFound('User');
  return account;
}

export async function getUser(id: string): Promise<AdminUserJson> {
  const [json] = await withUsage([await findAccount(id)]);
  return json!;
}

const isActiveAdmin = (a: Pick<Account, 'role' | 'disabled'>) => a.role === 'admin' && !a.disabled;

/**
 * Role and disabled changes run one at a time across instances (a lock in the database), so two
 * administrators demoting each other at once cannot leave the service without one.
 */
const ACCOUNTS_LOCK = 'admin:accounts';

export async function updateUser(
  actorId: string,
  targetId: string,
  changes: AccountFields,
): Promise<AdminUserJson> {
  await findAccount(targetId);
  const changed = await withLock(ACCOUNTS_LOCK, async () => {
    const before = await findAccount(targetId);
    const current: Required<AccountFields> = {
      role: before.role ?? 'user',
      disabled: before.disabled ?? false,
      tokenBudgetPerDay: before.tokenBudgetPerDay ?? null,
    };
    const next = { ...current, ...changes };
    if (isActiveAdmin(current) && !isActiveAdmin(next)) {
      const others = await User.countDocuments({
        _id: { $ne: before._id },
        role: 'admin',
        disabled: { $ne: true },
      });
      if (others === 0)
        throw new AppError(
          'LAST_ADMIN',
          'This is the last active administrator; promote another one first',
        );
    }
    const keys = (Object.keys(changes) as (keyof AccountFields)[]).filter(
      (k) => next[k] !== current[k],
    );
    if (keys.length === 0) return null;
    const pick = (from: Required<AccountFields>) =>
      Object.fromEntries(keys.map((k) => [k, from[k]])) as AccountFields;
    await User.updateOne({ _id: before._id }, { $set: pick(next) });
    await recordAudit({
      actorKind: 'admin',
      actorId,
      action: 'user.update',
      targetId: before._id,
      before: pick(current),
      after: pick(next),
    });
    logger.info(
      { actorId, targetId, before: pick(current), after: pick(next) },
      'account changed by an administrator',
    );
    return { disabled: !current.disabled && next.disabled };
  });
  if (changed?.disabled) await endAccess(targetId);
  return getUser(targetId);
}

/**
 * Ends a disabled account's access everywhere at once: every session is revoked (each instance
 * checks the session on every request, so tokens and refresh cookies fail at once), and every
 * reply it is generating is stopped through the stop flags the streaming instance polls.
 */
export async function endAccess(userId: string, now = new Date()): Promise<void> {
  const owner = new Types.ObjectId(userId);
  await Session.updateMany({ userId: owner, revokedAt: null }, { $set: { revokedAt: now } });
  const running = await Generation.find({ userId: owner }, { token: 1 }).lean();
  await Generation.updateMany({ userId: owner }, { $set: { stopRequested: true } });
  for (const lease of running) abortGeneration(lease.token, 'stop');
}
