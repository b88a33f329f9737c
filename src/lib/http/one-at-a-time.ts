import type { Socket } from 'node:net';
import type { ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { hasClosed, whenClosed } from './response-closed.js';

/** The latest request's response on each connection. */
const latest = new WeakMap<Socket, ServerResponse>();

/**
 * One request in progress per connection. HTTP/1.1 lets a client pipeline requests; Node parses
 * every request of a received chunk and would run them all at once, each answer built and queued in
 * memory behind the first until the client reads it: a client that never reads made the process
 * hold every answer (13 KB of pipelined GETs held 111 MB), and a request queued so never closed, so
 * the places held until its response closes (the password gate's, one per account) were held for
 * as long as the stranger kept the connection open. A pipelined request waits here until the
 * previous response on its connection has closed (delivered, or its client gone); nothing is run,
 * built or held for it before then.
 */
export const oneRequestAtATime: RequestHandler = (req, res, next) => {
  const socket = req.socket;
  const previous = latest.get(socket);
  latest.set(socket, res);
  if (!previous || hasClosed(previous)) return next();
  whenClosed(previous, () => {
    // Its client left meanwhile: nobody reads its answer. The connection, not only the response:
    // a response still queued behind another has no socket, and Node 20 never closes it.
    if (!hasClosed(res) && !socket.destroyed) next();
  });
};
