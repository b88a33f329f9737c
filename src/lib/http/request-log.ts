import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Level } from 'pino';
import { logger } from '../logger.js';
import { isDraining } from '../lifecycle.js';
import { requestId } from './request-id.js';

declare module 'http' {
  interface IncomingMessage {
    /** Set by requestLog (request-id.ts chooses it); in every log line and error body. */
    id?: string;
  }
}

const STARTED = Symbol('requestStarted');

interface TimedResponse extends ServerResponse {
  [STARTED]?: number;
}

/** The fields of a request a log line carries (never headers: they hold the credentials). */
export function requestFields(req: IncomingMessage): { id: string; method: string; url: string } {
  const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '';
  return { id: req.id ?? '', method: req.method ?? '', url: pathOf(url) };
}

/**
 * The path of a request target: never its query, nor, for an absolute-form target
 * (`GET http://user:pass@host/path`, which Node and Express accept), its scheme, credentials and
 * host. The path alone is what routing read.
 */
export function pathOf(target: string): string {
  const path = target.split('?')[0]!;
  if (path.startsWith('/')) return path;
  try {
    return new URL(path).pathname;
  } catch {
    return '(not a path)';
  }
}

/**
 * 5xx at `error`, but the 503s of a drain (every request refused while the process shuts down):
 * those are the deploy going as planned, and an alert on error lines must not fire on every
 * deploy. Nor on a 503 marked as answered on purpose (`answeredOnPurpose`): a readiness probe's
 * from the signal on, through the drain delay. Other 503s of the drain delay, while every request
 * is served as before (a database gone), are errors like any other.
 */
const levelOf = (status: number, onPurpose: boolean): Level =>
  status === 503 && (onPurpose || isDraining())
    ? 'info'
    : status >= 500
      ? 'error'
      : status >= 400
        ? 'info'
        : 'debug';

/**
 * Shared by every response (no closure per request). A response emits `close` once, after
 * `finish` when it was sent whole, or alone when its connection went first.
 */
function logFinished(this: TimedResponse): void {
  const locals = (this as { locals?: { errorCode?: string; onPurpose?: boolean } }).locals;
  const level = levelOf(this.statusCode, locals?.onPurpose === true);
  if (!logger.isLevelEnabled(level)) return;
  // The error's code, when the answer was one (sendError): 429s of a rate, a budget and the
  // stream cap are told apart in the log as in the body.
  const code = locals?.errorCode;
  // Whose request it was, once authenticated (an access token's, or an API key's on /v1): an
  // operator can tell who was refused (a budget, a rate) from the log alone.
  const caller = this.req as { auth?: { userId: string }; apiKey?: { userId: string } };
  const userId = caller.auth?.userId ?? caller.apiKey?.userId;
  const fields = {
    req: requestFields(this.req),
    ...(userId === undefined ? {} : { userId }),
    res:
      code === undefined ? { statusCode: this.statusCode } : { statusCode: this.statusCode, code },
    responseTime: Math.round(performance.now() - (this[STARTED] ?? 0)),
  };
  if (level === 'error') logger[level](fields, 'request errored');
  else logger[level](fields, 'request completed');
}

/**
 * Marks a 503 as the answer to something done on purpose, no fault of the server's (a reply its
 * user stopped): its line is written at info, as a drain's are.
 */
export function answeredOnPurpose(res: { locals: Record<string, unknown> }): void {
  res.locals.onPurpose = true;
}

/**
 * Gives each request its id and writes one line when its response ends. Nothing is built per
 * request beyond the id and a start time: the line (with the request's fields) is assembled only
 * when its level is enabled, instead of a child logger per request that a held stream would keep
 * for its whole life.
 */
export function requestLog(): RequestHandler {
  return (req, res, next) => {
    req.id = requestId(req, res);
    const timed = res as TimedResponse;
    timed[STARTED] = performance.now();
    // `on`, not `once`: it is emitted once, and `once` would wrap the listener anew for every
    // request (a closure, a bound function and its state, kept as long as a stream is open).
    res.on('close', logFinished);
    next();
  };
}
