import type { Request, RequestHandler } from 'express';
import { unauthenticated } from '../../lib/errors.js';
import { identifyKey, type KeyIdentity, type KeyRefusal } from './keys.service.js';

declare module 'express-serve-static-core' {
  interface Request {
    apiKey?: KeyIdentity;
  }
}

const REFUSALS: Record<KeyRefusal, string> = {
  unknown: 'Incorrect API key provided',
  expired: 'This API key has expired; create a new one with POST /api/keys',
  'password-changed': 'This API key was revoked by a password change; create a new one',
  'account-gone': 'The account of this API key no longer exists',
  'account-disabled': 'The account of this API key is disabled; contact the administrator',
};

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Authenticates /v1 requests by personal API key (`Authorization: Bearer sgpt_…`). Access tokens
 * are refused here, as keys are refused on /api: each credential works on its own surface only.
 */
export const authenticateApiKey: RequestHandler = async (req, _res, next) => {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization?.trim() ?? '');
  if (!match) {
    throw unauthenticated(
      req.headers.authorization
        ? 'Send the API key as "Authorization: Bearer <key>"'
        : 'You didn\'t provide an API key; send it as "Authorization: Bearer <key>" (create one with POST /api/keys)',
    );
  }
  const presented = match[1]!;
  if (JWT_SHAPE.test(presented))
    throw unauthenticated('Access tokens are not accepted here; use an API key (POST /api/keys)');
  const identity = await identifyKey(presented);
  if ('refused' in identity) throw unauthenticated(REFUSALS[identity.refused]);
  req.apiKey = identity;
  next();
};

export function keyOf(req: Request): KeyIdentity {
  if (!req.apiKey) throw unauthenticated(REFUSALS.unknown);
  return req.apiKey;
}
