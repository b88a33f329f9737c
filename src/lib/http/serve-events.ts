import type { ErrorRequestHandler, Response } from 'express';
import { logger } from '../logger.js';
import { errorHandler } from './error-handler.js';

/** An event stream on a response (SseStream, the chats' SseSink): ended once its writer is done. */
export interface EventStream {
  end(): void;
}

/**
 * Writes an event stream whose head has been sent apart from the route: the route's promise
 * settles at once instead of with the stream. A reply read for minutes then keeps none of the
 * route's suspended callers, nor Express's handler on that promise and the router's `next` chain
 * (its state, the final handler), which `req.next` also keeps for the request's life and nothing
 * after the route calls. A failure while writing goes to `onError`, the error handler of the
 * route's surface (the app's by default; /v1 passes its own), which logs it and ends a response
 * under way; the stream is ended either way. Nothing here can reject unseen: a throw from those
 * two is logged.
 */
export function serveEvents<S extends EventStream>(
  res: Response,
  stream: S,
  write: (stream: S) => Promise<void>,
  onError: ErrorRequestHandler = errorHandler,
): void {
  const { req } = res;
  req.next = undefined;
  // A writer may be a plain function returning its promise (to keep no suspended frame for the
  // stream's life): a throw of its own is handled as its rejection would be.
  let writing: Promise<void>;
  try {
    writing = write(stream);
  } catch (error) {
    writing = Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
  writing
    .catch((error: unknown) => onError(error, req, res, () => undefined))
    .finally(() => stream.end())
    .catch((error: unknown) => logger.error({ err: error }, 'ending an event stream failed'));
}
