import type { Request, RequestHandler } from 'express';
import { config } from '../../lib/config.js';
import { AppError } from '../../lib/errors.js';
import { hasClosed, PlacesPerKey } from '../../lib/http/response-closed.js';
import { byAddressRange, documentsRateLimit } from '../../lib/rate-limit/limiter.js';
import { PasswordClaim } from './passwords.js';

/**
 * Fair shares of this process's password-hashing queue. bcrypt's cost is per process (its thread
 * pool), so the counts are kept in memory, not in the database. A request that checks or sets a
 * password holds one place from its start until its response has closed and its check is over (a
 * client that hangs up does not free its place while its check still runs, see PasswordClaim):
 * - one per account at a time: a second one for the same account is refused, not queued, so an
 *   account (or a stolen token) cannot fill the queue that everyone's logins wait in;
 * - at most PASSWORD_CHECKS_PER_ADDRESS per address range (an IPv6 /48, an IPv4 address), so
 *   rotating addresses inside one allocation does not help either.
 * The queue itself is bounded in passwords.ts; what gets past both waits there.
 */
const accounts = new PlacesPerKey();
const ranges = new PlacesPerKey();

const busy = (message: string) =>
  new AppError('TOO_MANY_PASSWORD_CHECKS', message, { headers: { 'Retry-After': '1' } });

export function passwordGate(accountOf: (req: Request) => string | undefined): RequestHandler {
  return documentsRateLimit((req, res, next) => {
    // Its client is gone (it hung up while the brakes before this read the database): nobody
    // will read the answer, so no password is checked for it, and it takes no place.
    if (hasClosed(res)) return;
    const claim = new PasswordClaim(res);
    if (!config().RATE_LIMITS_ENABLED) return claim.run(next);
    const account = accountOf(req);
    const range = byAddressRange(req);
    if (account !== undefined && accounts.count(account) > 0)
      return next(busy('A password check for this account is already running; retry shortly'));
    if (ranges.count(range) >= config().PASSWORD_CHECKS_PER_ADDRESS)
      return next(busy('Too many password checks from this network at once; retry shortly'));
    // Given back once the response has closed (however it ended) and no check of it runs.
    if (account !== undefined) claim.whenOver(accounts.hold(account));
    claim.whenOver(ranges.hold(range));
    claim.run(next);
  });
}
