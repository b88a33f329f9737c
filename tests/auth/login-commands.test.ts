import type { CommandStartedEvent } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { NO_TIGHT_LIMITS } from '../helpers/auth.js';
import { monitoredClient, named } from '../helpers/commands.js';
import { createUser } from '../helpers/users.js';

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
  it('when a user logs in again from a network noted before, then 4 commands: the account, the session, the account again, the network', async () => {
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
      'update:login_networks',
    ]);
  });
});
