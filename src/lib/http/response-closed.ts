import type { ServerResponse } from 'node:http';

/** Whether the response has closed: sent in full, or its client went away. */
export const hasClosed = (res: ServerResponse): boolean =>
  res.closed || Boolean(res.socket?.destroyed);

/**
 * Calls `onClose` once the response has closed, at once when it already has. A response closes
 * once: a client that hung up while the request waited on the database has had its `close`
 * already, and a listener added after it would never run (a place, a slot or a reader kept for
 * good).
 */
export function whenClosed(res: ServerResponse, onClose: () => void): void {
  if (hasClosed(res)) onClose();
  else res.once('close', onClose);
}
