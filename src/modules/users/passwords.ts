import bcrypt from 'bcrypt';
import { config } from '../../lib/config.js';

/**
 * bcrypt runs on libuv's thread pool (4 threads by default). Capping concurrent hashes below that
 * keeps threads free for DNS, file and crypto work during a login storm.
 */
let running = 0;
const waiting: (() => void)[] = [];

async function withSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= config().BCRYPT_MAX_CONCURRENCY)
    await new Promise<void>((resolve) => waiting.push(resolve));
  else running += 1;
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
