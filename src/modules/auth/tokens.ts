import {
  createHash,
  createHmac,
  createSecretKey,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import jwt from 'jsonwebtoken';
import { config } from '../../lib/config.js';
import type { RequestAuth } from '../../lib/http/request-auth.js';

const ALGORITHM = 'HS256';
/** Ids are ObjectIds; anything else inside a signed token must not reach a query (it would be a CastError). */
const OBJECT_ID = /^[a-f0-9]{24}$/;

// A KeyObject is derived once per secret; with a string secret jsonwebtoken re-derives the key on
// every verify. Keyed by the secret, so a reloaded configuration takes effect.
let derived: { secret: string; key: KeyObject } | undefined;
const signingKey = () => {
  const secret = config().jwtSecret;
  if (derived?.secret !== secret) derived = { secret, key: createSecretKey(Buffer.from(secret)) };
  return derived.key;
};

/** What an access token says; `authenticate` hands it to handlers as the request's auth. */
export type AccessClaims = RequestAuth;

export function signAccessToken({ userId, sessionId }: AccessClaims): string {
  const { JWT_ISSUER, JWT_AUDIENCE, ACCESS_TOKEN_TTL_SECONDS } = config();
  return jwt.sign({ sid: sessionId, typ: 'access' }, signingKey(), {
    algorithm: ALGORITHM,
    subject: userId,
    issuer: JWT_ISSUER,
    audience: JWT_AUDIENCE,
    expiresIn: ACCESS_TOKEN_TTL_SECONDS,
  });
}

/** Returns the claims of a valid access token, or null for anything else (never throws). */
export function verifyAccessToken(token: string): AccessClaims | null {
  const { JWT_ISSUER, JWT_AUDIENCE } = config();
  try {
    const payload = jwt.verify(token, signingKey(), {
      algorithms: [ALGORITHM],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
    });
    if (typeof payload !== 'object' || payload.typ !== 'access') return null;
    // jsonwebtoken accepts a token without `exp`; ours always have one, so one without would live forever.
    if (typeof payload.exp !== 'number') return null;
    if (typeof payload.sub !== 'string' || !OBJECT_ID.test(payload.sub)) return null;
    if (typeof payload.sid !== 'string' || !OBJECT_ID.test(payload.sid)) return null;
    return { userId: payload.sub, sessionId: payload.sid };
  } catch {
    return null;
  }
}

/**
 * Refresh tokens are opaque: the session id, 256 random bits, and a MAC over both. Only their hash
 * is stored. The MAC proves the server issued the token, so a cookie forged around a known session
 * id cannot trigger replay detection (which revokes the session) or a logout of someone else.
 */
const refreshMac = (body: string) =>
  createHmac('sha256', signingKey()).update(`refresh:${body}`).digest('base64url').slice(0, 22);

export function newRefreshToken(sessionId: string): string {
  const body = `${sessionId}.${randomBytes(32).toString('base64url')}`;
  return `${body}.${refreshMac(body)}`;
}

/**
 * The token that replaces `token` when it is rotated. It is derived from the presented token with
 * the server key rather than drawn at random, so every refresh of one token (two tabs at once, or a
 * retry after a lost response) hands out the same successor and no response can overwrite another
 * tab's cookie with a token that is not current. Without the key it is as unpredictable as a random one.
 */
export function successorRefreshToken(token: string): string {
  const sessionId = token.slice(0, 24);
  const random = createHmac('sha256', signingKey()).update(`rotate:${token}`).digest('base64url');
  const body = `${sessionId}.${random}`;
  return `${body}.${refreshMac(body)}`;
}

export function parseRefreshToken(token: string): { sessionId: string } | null {
  const match = /^(([a-f0-9]{24})\.[A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{22})$/.exec(token);
  if (!match) return null;
  const valid = timingSafeEqual(Buffer.from(match[3]!), Buffer.from(refreshMac(match[1]!)));
  return valid ? { sessionId: match[2]! } : null;
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');
