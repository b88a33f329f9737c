import { afterEach, describe, expect, it, vi } from 'vitest';
import mongoose from '../../src/lib/db/mongoose.js';
import { Session } from '../../src/modules/auth/session.model.js';
import { uniqueEmail, useTestApp } from '../helpers/app.js';
import { holdCall } from '../helpers/hold-call.js';
import { createUser } from '../helpers/users.js';

// A request counted in one window whose answer takes its hit back (a right password) in the next
// must not remove a hit of the new window (another request's counted failure).
const ctx = useTestApp({
  TRUST_PROXY: '1',
  LOGIN_LIMIT_PER_IP: '3',
  LOGIN_LIMIT_PER_ACCOUNT: '100',
  PASSWORD_CHECKS_PER_IP_PER_MINUTE: '1000',
});
const IP = '10.99.1.1';
const login = (email: string, password: string) =>
  ctx.request().post('/api/auth/login').set('X-Forwarded-For', IP).send({ email, password });

afterEach(() => vi.useRealTimers());

describe('a hit taken back after its window ended', () => {
  it('when a right password counted before a window ends is answered after it, then its take-back removes no failure counted in the new window', async () => {
    const own = await createUser({ label: 'clock-own' });
    const windowMs = 900_000;
    const boundary = Math.ceil(Date.now() / windowMs) * windowMs;
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(boundary - 500);
    // The attacker's own account, right password: counted in window 1, answered in window 2.
    const opening = holdCall(Session.collection, 'insertOne');
    const right = login(own.email, own.password).then((r) => r);
    await opening.reached;
    vi.setSystemTime(boundary + 500);
    // Window 2: three failed guesses from the same address reach LOGIN_LIMIT_PER_IP.
    for (let i = 0; i < 3; i += 1)
      expect((await login(uniqueEmail('victim'), 'wrong password')).status).toBe(401);
    opening.release();
    expect((await right).status).toBe(200);
    opening.restore();
    await new Promise((r) => setTimeout(r, 500)); // the take-back runs once the answer is sent
    const slots = mongoose.connection.collection('rate_limits');
    const inWindow2 = await slots.countDocuments({
      key: `login-ip:${IP}`,
      resetAt: new Date(boundary + windowMs),
    });
    // Three failures were counted in window 2; none of them may be taken back.
    expect(inWindow2).toBe(3);
    expect((await login(uniqueEmail('victim'), 'wrong password')).status).toBe(429);
  });
});
