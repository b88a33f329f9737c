import type { Response } from 'express';
import { config } from '../../lib/config.js';
import { AppError } from '../../lib/errors.js';
import { PlacesPerKey } from '../../lib/http/response-closed.js';

/**
 * Replies followed here by each user through a reconnect or another tab (GET …/stream, or a POST
 * that carries Last-Event-ID), counted until each response closes. A reader costs this process
 * its socket's buffers and its place among a reply's followers while it lasts, and nothing else
 * bounds how many one account opens: without a cap, one account holding thousands of paused
 * readers would take the memory every user's streams share. Counted per process (what it
 * protects is this process's memory), so it needs no database round trip.
 */
const open = new PlacesPerKey();

/** Takes one of the user's reader places for this response, or refuses with 429. */
export function admitReader(userId: string, res: Response): void {
  const max = config().MAX_READERS_PER_USER;
  if (open.count(userId) >= max)
    throw new AppError(
      'TOO_MANY_STREAMS',
      `At most ${max} reply streams can be followed at once; close one first`,
      { headers: { 'Retry-After': '1' } },
    );
  open.holdUntilClosed(userId, res);
}
