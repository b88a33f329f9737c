import type { Response } from 'express';
import { AppError } from '../../lib/errors.js';
import { PlacesPerKey } from '../../lib/http/response-closed.js';

/**
 * Exports a user runs at once on this process. An export holds a cursor batch (up to
 * PAGE_SIZE_MAX messages, each up to a whole reply) and a part of the file while its client takes
 * the last: bounded for one, but one account opening many at once and reading none would take the
 * memory every user's requests share. Counted per process, what it protects, until each response
 * closes, as followed replies are (reader-cap.ts).
 */
export const EXPORTS_PER_USER = 2;

const open = new PlacesPerKey();

/** Takes one of the user's export places for this response, or refuses with 429. */
export function admitExport(userId: string, res: Response): void {
  if (open.count(userId) >= EXPORTS_PER_USER)
    throw new AppError(
      'RATE_LIMITED',
      `At most ${EXPORTS_PER_USER} exports can run at once; try again when one has finished`,
      { headers: { 'Retry-After': '1' } },
    );
  open.holdUntilClosed(userId, res);
}
