import type { CommandStartedEvent } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Response } from 'supertest';
import { User } from '../../src/modules/users/user.model.js';
import { uniqueEmail, useTestApp } from '../helpers/app.js';
import {
  accountsSnapshot,
  bearer,
  expectError,
  NO_TIGHT_LIMITS,
  PASSWORD,
} from '../helpers/auth.js';
import { monitoredClient, named } from '../helpers/commands.js';
import { createUser } from '../helpers/users.js';

const ctx = useTestApp({ ...NO_TIGHT_LIMITS, DB_COMMAND_METRICS: 'true' });
const commands: CommandStartedEvent[] = [];
beforeAll(() => {
  monitoredClient().on('commandStarted', (event) => commands.push(event));
});

// Headers that legitimately differ between two otherwise identical responses.
const VARYING_HEADERS = new Set([
  'x-request-id',
  'date',
  'ratelimit',
  'ratelimit-remaining',
  'ratelimit-reset',
  'ratelimit-limit',
  'ratelimit-policy',
]);
const stableHeaders = (res: Response) =>
  Object.fromEntries(
    Object.entries(res.headers)
      .filter(([name]) => !VARYING_HEADERS.has(name))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
const withoutRequestId = (res: Response) => ({
  ...res.body,
  error: { ...res.body.error, requestId: undefined },
});

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const result = await work();
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
}

describe('login failures do not reveal whether an account exists', () => {
  it('when the email is unknown or the password is wrong, then status, body and headers are identical', async () => {
    const account = await createUser();
    const wrongPassword = await ctx
      .request()
      .post('/api/auth/login')
      .send({ email: account.email, password: 'wrong password!' });
    const unknownEmail = await ctx
      .request()
      .post('/api/auth/login')
      .send({ email: uniqueEmail('nobody'), password: 'wrong password!' });
    expectError(wrongPassword, 401, 'INVALID_CREDENTIALS');
    expectError(unknownEmail, 401, 'INVALID_CREDENTIALS');
    expect(withoutRequestId(unknownEmail)).toEqual(withoutRequestId(wrongPassword));
    expect(Object.keys(unknownEmail.headers).sort()).toEqual(
      Object.keys(wrongPassword.headers).sort(),
    );
    expect(stableHeaders(unknownEmail)).toEqual(stableHeaders(wrongPassword));
    expect(unknownEmail.headers['set-cookie']).toBeUndefined();
  });

  it('when the email is unknown or the password is wrong, then the login sends the same database commands, each filtered on a key alone (no scan on the embedded database)', async () => {
    const account = await createUser();
    const LOGIN_READS = /^find:(users by email|login_networks by )/;
    const commandsOf = async (email: string) => {
      commands.length = 0;
      const res = await ctx
        .request()
        .post('/api/auth/login')
        .send({ email, password: 'wrong password!' });
      expectError(res, 401, 'INVALID_CREDENTIALS');
      // The login's reads: of the accounts by email and of the owner's networks. Background work
      // of this process (sweeps, replies of earlier files' apps) reads by `_id` meanwhile.
      return commands
        .filter((c) => c.commandName === 'find')
        .map((c) => `${named(c)} by ${Object.keys(c.command.filter as object).join(',')}`)
        .filter((read) => LOGIN_READS.test(read));
    };
    const wrongPassword = await commandsOf(account.email);
    const unknownEmail = await commandsOf(uniqueEmail('nobody'));
    expect(unknownEmail).toEqual(wrongPassword);
    // The owner's networks (password-brake.ts) by their `_id` alone, for either.
    expect(wrongPassword).toContain('find:login_networks by _id');
  });

  it('when the email is unknown, then a dummy bcrypt compare makes it about as slow as a wrong password', async () => {
    const account = await createUser();
    const login = (email: string) =>
      ctx.request().post('/api/auth/login').send({ email, password: 'wrong password!' });
    await login(uniqueEmail('warmup')); // the dummy hash is computed once, on first use
    // Medians of a few runs; a real bcrypt compare (cost ≥ 10) takes tens of ms, a skipped one ~1 ms.
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      wrong.push((await timed(() => login(account.email)))[1]);
      unknown.push((await timed(() => login(uniqueEmail('nobody'))))[1]);
    }
    expect(median(unknown)).toBeGreaterThan(median(wrong) / 3);
  });
});

