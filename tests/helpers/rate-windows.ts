import { beforeEach } from 'vitest';
import { config } from '../../src/lib/config.js';

/**
 * Limits count in fixed windows aligned to the epoch (src/lib/rate-limit/mongo-store.ts): a
 * 60-second window ends at every full minute, a 900-second one at :00, :15, :30 and :45, a day at
 * midnight UTC. A test that counts requests up to a limit and happens to run across a window's end
 * sees the count reset halfway and fails through no fault of the code. Before such a test, this
 * waits, when any of the given windows has less than `neededSeconds` left, until it has begun
 * again.
 */
export async function insideOneWindow(
  windowSeconds: number | number[],
  neededSeconds = 15,
): Promise<void> {
  const windows = [windowSeconds].flat().map((seconds) => seconds * 1000);
  const leftMs = () => Math.min(...windows.map((ms) => ms - (Date.now() % ms)));
  while (leftMs() < neededSeconds * 1000) {
    await new Promise((resolve) => setTimeout(resolve, leftMs() + 200));
  }
}

/**
 * For a file whose tests count failed logins, re-authentications or sign-ups against their limits:
 * each test starts with at least 15 s left in the login and sign-up windows.
 */
export function useWholeAuthWindows(): void {
  beforeEach(() =>
    insideOneWindow([config().LOGIN_WINDOW_SECONDS, config().SIGNUP_WINDOW_SECONDS]),
  );
}

/** For a file whose tests spend a daily token budget: no test starts in a day's last 15 s (UTC). */
export function useWholeDays(): void {
  beforeEach(() => insideOneWindow(86_400));
}
