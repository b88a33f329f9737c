import { afterEach, describe, expect, it, vi } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { createUser } from '../helpers/users.js';

// Repro (clock): the fixed, epoch-aligned windows let a client spend a limit twice within a
// couple of seconds across a window's end, while README's limits table says
// "LOGIN_LIMIT_PER_ACCOUNT [10] per LOGIN_WINDOW_SECONDS [900]".
const ctx = useTestApp({
  TRUST_PROXY: '1',
  LOGIN_LIMIT_PER_ACCOUNT: '3',
  LOGIN_LIMIT_PER_IP: '50',
});
let ip = 0;
const login = (email: string, password: string) =>
  ctx
    .request()
    .post('/api/auth/login')
    .set('X-Forwarded-For', `10.77.${(ip += 1)}.1`)
    .send({ email, password });

afterEach(() => vi.useRealTimers());

describe('a burst straddling a login window boundary', () => {
  it('when failed guesses straddle the end of a login window, then at most twice LOGIN_LIMIT_PER_ACCOUNT get through, as README says, and no more', async () => {
    const account = await createUser();
    const windowMs = 900_000;
    const boundary = Math.ceil(Date.now() / windowMs) * windowMs;
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(boundary - 1000);
    const failed: number[] = [];
    for (let i = 0; i < 4; i += 1)
      failed.push((await login(account.email, 'wrong password')).status);
    vi.setSystemTime(boundary + 500);
    for (let i = 0; i < 4; i += 1)
      failed.push((await login(account.email, 'wrong password')).status);
    const guessesIn1500ms = failed.filter((s) => s === 401).length;
    // README (Limits): the fixed windows let a limit be spent twice across a window's end, no more.
    expect(guessesIn1500ms).toBe(6);
  });
});