describe('a password has at least 8 characters and at most 72 UTF-8 bytes, never truncated', () => {
  const signup = (password: string) =>
    ctx
      .request()
      .post('/api/auth/signup')
      .send({ email: uniqueEmail('pw'), password });

  it.each([
    ['7 ASCII characters', 'x'.repeat(7)],
    ['3 × € (3 chars, 9 bytes)', '€€€'],
    ['73 ASCII bytes', 'x'.repeat(73)],
    ['25 × € (25 chars, 75 bytes)', '€'.repeat(25)],
    ['24 × € + one byte (73 bytes)', '€'.repeat(24) + 'x'],
    ['empty', ''],
  ])(
    'when the signup password is %s, then 400 and no user is created',
    async (_label, password) => {
      const before = await accountsSnapshot();
      const res = await signup(password);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.details).toEqual([{ path: 'password', message: expect.any(String) }]);
      expect(await accountsSnapshot()).toEqual(before);
    },
  );

  it.each([
    ['8 ASCII characters', 'x'.repeat(8)],
    ['72 ASCII bytes', 'x'.repeat(72)],
    ['24 × € (72 bytes)', '€'.repeat(24)],
    ['8 × é (8 chars, 16 bytes)', 'é'.repeat(8)],
  ])(
    'when the signup password is %s, then 201 and that exact password logs in',
    async (_label, password) => {
      const res = await signup(password);
      expect(res.status).toBe(201);
      const login = await ctx
        .request()
        .post('/api/auth/login')
        .send({ email: res.body.user.email, password });
      expect(login.status).toBe(200);
    },
  );

  it('when a login password is longer than 72 bytes but starts with the real 72-byte password, then it is refused', async () => {
    const password = 'p'.repeat(72);
    const account = await createUser({ password });
    const before = await accountsSnapshot();
    const res = await ctx
      .request()
      .post('/api/auth/login')
      .send({ email: account.email, password: `${password}EXTRA` });
    expect(res.status).not.toBe(200);
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(await accountsSnapshot()).toEqual(before);
  });

  it.each([
    ['over 72 bytes', () => '€'.repeat(25), 'Password must be at most 72 bytes (UTF-8)'],
    [
      'holding a line break',
      (current: string) => `${current}\n`,
      'Password must not contain control characters (such as NUL, a tab or a line break)',
    ],
    [
      'the current one',
      (current: string) => current,
      'The new password is the current one; choose another',
    ],
  ])(
    'when the new password on a change is %s, then 400 on newPassword and nothing changes: every session stays',
    async (_label, newPassword, message) => {
      const account = await createUser();
      const before = await accountsSnapshot();
      const res = await ctx
        .request()
        .post('/api/auth/password')
        .set(bearer(account.accessToken))
        .send({ currentPassword: account.password, newPassword: newPassword(account.password) });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.details).toEqual([{ path: 'newPassword', message }]);
      expect(await accountsSnapshot()).toEqual(before);
      const me = await ctx.request().get('/api/auth/me').set(bearer(account.accessToken));
      expect(me.status).toBe(200);
    },
  );

  it('when a sign-up password holds a control character, then 400 on password and no account; an old password holding one still logs in', async () => {
    // Eight NULs hash as every password of NULs does: one NUL would log in.
    for (const password of ['\0'.repeat(8), 'tab\tinside', 'line break\n', 'c1 \u0085 next line']) {
      const email = uniqueEmail('controls');
      const res = await ctx.request().post('/api/auth/signup').send({ email, password });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.details).toEqual([
        {
          path: 'password',
          message:
            'Password must not contain control characters (such as NUL, a tab or a line break)',
        },
      ]);
      expect(await User.countDocuments({ email })).toBe(0);
    }
    // Set before the rule: the login is not held to it.
    const account = await createUser({ password: 'old\tpassword' });
    const login = await ctx
      .request()
      .post('/api/auth/login')
      .send({ email: account.email, password: 'old\tpassword' });
    expect(login.status).toBe(200);
  });

  it('when the current password on a change or delete is over 72 bytes, then 400 and nothing changes', async () => {
    const password = 'q'.repeat(72);
    const account = await createUser({ password });
    const before = await accountsSnapshot();
    const change = await ctx
      .request()
      .post('/api/auth/password')
      .set(bearer(account.accessToken))
      .send({ currentPassword: `${password}!`, newPassword: 'another good password' });
    expectError(change, 400, 'VALIDATION_FAILED');
    const del = await ctx
      .request()
      .delete('/api/auth/me')
      .set(bearer(account.accessToken))
      .send({ password: `${password}!` });
    expectError(del, 400, 'VALIDATION_FAILED');
    expect(await accountsSnapshot()).toEqual(before);
  });
});

