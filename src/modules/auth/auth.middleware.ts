import type { Request, RequestHandler } from 'express';
import { unauthenticated } from '../../lib/errors.js';
import { activeSession } from './auth.service.js';
import { verifyAccessToken } from './tokens.js';

/** The bearer token of the Authorization header; tokens in query strings are never read. */
export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  const match = header
    ? /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i.exec(header.trim())
    : null;
  return match?.[1];
}

function missingTokenMessage(req: Request): string {
  // Personal API keys work only on the OpenAI-compatible /v1 routes.
  if (/^Bearer\s+sgpt_/i.test(req.headers.authorization ?? ''))
    return 'API keys are accepted only on /v1; send an access token here';
  return req.headers.authorization
    ? 'Send the access token as "Authorization: Bearer <token>"'
    : 'Authentication required';
}

/** Verifies the access token and that its session is still open (revocation is immediate). */
export const authenticate: RequestHandler = async (req, _res, next) => {
  const token = bearerToken(req);
  const claims = token ? verifyAccessToken(token) : null;
  if (!claims)
    throw unauthenticated(
      token
        ? 'Access token is invalid or expired; get a new one from POST /api/auth/refresh'
        : missingTokenMessage(req),
    );
  if (!(await activeSession(claims.sessionId, claims.userId)))
    throw unauthenticated('Session has ended; log in again');
  req.auth = claims;
  next();
};
