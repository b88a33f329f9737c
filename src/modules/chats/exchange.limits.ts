import { config } from '../../lib/config.js';
import { AppError } from '../../lib/errors.js';
import { acquireLease, type Lease } from './generation/leases.js';
import { hit } from '../../lib/rate-limit/mongo-store.js';

const MINUTE = 60_000;

/** Messages per user per minute, counted in the database so every instance shares the budget. */
export async function checkMessageRate(userId: string, now = new Date()): Promise<void> {
  const c = config();
  if (!c.RATE_LIMITS_ENABLED) return;
  const counter = await hit(`messages:${userId}`, MINUTE, now, c.MESSAGES_PER_MINUTE);
  if (counter.hits > c.MESSAGES_PER_MINUTE) {
    const retryAfter = Math.max(1, Math.ceil((counter.resetAt.getTime() - now.getTime()) / 1000));
    throw new AppError(
      'RATE_LIMITED',
      `At most ${c.MESSAGES_PER_MINUTE} messages per minute; try again shortly`,
      {
        headers: { 'Retry-After': String(retryAfter) },
      },
    );
  }
}

/** A generation slot of the user, or 429 when all of them are busy. */
export async function takeGenerationSlot(userId: string, chatId: string): Promise<Lease> {
  const lease = await acquireLease(userId, chatId);
  if (!lease) {
    const max = config().MAX_CONCURRENT_STREAMS;
    throw new AppError(
      'TOO_MANY_STREAMS',
      `At most ${max} replies can be generated at once; wait for one to finish`,
      {
        headers: { 'Retry-After': '1' },
      },
    );
  }
  return lease;
}
