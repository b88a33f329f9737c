import { ipKeyGenerator, rateLimit, type Options } from 'express-rate-limit';
import type { Request, RequestHandler } from 'express';
import { config } from '../config.js';
import { AppError } from '../errors.js';
import { MongoStore } from './mongo-store.js';

interface LimiterOptions {
  name: string;
  limit: number;
  windowSeconds: number;
  key: (req: Request) => string | undefined;
  message: string;
  /**
   * Which answered requests count: all of them, only failed password checks (401) and the
   * limits' own refusals (429 RATE_LIMITED), or every password check, right or wrong. A login
   * limit should brake guessing, not a user who logs in often, nor a request refused before any
   * password was checked: as invalid (400), or by the password gate while another check runs
   * (429 TOO_MANY_PASSWORD_CHECKS). A limit of all checks brakes whoever keeps the hashing queue
   * busy, with right passwords too; it still counts none of those refusals, nor the full queue's
   * (503 SERVER_BUSY) or a limit's after it, so that users retrying as told lose nothing.
   */
  counts?: 'all' | 'failed-checks' | 'checks';
}

/** Answers to password requests that were refused before any password was checked. */
const NO_CHECK_CODES = new Set(['TOO_MANY_PASSWORD_CHECKS', 'SERVER_BUSY', 'RATE_LIMITED']);

/** Which answered requests take their hit back, for the limits that do not count them all. */
function takesBack(options: LimiterOptions): NonNullable<Options['requestWasSuccessful']> {
  if (options.counts === 'failed-checks')
    return (_req, res) => res.statusCode !== 401 && res.locals.errorCode !== 'RATE_LIMITED';
  return (_req, res) =>
    res.statusCode === 400 ||
    (NO_CHECK_CODES.has(res.locals.errorCode as string) && res.locals.refusedBy !== options.name);
}

/** Guards built by sharedLimiter, so the OpenAPI description can document their 429. */
const rateLimitGuards = new WeakSet<RequestHandler>();
export const isRateLimitGuard = (guard: RequestHandler) => rateLimitGuards.has(guard);
/** Marks a guard built elsewhere that answers 429, for the OpenAPI description. */
export function documentsRateLimit<T extends RequestHandler>(guard: T): T {
  rateLimitGuards.add(guard);
  return guard;
}

/** A rate limit shared by every instance; requests without a key (no email, say) are not counted. */
export function sharedLimiter(options: LimiterOptions): RequestHandler {
  const limiterOptions: Partial<Options> = {
    windowMs: options.windowSeconds * 1000,
    limit: options.limit,
    standardHeaders: 'draft-6',
    legacyHeaders: false,
    store: new MongoStore(options.name),
    skip: (req) => !config().RATE_LIMITS_ENABLED || options.key(req) === undefined,
    keyGenerator: (req) => options.key(req)!,
    // The keys are built by us (ip addresses are already normalised by `trust proxy`).
    validate: { keyGeneratorIpFallback: false, trustProxy: false, xForwardedForHeader: false },
    passOnStoreError: false,
    // A request "successful" here takes its hit back once answered. Never the limit's own 429:
    // past the limit the store keeps no hit for it, and taking one back would remove another
    // request's recorded failure (a burst of refused guesses would wear the limit down).
    ...(options.counts && options.counts !== 'all'
      ? { skipSuccessfulRequests: true, requestWasSuccessful: takesBack(options) }
      : {}),
    handler: (_req, res, next) => {
      res.locals.refusedBy = options.name;
      const retryAfter = res.getHeader('Retry-After');
      next(
        new AppError('RATE_LIMITED', options.message, {
          headers: { 'Retry-After': String(retryAfter ?? options.windowSeconds) },
        }),
      );
    },
  };
  const guard = rateLimit(limiterOptions);
  rateLimitGuards.add(guard);
  return guard;
}

/**
 * The client address as a bucket key. IPv6 clients usually hold a whole /64 or more, so an address
 * is widened to its /56 (IPv4, also IPv4-mapped IPv6, stays one address); otherwise rotating the
 * low bits would give every request a fresh bucket.
 */
export const byIp = (req: Request) => (req.ip ? ipKeyGenerator(req.ip) : 'unknown');

/**
 * A wider bucket for in-process fair shares: an IPv6 /48 (one site, 256 of the /56 buckets above),
 * or the IPv4 address itself.
 */
export const byAddressRange = (req: Request) => (req.ip ? ipKeyGenerator(req.ip, 48) : 'unknown');

/**
 * The network a client is on, for recognising where an account's owner logs in from: an IPv4 /24
 * (a home router given a new address usually stays inside it) or an IPv6 /48 (one site).
 */
export function byNetwork(req: Request): string {
  if (!req.ip) return 'unknown';
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/i.exec(req.ip);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  return ipKeyGenerator(req.ip, 48);
}
