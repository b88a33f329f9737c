import type { Request, RequestHandler, Response } from 'express';
import { config } from '../config.js';
import { AppError } from '../errors.js';

/**
 * Production uses a `__Host-` cookie: browsers accept it only from this exact host over HTTPS,
 * with `Path=/` and no `Domain`, so a sibling subdomain cannot plant ("toss") a cookie of the same
 * name in front of the real one. The prefix needs `Secure` and `Path=/`, which development over
 * plain http cannot give, so there the cookie keeps its plain name, scoped to /api/auth.
 */
export const refreshCookieName = () =>
  config().isProduction ? '__Host-refresh_token' : 'refresh_token';
const cookiePath = () => (config().isProduction ? '/' : '/api/auth');

/** More cookies of one name than a browser would ever hold for this site: the rest is ignored. */
const MAX_CANDIDATES = 5;

export function setRefreshCookie(res: Response, token: string, expiresAt: Date): void {
  res.cookie(refreshCookieName(), token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: config().isProduction,
    path: cookiePath(),
    expires: expiresAt,
  });
}

export function clearRefreshCookie(res: Response): void {
  res.clearCookie(refreshCookieName(), {
    httpOnly: true,
    sameSite: 'strict',
    secure: config().isProduction,
    path: cookiePath(),
  });
}

/**
 * Every value the request carries under the refresh cookie's name, in header order. A browser sends
 * several when cookies of one name were set for different paths or domains; cookie-parser keeps only
 * the first, which lets a planted junk cookie hide the real one. The caller tries each.
 */
export function refreshCookies(req: Request): string[] {
  const name = refreshCookieName();
  const values: string[] = [];
  for (const pair of String(req.headers.cookie ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      continue; // malformed percent-encoding: not a token of ours
    }
    if (value) values.push(value);
    if (values.length === MAX_CANDIDATES) break;
  }
  return values;
}

/**
 * What `Sec-Fetch-Site` (which pages cannot set) may say on a request without Origin: sent by this
 * origin itself, or by the user (typed, bookmarked). `same-site` is refused like `cross-site`:
 * SameSite=Strict sends the cookie from every sibling subdomain of the site, so an <img> on any of
 * them (not only the SPA's) could otherwise end the session. The SPA's own calls are `fetch`es,
 * which send Origin and meet the allow-list below.
 */
const OWN_FETCH_SITES = new Set(['same-origin', 'none']);

/**
 * Routes authenticated by the cookie refuse requests from origins outside the allow-list
 * (SameSite=Strict already keeps the cookie off cross-site requests; this also covers old browsers).
 * A request without Origin (a browser's GET navigation or subresource sends none) is refused when
 * the browser says it comes from another site or a sibling subdomain (`Sec-Fetch-Site`): a link
 * or an image on any of them pointing at GET /logout. Clients that are not browsers send neither
 * header.
 */
export const sameOriginOnly: RequestHandler = (req, _res, next) => {
  const origin = req.headers.origin;
  if (origin === undefined) {
    const site = req.headers['sec-fetch-site'];
    if (site === undefined || OWN_FETCH_SITES.has(site)) return next();
    return next(new AppError('FORBIDDEN_ORIGIN', 'Requests from another site are not allowed'));
  }
  if (config().CORS_ORIGINS.includes(origin)) return next();
  // The host the browser addressed: behind a trusted proxy that rewrites Host (nginx's default
  // `proxy_pass`), the one it passes on in X-Forwarded-Host (Express's req.host reads it only from
  // a trusted hop). A page on another origin cannot add that header without a preflight, which the
  // CORS policy refuses it.
  for (const host of new Set([req.headers.host, req.host]))
    if (host && (origin === `http://${host}` || origin === `https://${host}`)) return next();
  next(new AppError('FORBIDDEN_ORIGIN', 'Requests from this origin are not allowed'));
};
