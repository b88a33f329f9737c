import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { RequestHandler } from 'express';
import { whenClosed } from './response-closed.js';

/**
 * What is left to send of a socket's output, as two counts that only go down while its client
 * reads: the bytes Node still holds (`writableLength`), and libuv's queue of the write under way
 * (the handle's `writeQueueSize`, outside Node's documented API). Node counts a write as pending
 * until all of it has gone to the kernel, so a JSON answer, written in one piece, shows no progress
 * in `writableLength` while a slow client reads it; libuv's queue shrinks each time the kernel takes
 * more. On a handle without that count, `writableLength` alone tells.
 */
export function unsent(socket: Socket): { held: number; queued: number } {
  const handle = (socket as unknown as { _handle?: { writeQueueSize?: unknown } })._handle;
  const queued = handle?.writeQueueSize;
  return { held: socket.writableLength, queued: typeof queued === 'number' ? queued : 0 };
}

/**
 * Destroys the connection of `res` (ended, with bytes left in the process) once its client has
 * taken none of them for `timeoutMs`.
 */
function watchSending(res: ServerResponse, socket: Socket, timeoutMs: number): void {
  let last = unsent(socket);
  const timer = setTimeout(() => {
    const now = unsent(socket);
    if (socket.destroyed || now.held === 0) return;
    if (now.held < last.held || now.queued < last.queued) {
      last = now;
      timer.refresh();
      return;
    }
    socket.destroy();
  }, timeoutMs);
  timer.unref();
  // Sent in full (the kernel has the rest) or its client gone: nothing left to watch.
  whenClosed(res, () => clearTimeout(timer));
}

/**
 * nginx's `send_timeout`: a client that takes none of an answer for `timeoutMs` loses its
 * connection. An answer is built whole before it is sent (a page of messages can be megabytes),
 * and what the kernel does not take at once stays in this process until the client reads it; a
 * client that keeps its connection open and never reads held it for good (12 such GETs of a page
 * held 58 MB), since the server's other timeouts only bound receiving requests. The clock starts
 * once the response has ended with bytes still in the process and restarts whenever the client
 * takes some, so a slow client that keeps reading (a phone on a weak network) gets the whole
 * answer. A stream is not watched while it streams: its writer waits for a full socket, bounded by
 * its own stall timeout (sse.ts); only once it has ended does this bound what it left unsent. An
 * answer the socket took at once (almost every one) costs a listener and no timer.
 */
export function sendTimeout(timeoutMs: number): RequestHandler {
  function ended(this: ServerResponse): void {
    const socket = this.socket;
    if (socket && !socket.destroyed && socket.writableLength > 0)
      watchSending(this, socket, timeoutMs);
  }
  return (_req, res, next) => {
    // 'prefinish': end() has been called and the response holds the socket (one request at a
    // time per connection); 'finish' only comes once the kernel has taken the last byte.
    res.once('prefinish', ended);
    next();
  };
}
