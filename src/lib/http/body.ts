import express, { type RequestHandler } from 'express';
import { AppError } from '../errors.js';

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function hasBody(req: Parameters<RequestHandler>[0]): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** The declared charset, if any; JSON is UTF-8 (RFC 8259), and body-parser would also take utf-16/32. */
function declaredCharset(req: Parameters<RequestHandler>[0]): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '');
  return match?.[1]?.toLowerCase();
}

const UTF8 = new Set(['utf-8', 'utf8']);

/** JSON bodies only: anything else that carries a body is a 415, before a byte of it is parsed. */
export function jsonBody(limit: string): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    if (!METHODS_WITH_BODY.has(req.method) || !hasBody(req)) return next();
    if (!req.is('application/json'))
      return next(new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json'));
    const charset = declaredCharset(req);
    if (charset !== undefined && !UTF8.has(charset))
      return next(new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send JSON encoded as UTF-8'));
    next();
  };
  return [requireJson, express.json({ limit, strict: true, type: 'application/json' })];
}
