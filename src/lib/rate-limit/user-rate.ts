import { config } from '../config.js';
import { AppError } from '../errors.js';
import { hit } from './mongo-store.js';

/**
 * A per-user budget of some action in aligned windows, counted in the database so every instance
 * shares it; past `limit`, 429 RATE_LIMITED with the seconds until the window ends. Keys are
 * `<name>:<userId>`, which account deletion purges.
 */
export async function checkUserRate(
  name: string,
  userId: string,
  limit: number,
  windowMs: number,
  message: string,
  now = new Date(),
): Promise<void> {
  if (!config().RATE_LIMITS_ENABLED) return;
  const counter = await hit(`${name}:${userId}`, windowMs, now, limit);
  if (counter.hits > limit) {
    const retryAfter = Math.max(1, Math.ceil((counter.resetAt.getTime() - now.getTime()) / 1000));
    throw new AppError('RATE_LIMITED', message, {
      headers: { 'Retry-After': String(retryAfter) },
    });
  }
}