describe('password storage', () => {
  it('when an account is created, then the hash is bcrypt with cost ≥ 10 and appears in no response', async () => {
    const agent = ctx.request();
    const email = uniqueEmail('hash');
    const responses = [
      await agent.post('/api/auth/signup').send({ email, password: PASSWORD, name: 'H' }),
    ];
    const token = responses[0]!.body.accessToken as string;
    responses.push(await agent.post('/api/auth/login').send({ email, password: PASSWORD }));
    responses.push(await agent.get('/api/auth/me').set(bearer(token)));
    responses.push(await agent.patch('/api/auth/me').set(bearer(token)).send({ name: 'H2' }));
    responses.push(await agent.post('/api/auth/refresh'));
    responses.push(await agent.post('/api/auth/login').send({ email, password: 'wrong password' }));
    const stored = await User.findOne({ email }).lean();
    const [, cost] = /^\$2[aby]\$(\d\d)\$/.exec(stored!.passwordHash) ?? [];
    expect(Number(cost)).toBeGreaterThanOrEqual(10);
    const salt = stored!.passwordHash.slice(7, 29);
    for (const res of responses) {
      const everything =
        JSON.stringify(res.headers) + JSON.stringify(res.body ?? '') + (res.text ?? '');
      expect(everything).not.toContain(stored!.passwordHash);
      expect(everything).not.toContain(salt);
      expect(everything).not.toMatch(/passwordHash|\$2[aby]\$/);
    }
  });
});

describe('a password typed in another Unicode form', () => {
  const composed = 'pässwörd-über-1';
  const login = (email: string, password: string) =>
    ctx.request().post('/api/auth/login').send({ email, password });

  it('when a password is set composed and typed decomposed (or in full-width letters), then the login succeeds; another password still fails', async () => {
    const email = uniqueEmail('nfc');
    const signup = await ctx.request().post('/api/auth/signup').send({ email, password: composed });
    expect(signup.status).toBe(201);
    expect((await login(email, composed.normalize('NFD'))).status).toBe(200);
    expect((await login(email, composed)).status).toBe(200);
    expectError(await login(email, 'passwörd-über-1'), 401, 'INVALID_CREDENTIALS');

    const wide = uniqueEmail('wide');
    await ctx.request().post('/api/auth/signup').send({ email: wide, password: 'secret-pass-9' });
    // What an IME in full-width mode sends for the same keys.
    expect((await login(wide, 'ｓｅｃｒｅｔ－ｐａｓｓ－９')).status).toBe(200);
  });

  it("when an account's password was stored as typed in a decomposed form, then typing it so still logs in", async () => {
    const decomposed = composed.normalize('NFD');
    const user = await createUser({ password: decomposed });
    expect((await login(user.email, decomposed)).status).toBe(200);
  });

  it('when a password is changed to a decomposed one, then the composed form logs in', async () => {
    const user = await createUser();
    const changed = await ctx
      .request()
      .post('/api/auth/password')
      .set(bearer(user.accessToken))
      .send({ currentPassword: PASSWORD, newPassword: composed.normalize('NFD') });
    expect(changed.status).toBe(204);
    expect((await login(user.email, composed)).status).toBe(200);
  });
});

describe('duplicate sign-up', () => {
  it.each([
    ['the same email', (e: string) => e],
    ['upper case', (e: string) => e.toUpperCase()],
    ['surrounding whitespace', (e: string) => `  ${e}\t`],
    ['mixed case and whitespace', (e: string) => ` ${e[0]!.toUpperCase()}${e.slice(1)} `],
  ])(
    'when the email is taken (%s), then 409 EMAIL_TAKEN and nothing is stored',
    async (_label, variant) => {
      const account = await createUser();
      const before = await accountsSnapshot();
      const res = await ctx
        .request()
        .post('/api/auth/signup')
        .send({ email: variant(account.email), password: 'another password' });
      expectError(res, 409, 'EMAIL_TAKEN');
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(await accountsSnapshot()).toEqual(before);
      expect(await User.countDocuments({ email: account.email })).toBe(1);
    },
  );

  it('when the register alias is used with a taken email, then the same 409', async () => {
    const account = await createUser();
    expectError(
      await ctx
        .request()
        .post('/api/auth/register')
        .send({ email: account.email, password: PASSWORD }),
      409,
      'EMAIL_TAKEN',
    );
  });
});
