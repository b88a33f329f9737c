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

/** The caller of an authenticated route (a handler of an `auth: false` route gets 401). */
export function authOf(req: Request): RequestAuth {
  if (!req.auth) throw unauthenticated();
  return req.auth;
}
