import cors from 'cors';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

export function securityHeaders(): RequestHandler {
  return helmet();
}

/**
 * Only allow-listed origins are echoed, with credentials; anything else gets no CORS headers. Every
 * answer says `Vary: Origin`, also one that echoes nothing (no Origin, or one not allowed): a shared
 * cache must not serve it to an allow-listed origin, which it would then fail.
 */
export function corsPolicy(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  const policy = cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    credentials: true,
    // What browser code may read: X-Chat-Id names the chat a /v1 `store: true` exchange went into,
    // or the one holding a JSON send that failed upstream (exchange.controller.ts);
    // the RateLimit-* headers are the ones the limiters send (limiter.ts, IETF draft 6);
    // x-should-retry tells OpenAI's SDKs not to retry a spent budget (openai.errors.ts);
    // Content-Disposition names a chat's export (download.ts), which an SPA saves under it.
    exposedHeaders: [
      'X-Request-Id',
      'Link',
      'Retry-After',
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      'RateLimit-Policy',
      'X-Chat-Id',
      'x-should-retry',
      'Content-Disposition',
    ],
    maxAge: 600,
  });
  return (req, res, next) => {
    res.vary('Origin');
    policy(req, res, next);
  };
}

/** Auth and chat responses are personal: nothing may cache them. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};
