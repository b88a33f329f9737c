import bcrypt from 'bcrypt';
import { config } from '../../lib/config.js';
import { AppError } from '../../lib/errors.js';

/**
 * bcrypt runs on libuv's thread pool (4 threads by default). Capping concurrent hashes below that
 * keeps threads free for DNS, file and crypto work during a login storm. The queue behind them is
 * bounded too: past BCRYPT_MAX_QUEUE waiting checks, a request is turned away at once rather than
 * waiting seconds (at cost 12, each place in the queue is a quarter of a second for everyone).
 * Who may take places is decided before (password-gate.ts): one check per account, a few per address.
 */
let running = 0;
const waiting: (() => void)[] = [];

async function withSlot<T>(work: () => Promise<T>): Promise<T> {
  const c = config();
  if (running >= c.BCRYPT_MAX_CONCURRENCY) {
    if (waiting.length >= c.BCRYPT_MAX_QUEUE)
      throw new AppError('SERVER_BUSY', 'The server is busy checking passwords; retry shortly', {
        headers: { 'Retry-After': '1' },
      });
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else running += 1;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  }
}

export const hashPassword = (password: string) =>
  withSlot(() => bcrypt.hash(password, config().bcryptCost));

export const verifyPassword = (password: string, hash: string) =>
  withSlot(() => bcrypt.compare(password, hash));

// Compared against when the email is unknown, so both cases cost one bcrypt compare.
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= bcrypt.hash('not-a-real-password', config().bcryptCost);
  await verifyPassword(password, await dummyHash);
}
