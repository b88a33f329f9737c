import type { Request } from 'express';
import { unauthenticated } from '../errors.js';

/** Who sent the request: set by the auth module's `authenticate` on routes declared `auth: true`. */
export interface RequestAuth {
  userId: string;
  sessionId: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    auth?: RequestAuth;
  }
}

/**
 * A way into an account that can end while the account goes on: a session (a logout, a password
 * change, a replayed refresh token, the session cap) or a personal API key (deleted, or a password
 * change). A reply names the one that started it, so the reply ends with it.
 */
export type Credential = `session:${string}` | `key:${string}`;

export const sessionCredential = (sessionId: string): Credential => `session:${sessionId}`;
export const keyCredential = (keyId: string): Credential => `key:${keyId}`;

/** The caller of an authenticated route (a handler of an `auth: false` route gets 401). */
export function authOf(req: Request): RequestAuth {
  if (!req.auth) throw unauthenticated();
  return req.auth;
}
