import bcrypt from 'bcrypt';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { RateLimitSlot } from '../../src/lib/rate-limit/mongo-store.js';
import { useTestApp } from '../helpers/app.js';
import { signUp } from '../helpers/auth.js';
import { eventually } from '../helpers/eventually.js';
import { insideOneWindow, useWholeAuthWindows } from '../helpers/rate-windows.js';

// One office behind one address: one password check at a time from it, 3 failed checks a window.
const ctx = useTestApp({
  TRUST_PROXY: '1',
  LOGIN_LIMIT_PER_ACCOUNT: '1000',
  LOGIN_LIMIT_PER_IP: '3',
  SIGNUP_LIMIT_PER_IP: '1000',
  PASSWORD_CHECKS_PER_ADDRESS: '1',
});

const OFFICE = '198.51.100.80';
const login = (email: string, password: string) =>
  ctx.request().post('/api/auth/login').set('X-Forwarded-For', OFFICE).send({ email, password });
/**
 * A login retried while the gate refuses it, as Retry-After says: the place a previous check held
 * may be given back a moment after its answer arrived (a loaded machine).
 */
/**
 * Waits until the address's brake holds `n` hits: a hit taken back (an answer that checked no
 * password, or a right one) is deleted just after its answer is sent.
 */
async function addressHitsSettleAt(n: number) {
  const hits = () => RateLimitSlot.countDocuments({ key: `login-ip:${OFFICE}` });
  expect(await eventually(hits, (count) => count === n)).toBe(n);
}

/** Waits until the address's count of password checks (right or wrong) holds `n` hits. */
async function addressChecksSettleAt(n: number) {
  const hits = () => RateLimitSlot.countDocuments({ key: `password-checks-ip:${OFFICE}` });
  expect(await eventually(hits, (count) => count === n)).toBe(n);
}

async function loginWhenAdmitted(email: string, password: string) {
  for (;;) {
    const res = await login(email, password);
    if (res.body?.error?.code !== 'TOO_MANY_PASSWORD_CHECKS') return res;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

useWholeAuthWindows();
// The password checks are counted per minute: the test starts with 15 s of its minute left.
beforeEach(() => insideOneWindow(60));

describe("the password gate's refusals and the login brakes", () => {
  it('when colleagues behind one address log in with their right passwords while one check runs, then the refusals count as no failed check and no password check, and the next colleague still logs in', async () => {
    const [ann, bob, cid] = [
      await signUp(ctx, { ip: '192.0.2.81' }),
      await signUp(ctx, { ip: '192.0.2.82' }),
      await signUp(ctx, { ip: '192.0.2.83' }),
    ];
    const compare = bcrypt.compare.bind(bcrypt) as (d: string, h: string) => Promise<boolean>;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held = 0;
    // Ann's check is held: the address's one place stays taken meanwhile.
    const spy = vi.spyOn(bcrypt, 'compare').mockImplementation((async (d: string, h: string) => {
      if (held === 0) {
        held += 1;
        await released;
      }
      return compare(d, h);
    }) as never);
    try {
      const first = login(ann.email, ann.password).then((res) => res);
      await eventually(
        () => Promise.resolve(held),
        (n) => n === 1,
      );
      // Bob, with his right password, retries as Retry-After: 1 says while Ann's check runs.
      const bobCodes: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        await addressHitsSettleAt(1); // Ann's check, still running
        const res = await login(bob.email, bob.password);
        expect(res.status).toBe(429);
        bobCodes.push((res.body as { error: { code: string } }).error.code);
      }
      expect(bobCodes).toEqual(Array(3).fill('TOO_MANY_PASSWORD_CHECKS'));
      release();
      expect((await first).status).toBe(200);
    } finally {
      release();
      spy.mockRestore();
    }
    // No password failed: the address's three failed checks are all left. Nor was one checked
    // for Bob: his refusals do not count among the address's password checks either, Ann's does.
    await addressHitsSettleAt(0);
    await addressChecksSettleAt(1);
    const next = await loginWhenAdmitted(cid.email, cid.password);
    expect(next.status, JSON.stringify(next.body)).toBe(200);
    for (let i = 0; i < 3; i += 1) {
      await addressHitsSettleAt(i);
      expect((await loginWhenAdmitted(cid.email, 'wrong password')).status).toBe(401);
    }
    await addressHitsSettleAt(3);
    const braked = await loginWhenAdmitted(cid.email, cid.password);
    expect(braked.status).toBe(429);
    expect(braked.body.error.code).toBe('RATE_LIMITED');
    // Cid's four checks counted; the brake's refusal, which checked none, did not.
    await addressChecksSettleAt(5);
  });
});
