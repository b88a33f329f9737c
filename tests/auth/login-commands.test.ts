import type { CommandStartedEvent } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { NO_TIGHT_LIMITS } from '../helpers/auth.js';
import { monitoredClient, named } from '../helpers/commands.js';
import { createUser } from '../helpers/users.js';
import { Session } from '../../src/modules/auth/session.model.js';

// The figure-6 configuration: no brakes in front of the password check, so what is counted is
// the login's own work.
const ctx = useTestApp({
  ...NO_TIGHT_LIMITS,
  RATE_LIMITS_ENABLED: 'false',
  DB_COMMAND_METRICS: 'true',
});
const commands: CommandStartedEvent[] = [];

beforeAll(() => {
  monitoredClient().on('commandStarted', (event) => commands.push(event));
});

const login = (email: string, password: string) =>
  ctx.request().post('/api/auth/login').send({ email, password });

async function commandsOf(action: () => Promise<void>): Promise<string[]> {
  commands.length = 0;
  await action();
  return commands.map(named);
}

describe('database work per login', () => {
  it('when a user logs in again from a network noted before, then 5 commands: the account, the session, the account again, the sessions past the cap, the network', async () => {
    const account = await createUser();
    const first = await commandsOf(async () => {
      expect((await login(account.email, account.password)).status).toBe(200);
    });
    // A new network is inserted, and the list pruned to the most recent ones.
    expect(first).toContain('insert:login_networks');
    expect(first).toContain('find:login_networks');

    const again = await commandsOf(async () => {
      expect((await login(account.email, account.password)).status).toBe(200);
    });
    expect(again).toEqual([
      'find:users',
      'insert:sessions',
      // After the insert: an account deleted or disabled meanwhile leaves no session behind.
      'find:users',
      // MAX_SESSIONS_PER_USER: the live sessions past the cap (none here), to end them.
      'find:sessions',
      'update:login_networks',
    ]);
  });

  it('when a user logs in, then the session is stored whole: its timestamps, its token hash, its agent and empty rotation fields', async () => {
    const account = await createUser();
    const before = Date.now();
    const res = await ctx
      .request()
      .post('/api/auth/login')
      .set('User-Agent', 'login-commands/1.0')
      .send({ email: account.email, password: account.password });
    expect(res.status).toBe(200);
    const stored = await Session.find({ userId: account.user.id }).sort({ _id: -1 }).lean();
    // The session the test user was made with, then the login's.
    expect(stored).toHaveLength(2);
    const session = stored[0]!;
    expect(Object.keys(session).sort()).toEqual(
      [
        '_id',
        'createdAt',
        'expiresAt',
        'previousRefreshTokenHash',
        'refreshTokenHash',
        'revokedAt',
        'rotatedAt',
        'updatedAt',
        'userAgent',
        'userId',
      ].sort(),
    );
    expect(session).toMatchObject({
      previousRefreshTokenHash: null,
      rotatedAt: null,
      revokedAt: null,
      userAgent: 'login-commands/1.0',
    });
    expect(session.refreshTokenHash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(session.updatedAt).toEqual(session.createdAt);
    expect(session.expiresAt.getTime()).toBeGreaterThan(Date.now() + 86_400_000);
  });
});
