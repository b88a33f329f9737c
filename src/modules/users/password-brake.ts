import type { Request, RequestHandler } from 'express';
import { config } from '../../lib/config.js';
import { byIp, byNetwork, sharedLimiter } from '../../lib/rate-limit/limiter.js';
import { logger } from '../../lib/logger.js';
import { isKnownNetwork, rememberLoginNetwork } from './login-networks.js';
import { User } from './user.model.js';

/** Whose password a request checks: the account's email, and its id when the account exists. */
export interface PasswordCheckTarget {
  email: string;
  userId: string | null;
}

const normaliseEmail = (email: string) => email.trim().toLowerCase().slice(0, 254);

/** The target of a login: the email in the body, whether or not an account has it. */
export async function targetByEmail(req: Request): Promise<PasswordCheckTarget | undefined> {
  const raw = (req.body as { email?: unknown } | undefined)?.email;
  if (typeof raw !== 'string') return undefined;
  const email = normaliseEmail(raw);
  const user = await User.findOne({ email }, { _id: 1 }).lean();
  return { email, userId: user ? String(user._id) : null };
}

/** The target of a re-authentication (password change, account deletion): the caller's account. */
export async function targetBySession(req: Request): Promise<PasswordCheckTarget | undefined> {
  if (!req.auth) return undefined;
  const user = await User.findById(req.auth.userId, { email: 1 }).lean();
  return user ? { email: user.email, userId: String(user._id) } : undefined;
}

/**
 * Every password check from one address (IPv6 /56), right or wrong:
 * PASSWORD_CHECKS_PER_IP_PER_MINUTE for logins, sign-ups, password changes and account deletions
 * together (what checked none is not counted: see sharedLimiter's `counts`). The brakes below count
 * failures only, so without this a few addresses logging their own accounts in over and over
 * would keep the process's hashing queue full, and everyone else's login would be turned away.
 * A minute, not the login window: an office behind one address that reaches it at 9:00 waits a
 * minute at most, not a quarter of an hour, and an address spends at most two minutes' allowance
 * in a burst (the fixed windows' count starts again at each minute's end).
 * First in front of the check, so a request it refuses counts against no other limit.
 */
export function passwordChecksPerIp(): RequestHandler {
  return sharedLimiter({
    name: 'password-checks-ip',
    limit: config().PASSWORD_CHECKS_PER_IP_PER_MINUTE,
    windowSeconds: 60,
    key: byIp,
    message: 'Too many password checks from this address; try again shortly',
    counts: 'checks',
  });
}

/**
 * The brakes on password guessing, in front of every password check (login, password change,
 * account deletion), after the count of all checks per address above, counting failed checks only
 * (answered 401; a body refused as invalid checked no password):
 * - per address (IPv6 /56): LOGIN_LIMIT_PER_IP a window, whichever accounts it tries;
 * - per account: LOGIN_LIMIT_PER_ACCOUNT a window, keyed so that strangers cannot lock the owner
 *   out. A network the owner proved the password from before (login-networks.ts) has a budget of
 *   its own; every other network shares one. Strangers who use that one up are braked, all of
 *   them, with the right password too; the owner, at home, is not. Guessing from the owner's own
 *   network is braked as well, by its own budget.
 */
export function passwordBrakes(
  targetOf: (req: Request) => Promise<PasswordCheckTarget | undefined>,
): RequestHandler[] {
  const c = config();
  const accountKeys = new WeakMap<Request, string>();
  const resolveAccount: RequestHandler = async (req, _res, next) => {
    const target = config().RATE_LIMITS_ENABLED ? await targetOf(req) : undefined;
    if (target) {
      const network = byNetwork(req);
      // Asked for an email without an account too, where it finds nothing: the same reads either
      // way, so the time a password check takes does not tell whether the account exists.
      const known = await isKnownNetwork(target.userId ?? `no account|${target.email}`, network);
      accountKeys.set(
        req,
        known && target.userId !== null ? `${target.email}|${network}` : target.email,
      );
    }
    next();
  };
  return [
    passwordChecksPerIp(),
    sharedLimiter({
      name: 'login-ip',
      limit: c.LOGIN_LIMIT_PER_IP,
      windowSeconds: c.LOGIN_WINDOW_SECONDS,
      key: byIp,
      message: 'Too many failed password attempts; try again later',
      counts: 'failed-checks',
    }),
    resolveAccount,
    sharedLimiter({
      name: 'login-account',
      limit: c.LOGIN_LIMIT_PER_ACCOUNT,
      windowSeconds: c.LOGIN_WINDOW_SECONDS,
      key: (req) => accountKeys.get(req),
      message: 'Too many failed password attempts for this account; try again later',
      counts: 'failed-checks',
    }),
  ];
}

/**
 * Notes the request's network as one the owner uses, after the password was proved from it.
 * Best effort: the login itself has succeeded, and a network not noted only means the owner
 * shares the strangers' budget until the next login.
 */
export async function rememberNetworkOf(req: Request, userId: string): Promise<void> {
  await rememberLoginNetwork(userId, byNetwork(req)).catch((error: unknown) =>
    logger.warn({ err: (error as Error).message }, 'could not note the login network'),
  );
}
