import type { Request, RequestHandler, Response } from 'express';
import { config } from '../config.js';
import { AppError } from '../errors.js';

export const REFRESH_COOKIE = 'refresh_token';
const COOKIE_PATH = '/api/auth';

export function setRefreshCookie(res: Response, token: string, expiresAt: Date): void {
  res.cookie(REFRESH_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: config().isProduction,
    path: COOKIE_PATH,
    expires: expiresAt,
  });
}

export function clearRefreshCookie(res: Response): void {
  res.clearCookie(REFRESH_COOKIE, {
    httpOnly: true,
    sameSite: 'strict',
    secure: config().isProduction,
    path: COOKIE_PATH,
  });
}

export function refreshCookie(req: Request): string | undefined {
  const value = (req.cookies as Record<string, unknown> | undefined)?.[REFRESH_COOKIE];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Routes authenticated by the cookie refuse requests from origins outside the allow-list
 * (SameSite=Strict already keeps the cookie off cross-site requests; this also covers old browsers).
 */
export const sameOriginOnly: RequestHandler = (req, _res, next) => {
  const origin = req.headers.origin;
  if (origin === undefined || config().CORS_ORIGINS.includes(origin)) return next();
  const host = req.headers.host;
  if (host && (origin === `http://${host}` || origin === `https://${host}`)) return next();
  next(new AppError('FORBIDDEN_ORIGIN', 'Requests from this origin are not allowed'));
};
