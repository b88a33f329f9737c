import type { ErrorRequestHandler, Request, Response } from 'express';
import mongoose from 'mongoose';
import { ZodError } from 'zod';
import { markDatabaseUnreachable } from '../db/connection.js';
import { AppError, ClientGoneError, serviceUnavailable, type ErrorDetail } from '../errors.js';
import { logger } from '../logger.js';
import { BODY_ENCODINGS } from './body.js';
import { requestFields } from './request-log.js';

/** Errors the Node driver raises when it cannot reach the database at all. */
const DATABASE_DOWN_ERRORS = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
]);

const pathOf = (path: PropertyKey[]) => path.map(String).join('.') || '(root)';

/**
 * One detail per problem, at the field it is about: an unknown field is named as its own path (a
 * form can mark it), not as its object's.
 */
export function zodDetails(error: ZodError): ErrorDetail[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          path: pathOf([...issue.path, key]),
          message: `Unknown field \`${key}\``,
        }))
      : [{ path: pathOf(issue.path), message: issue.message }],
  );
}

export function isDatabaseDown(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (DATABASE_DOWN_ERRORS.has(err.name) || DATABASE_DOWN_ERRORS.has(err.constructor.name))
    return true;
  // insertMany and bulkWrite wrap the network error that cut their batch in a
  // MongoBulkWriteError, whose errorResponse is that error.
  return (
    err.name === 'MongoBulkWriteError' &&
    isDatabaseDown((err as { errorResponse?: unknown }).errorResponse)
  );
}

/** Maps anything thrown in a request to the contract's error codes; unknown errors become INTERNAL. */
/** Whether body-parser's raw text (kept on its parse error) is JSON after all. */
function isJsonText(body: unknown): boolean {
  if (typeof body !== 'string') return false;
  try {
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
}

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) {
    return new AppError('VALIDATION_FAILED', 'The request is invalid', {
      details: zodDetails(err),
    });
  }
  if (err instanceof mongoose.Error.CastError)
    return new AppError('NOT_FOUND', 'Resource not found');
  if (isDatabaseDown(err)) return serviceUnavailable();
  // body-parser errors carry a `type` and a 4xx status.
  const type = (err as { type?: string }).type;
  switch (type) {
    case 'entity.parse.failed':
      return new AppError(
        'INVALID_JSON',
        isJsonText((err as { body?: unknown }).body)
          ? // Valid JSON, but a bare value (`null`, `"text"`, `12`): every body here is an object.
            'The request body must be a JSON object, not a bare value'
          : 'The request body is not valid JSON',
      );
    case 'entity.too.large':
      return new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large');
    case 'charset.unsupported':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send JSON encoded as UTF-8');
    case 'encoding.unsupported': {
      // A compression this server does not decode (zstd on a Node without it, compress, …): the
      // body's text is fine, so say which encodings it takes rather than blame the charset.
      const named = (err as { encoding?: unknown }).encoding;
      const encoding = typeof named === 'string' ? named : '';
      const taken = BODY_ENCODINGS.filter((name) => name !== 'identity');
      return new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        `The request body's Content-Encoding (${encoding.slice(0, 40)}) is not one this server decodes: send it uncompressed or as ${taken.join(', ')}`,
        { headers: { 'Accept-Encoding': BODY_ENCODINGS.join(', ') } },
      );
    }
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new AppError('VALIDATION_FAILED', 'The request body could not be read');
  }
  // The router marks a path parameter it cannot percent-decode (`/chats/%E0%A4%A`) with status 400.
  if (err instanceof URIError && (err as { status?: number }).status === 400) {
    return new AppError('VALIDATION_FAILED', 'The URL is not valid (malformed percent-encoding)');
  }
  // A body whose Content-Encoding does not decode (zlib raises it while body-parser reads the body):
  // gzip and deflate errors are `Z_…`, Brotli's `ERR__ERROR_…` (its decoder's error names),
  // Zstandard's `ZSTD_error_…` (body-parser 2.4 decodes zstd on a Node that has it).
  const code = (err as { code?: unknown }).code;
  if (
    typeof code === 'string' &&
    (code.startsWith('Z_') || code.startsWith('ERR__ERROR_') || code.startsWith('ZSTD_error_'))
  ) {
    return new AppError('INVALID_JSON', 'The request body could not be decoded (Content-Encoding)');
  }
  return new AppError('INTERNAL', 'Something went wrong on our side', { cause: err });
}

export function sendError(req: Request, res: Response, error: AppError): void {
  if (error.headers) res.set(error.headers);
  // For the request's log line (request-log.ts).
  res.locals.errorCode = error.code;
  // A body left unread (refused before parsing) would have to be drained before the connection
  // could serve another request; closing it frees the connection at once.
  if (!req.complete) res.set('Connection', 'close');
  // Set whatever a route set before it failed (an event stream not yet sent names its own type).
  res.type('application/json');
  res.status(error.status).json({
    error: {
      code: error.code,
      message: error.message,
      // Chosen by requestLog (request-id.ts); absent only before it has run.
      requestId: req.id ?? '',
      ...(error.details ? { details: error.details } : {}),
    },
  });
}

/** The 5xx the server answers on purpose, when it is busy or unavailable: not a fault of its own. */
const CHOSEN_REFUSALS: ReadonlySet<string> = new Set([
  'SERVICE_UNAVAILABLE',
  'SERVER_BUSY',
  'SEARCH_TIMEOUT',
]);

/**
 * What every error handler does before it answers (this one and /v1's): notes a database that
 * cannot be reached, and logs the error: a server error with its cause and stack, for the
 * operator; a refusal the server chose with nothing behind it (draining, the database known to
 * be down, a full password queue) at warn, its code and message only, since every request of a
 * deploy or an outage meets one; the rest at debug. The request's fields are put together only
 * for a line that is written.
 */
export function reportError(req: Request, err: unknown, error: AppError): void {
  if (isDatabaseDown(err)) markDatabaseUnreachable();
  if (CHOSEN_REFUSALS.has(error.code) && err === error && !error.cause)
    logger.warn({ req: requestFields(req), code: error.code }, error.message);
  else if (error.status >= 500)
    logger.error(
      { req: requestFields(req), err: error.cause ?? err, code: error.code },
      'request failed',
    );
  else if (logger.isLevelEnabled('debug'))
    logger.debug({ req: requestFields(req), code: error.code }, error.message);
}

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  if (err instanceof ClientGoneError) {
    if (logger.isLevelEnabled('debug')) logger.debug({ req: requestFields(req) }, err.message);
    return;
  }
  const error = toAppError(err);
  reportError(req, err, error);
  if (res.headersSent) {
    // A response already under way (a stream) cannot change its status; end it.
    res.end();
    return;
  }
  sendError(req, res, error);
};
