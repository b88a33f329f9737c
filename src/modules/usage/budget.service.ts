import { config } from '../../lib/config.js';
import { AppError, unauthenticated } from '../../lib/errors.js';
import { quotaRefusals } from '../../lib/metrics.js';
import { findAccount, type Account } from '../users/index.js';
import { dayOf, endOfDay } from './days.js';
import { serviceTokensOn, tokensUsedOn } from './usage.service.js';

/**
 * How old the service's total of the day may be when a call is checked against
 * SERVICE_TOKEN_BUDGET_PER_DAY: summing every call of the day for each request would grow with the
 * day, so each instance reads it at most once a second (concurrent checks share the read).
 */
const SERVICE_TOTAL_MAX_AGE_MS = 1000;
let serviceTotal: { day: string; readAt: number; tokens: Promise<number> } | null = null;

function serviceTokensToday(now: Date): Promise<number> {
  const day = dayOf(now);
  const fresh =
    serviceTotal?.day === day && Date.now() - serviceTotal.readAt < SERVICE_TOTAL_MAX_AGE_MS;
  if (!fresh) {
    const tokens = serviceTokensOn(day);
    serviceTotal = { day, readAt: Date.now(), tokens };
    // A failed read is not kept: the next check reads again.
    tokens.catch(() => {
      if (serviceTotal?.tokens === tokens) serviceTotal = null;
    });
  }
  return serviceTotal!.tokens;
}

/** SERVICE_TOKEN_BUDGET_PER_DAY when every user's tokens of the day together have reached it. */
async function serviceUsedUp(now: Date): Promise<number | null> {
  const limit = config().SERVICE_TOKEN_BUDGET_PER_DAY;
  if (limit === 0) return null;
  return (await serviceTokensToday(now)) < limit ? null : limit;
}

const quotaExceeded = (message: string, now: Date) => {
  const resetsAt = endOfDay(now);
  const seconds = Math.max(1, Math.ceil((resetsAt.getTime() - now.getTime()) / 1000));
  return new AppError('QUOTA_EXCEEDED', `${message}; it resets at ${resetsAt.toISOString()}`, {
    headers: { 'Retry-After': String(seconds) },
  });
};

/** The limit that applies: the user's own when set, else TOKEN_BUDGET_PER_DAY; null = unlimited. */
export function effectiveLimit(override: number | null | undefined): number | null {
  const limit = override ?? config().TOKEN_BUDGET_PER_DAY;
  return limit > 0 ? limit : null;
}

export interface Budget {
  /** Tokens per UTC day; null when unlimited. */
  limit: number | null;
  /** Tokens (prompt + completion) used today. */
  used: number;
  /** When `used` starts again from 0 (the next 00:00 UTC). */
  resetsAt: string;
}

export const budgetJson = (limit: number | null, used: number, now = new Date()): Budget => ({
  limit,
  used,
  resetsAt: endOfDay(now).toISOString(),
});

async function userLimit(userId: string): Promise<number | null> {
  const user = await findAccount(userId);
  return effectiveLimit(user?.tokenBudgetPerDay);
}

export async function budgetOf(userId: string, now = new Date()): Promise<Budget> {
  const [limit, used] = await Promise.all([userLimit(userId), tokensUsedOn([userId], dayOf(now))]);
  return budgetJson(limit, used.get(userId) ?? 0, now);
}

/**
 * SERVICE_TOKEN_BUDGET_PER_DAY and what all users together used today (null limit: none set), as
 * the calls are checked against it (read at most once a second per instance).
 */
export async function serviceBudgetOf(now = new Date()): Promise<Budget> {
  const limit = config().SERVICE_TOKEN_BUDGET_PER_DAY;
  return budgetJson(limit > 0 ? limit : null, await serviceTokensToday(now), now);
}

/** Refuses a model call of an account that is gone or disabled: its sessions are being ended. */
export function assertAccountActive(user: Account | null): asserts user is Account {
  if (!user || user.disabled) throw unauthenticated('Session has ended; log in again');
}

/**
 * The account's daily limit when today's tokens have reached it, or null while it may call a
 * model; throws for an account that is gone or disabled.
 */
async function usedUpLimit(
  userId: string,
  now: Date,
  account?: Account | null,
): Promise<number | null> {
  const user = account === undefined ? await findAccount(userId) : account;
  // Under the slot (here, or again by the caller that passed it): a reply that takes its slot
  // after the account was disabled (and its replies were stopped) would otherwise still run.
  assertAccountActive(user);
  const limit = effectiveLimit(user.tokenBudgetPerDay);
  if (limit === null) return null;
  const used = (await tokensUsedOn([userId], dayOf(now))).get(userId) ?? 0;
  return used < limit ? null : limit;
}

/** The user's limit and the service's, each when used up (null while calls may go out). */
async function usedUpLimits(userId: string, now: Date, account?: Account | null) {
  const [limit, serviceLimit] = await Promise.all([
    usedUpLimit(userId, now, account),
    serviceUsedUp(now),
  ]);
  return { limit, serviceLimit };
}

/**
 * Whether a model call the user did not ask for (a chat's title) may go out: the account is
 * active and within its budget. Nothing is refused to the user, so no refusal is counted.
 */
export function mayCallModelFor(userId: string, now = new Date()): Promise<boolean> {
  return usedUpLimits(userId, now).then(
    ({ limit, serviceLimit }) => limit === null && serviceLimit === null,
    () => false,
  );
}

/**
 * Refuses a model call of a disabled account, and once today's recorded tokens reach the user's
 * limit. Called while the caller holds a generation slot: calls record their tokens before
 * releasing it, so at most MAX_CONCURRENT_STREAMS calls can pass on a total that is already
 * stale, which bounds the overshoot (see the README, "Budgets"). `account`: the account as the
 * caller read it beside taking the slot (only today's total must be read under it; a caller that
 * passes it reads the account again under the slot for the disabled check, exchange.service.ts).
 */
export async function assertWithinBudget(
  userId: string,
  now = new Date(),
  account?: Account | null,
  /** False for an account that may be stale: the caller reads it again and checks once more. */
  { refusalCounted = true }: { refusalCounted?: boolean } = {},
): Promise<void> {
  const { limit, serviceLimit } = await usedUpLimits(userId, now, account);
  if (limit === null && serviceLimit === null) return;
  if (refusalCounted) quotaRefusals.inc();
  throw quotaExceeded(
    limit !== null
      ? `The daily budget of ${limit} ${limit === 1 ? 'token' : 'tokens'} is used up`
      : "The service's daily token budget is used up",
    now,
  );
}
