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

/**
 * Places per key (a user, an account, an address range) held by open responses: each place
 * taken is given back when its response closes, however it ends. What admission caps count.
 */
export class PlacesPerKey {
  private readonly held = new Map<string, number>();

  /** How many of `key`'s places are held now. */
  count(key: string): number {
    return this.held.get(key) ?? 0;
  }

  /** Takes one of `key`'s places until `res` closes (at once, when it already has). */
  holdUntilClosed(key: string, res: ServerResponse): void {
    whenClosed(res, this.hold(key));
  }

  /** Takes one of `key`'s places; the returned function gives it back (once). */
  hold(key: string): () => void {
    this.held.set(key, this.count(key) + 1);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      const left = this.count(key) - 1;
      if (left > 0) this.held.set(key, left);
      else this.held.delete(key);
    };
  }
}
