import { createServer, type RequestListener, type Server, type ServerOptions } from 'node:http';
import type { Config } from '../config.js';
import { answerClientErrors } from './client-errors.js';

/**
 * What a connection may buffer in this process before Node says it is full (Node 24's default is
 * 64 KiB; Node 20's, 16 KiB). A streamed reply stops writing to a client whose socket is full and
 * waits for it (reply-live-reader.ts), so this is what each slow client holds here beyond the
 * kernel's buffers; a client that keeps up leaves it empty. It limits neither requests nor
 * answers: Node's parser reads a request as it comes, and a JSON answer is written whole.
 */
const SOCKET_BUFFER_BYTES = 16 * 1024;

/**
 * The Node HTTP server's options: the socket buffer above, and its timeouts, set on purpose
 * rather than left at Node's defaults (a request may take 300 s to arrive; headers 60 s), which
 * let a client that declares a body and never sends it, or never finishes its headers, hold a
 * connection for minutes.
 * - requestTimeout bounds receiving the whole request (headers and body). It does not bound the
 *   response, so streamed replies are unaffected.
 * - headersTimeout bounds receiving the headers.
 * - keepAliveTimeout is how long an idle connection is kept for the next request: above common
 *   load-balancer idle timeouts (60 s), so the balancer closes idle connections first.
 * Node checks these every connectionsCheckingInterval; a second keeps the bounds close.
 */
export function serverOptions(c: Config): ServerOptions {
  return {
    requestTimeout: c.REQUEST_TIMEOUT_MS,
    headersTimeout: c.HEADERS_TIMEOUT_MS,
    keepAliveTimeout: c.KEEP_ALIVE_TIMEOUT_MS,
    connectionsCheckingInterval: Math.min(1000, c.HEADERS_TIMEOUT_MS),
    highWaterMark: SOCKET_BUFFER_BYTES,
    // Node's own 400 for an HTTP/1.1 request without Host is a bare status line: the app answers
    // it instead, with the JSON error body (app.ts).
    requireHostHeader: false,
  };
}

/** The HTTP server of `app`, with these options, and JSON answers to what Node refuses itself. */
export function createHttpServer(app: RequestListener, c: Config): Server {
  const server = createServer(serverOptions(c), app);
  answerClientErrors(server);
  return server;
}
