import net from 'node:net';
import bcrypt from 'bcrypt';
import { describe, expect, it, vi } from 'vitest';
import { User } from '../../src/modules/users/user.model.js';
import { uniqueEmail, useTestApp } from '../helpers/app.js';
import { bearer, expectError, NO_TIGHT_LIMITS, rateLimitHits, signUp } from '../helpers/auth.js';
import { eventually } from '../helpers/eventually.js';
import { listen } from '../helpers/sse.js';
import { passwordChecksWaiting } from '../../src/modules/users/passwords.js';

// Two hashes run at once and three more may wait; one address range may hold four of those places.
const ctx = useTestApp({
  ...NO_TIGHT_LIMITS,
  TRUST_PROXY: '1',
  BCRYPT_MAX_CONCURRENCY: '2',
  BCRYPT_MAX_QUEUE: '3',
  PASSWORD_CHECKS_PER_ADDRESS: '4',
});

const login = (email: string, password: string, ip: string) =>
  ctx.request().post('/api/auth/login').set('X-Forwarded-For', ip).send({ email, password });

/** A login sent on a connection of its own, which `hangUp` drops (once sent) like a client going away. */
function rawLogin(port: number, email: string, password: string, ip: string) {
  const body = JSON.stringify({ email, password });
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  const sent = new Promise<void>((resolve) =>
    socket.write(
      `POST /api/auth/login HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: ${ip}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      () => resolve(),
    ),
  );
  return { hangUp: () => sent.then(() => socket.destroy()) };
}

/**
 * bcrypt's compare, held for the passwords `holds` names until `release` (the real compare runs
 * then): checks stay running, or waiting for a turn, for as long as a test needs.
 */
function holdCompares(holds: (password: string) => boolean) {
  const compare = bcrypt.compare.bind(bcrypt) as (data: string, hash: string) => Promise<boolean>;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const spy = vi.spyOn(bcrypt, 'compare').mockImplementation((async (
    data: string,
    hash: string,
  ) => {
    if (holds(data)) await released;
    return compare(data, hash);
  }) as never);
  const comparedWith = (password: string) =>
    spy.mock.calls.filter(([data]) => data === password).length;
  return { spy, release, comparedWith };
}

function statuses(results: { status: number }[]) {
  const count: Record<number, number> = {};
  for (const r of results) count[r.status] = (count[r.status] ?? 0) + 1;
  return count;
}

describe('the password-hashing queue is bounded and shared fairly', () => {
  it('when one account sends many password changes at once, then one runs at a time, the rest get 429 with Retry-After, and another user still logs in', async () => {
    const attacker = await signUp(ctx, { ip: '198.51.100.7' });
    const victim = await signUp(ctx, { ip: '203.0.113.9' });
    const flood = Array.from({ length: 30 }, () =>
      ctx
        .request()
        .post('/api/auth/password')
        .set('X-Forwarded-For', '198.51.100.7')
        .set(bearer(attacker.accessToken))
        .send({ currentPassword: 'wrong password', newPassword: 'another password 1' }),
    );
    const [results, victimLogin] = await Promise.all([
      Promise.all(flood),
      login(victim.email, victim.password, '203.0.113.9'),
    ]);
    expect(victimLogin.status).toBe(200);
    const count = statuses(results);
    expect(Object.keys(count).sort()).toEqual(['401', '429']);
    expect(count[429]).toBeGreaterThan(0);
    const refused = results.find((r) => r.status === 429)!;
    expectError(refused, 429, 'TOO_MANY_PASSWORD_CHECKS');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('when one IPv6 /48 spreads logins over many /56s and accounts, then it holds at most its share and the rest get 429', async () => {
    const victim = await signUp(ctx, { ip: '203.0.113.10' });
    const flood = Array.from({ length: 12 }, (_, i) =>
      login(uniqueEmail('nobody'), 'wrong password', `2001:db8:77:${(i + 1).toString(16)}00::1`),
    );
    const [results, victimLogin] = await Promise.all([
      Promise.all(flood),
      login(victim.email, victim.password, '203.0.113.10'),
    ]);
    expect(victimLogin.status).toBe(200);
    const count = statuses(results);
    expect(Object.keys(count).sort()).toEqual(['401', '429']);
    // At most four at once: how many more get through depends on how fast the first ones finish.
    expect(count[429]).toBeGreaterThan(0);
    expectError(
      results.find((r) => r.status === 429)!,
      429,
      'TOO_MANY_PASSWORD_CHECKS',
    );
  });

  it('when the queue is full, then further password checks fail fast with 503 SERVER_BUSY and Retry-After', async () => {
    const flood = Array.from({ length: 12 }, (_, i) =>
      login(uniqueEmail('nobody'), 'wrong password', `192.0.2.${i + 1}`),
    );
    const results = await Promise.all(flood);
    const count = statuses(results);
    expect(Object.keys(count).sort()).toEqual(['401', '503']);
    // Two running and three waiting at most: the others are turned away at once (how many depends
    // on how fast the first ones finish on a busy machine).
    expect(count[503]).toBeGreaterThan(0);
    const busy = results.find((r) => r.status === 503)!;
    expectError(busy, 503, 'SERVER_BUSY');
    expect(Number(busy.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('when a stranger hangs up while the login waits on the database, then no password is checked for it, it holds no place of the account or the address, and the owner logs in', async () => {
    const owner = await signUp(ctx, { ip: '203.0.113.20' });
    const server = await listen(ctx.app);
    const strangers = () => server.served.find((s) => s.url === '/api/auth/login');
    // The brakes before the gate look the account up: that lookup is held until the server has
    // seen the stranger's connection close, so the gate runs on a response closed already.
    const compare = vi.spyOn(bcrypt, 'compare');
    const findOne = User.collection.findOne.bind(User.collection);
    const held = vi
      .spyOn(User.collection, 'findOne')
      .mockImplementation(async (...args: Parameters<typeof findOne>) => {
        if ((args[0] as { email?: string } | undefined)?.email === owner.email) {
          await eventually(() => Promise.resolve(strangers()?.res.closed), Boolean);
        }
        return findOne(...args);
      });
    try {
      await rawLogin(server.port, owner.email, 'wrong password', '198.51.100.44').hangUp();
      // The stranger's request came to the gate: the last brake before it counted it.
      await eventually(
        () => rateLimitHits('login-account'),
        (hits) => hits[`login-account:${owner.email}`] === 1,
      );
      held.mockRestore();
      expect((await login(owner.email, owner.password, '203.0.113.20')).status).toBe(200);
      // No password was checked for the request nobody could read the answer of.
      expect(compare.mock.calls.filter(([password]) => password === 'wrong password')).toEqual([]);
      // The stranger's address holds no place either: four at once from it all get through.
      const fromThere = await Promise.all(
        [1, 2, 3, 4].map(() => login(uniqueEmail('nobody'), 'wrong password', '198.51.100.44')),
      );
      expect(fromThere.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    } finally {
      held.mockRestore();
      compare.mockRestore();
      await server.close();
    }
  });

  it('when a client hangs up while its login waits for a turn, then it leaves the queue, no password is checked for it, and its address holds no place', async () => {
    const [a, b] = [await signUp(ctx), await signUp(ctx)];
    const server = await listen(ctx.app);
    const held = holdCompares((password) => password === 'wrong password');
    try {
      // Both turns taken by checks that run until released.
      const running = [
        login(a.email, 'wrong password', '192.0.2.61'),
        login(b.email, 'wrong password', '192.0.2.62'),
      ].map((request) => request.then((r) => r));
      expect(
        await eventually(
          () => Promise.resolve(held.comparedWith('wrong password')),
          (n) => n === 2,
        ),
      ).toBe(2);
      const stranger = rawLogin(
        server.port,
        uniqueEmail('nobody'),
        'stranger password',
        '198.51.100.61',
      );
      expect(
        await eventually(
          () => Promise.resolve(passwordChecksWaiting()),
          (n) => n === 1,
        ),
      ).toBe(1);
      await stranger.hangUp();
      // Out of the queue as soon as the server sees the connection close.
      expect(
        await eventually(
          () => Promise.resolve(passwordChecksWaiting()),
          (n) => n === 0,
        ),
      ).toBe(0);
      held.release();
      expect((await Promise.all(running)).map((r) => r.status)).toEqual([401, 401]);
      expect(held.comparedWith('stranger password')).toBe(0);
      const fromThere = await Promise.all(
        [1, 2, 3, 4].map(() => login(uniqueEmail('nobody'), 'wrong password', '198.51.100.61')),
      );
      expect(fromThere.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    } finally {
      held.release();
      held.spy.mockRestore();
      await server.close();
    }
  });

  it('when a client hangs up while its password is being checked, then its places stay held until the check is over', async () => {
    const owner = await signUp(ctx, { ip: '203.0.113.70' });
    const server = await listen(ctx.app);
    const held = holdCompares((password) => password === 'stranger password');
    try {
      const stranger = rawLogin(server.port, owner.email, 'stranger password', '198.51.100.70');
      expect(
        await eventually(
          () => Promise.resolve(held.comparedWith('stranger password')),
          (n) => n === 1,
        ),
      ).toBe(1);
      await stranger.hangUp();
      expect(
        await eventually(
          () => Promise.resolve(server.lastServed('POST', '/api/auth/login').res.closed),
          Boolean,
        ),
      ).toBe(true);
      // bcrypt still runs for the request that left: the account's one place is still taken.
      expectError(
        await login(owner.email, owner.password, '203.0.113.70'),
        429,
        'TOO_MANY_PASSWORD_CHECKS',
      );
      held.release();
      const after = await eventually(
        () => login(owner.email, owner.password, '203.0.113.70'),
        (r) => r.status === 200,
      );
      expect(after.status).toBe(200);
    } finally {
      held.release();
      held.spy.mockRestore();
      await server.close();
    }
  });
});
