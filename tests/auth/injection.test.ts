import { describe, expect, it } from 'vitest';
import { User } from '../../src/modules/users/user.model.js';
import { uniqueEmail, useTestApp } from '../helpers/app.js';
import {
  accountsSnapshot,
  bearer,
  expectError,
  NO_TIGHT_LIMITS,
  PASSWORD,
} from '../helpers/auth.js';
import { createUser } from '../helpers/users.js';

const ctx = useTestApp(NO_TIGHT_LIMITS);

// Values that a naive `User.findOne(req.body)` would turn into a query operator or a type confusion.
const HOSTILE_VALUES: [string, unknown][] = [
  ['{"$ne": null}', { $ne: null }],
  ['{"$gt": ""}', { $gt: '' }],
  ['{"$regex": ".*"}', { $regex: '.*' }],
  ['an array', ['a@example.test']],
  ['an array of operators', [{ $ne: null }]],
  ['a number', 42],
  ['true', true],
  ['null', null],
  ['a nested object', { email: 'a@example.test' }],
];

describe('operator injection in auth bodies', () => {
  it.each(HOSTILE_VALUES)(
    'when login email is %s, then 400 VALIDATION_FAILED and no session opens',
    async (_label, value) => {
      const victim = await createUser();
      const before = await accountsSnapshot();
      const res = await ctx
        .request()
        .post('/api/auth/login')
        .send({ email: value, password: victim.password });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(await accountsSnapshot()).toEqual(before);
    },
  );

  it.each(HOSTILE_VALUES)(
    'when login password is %s, then 400 VALIDATION_FAILED',
    async (_label, value) => {
      const victim = await createUser();
      const before = await accountsSnapshot();
      const res = await ctx
        .request()
        .post('/api/auth/login')
        .send({ email: victim.email, password: value });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(await accountsSnapshot()).toEqual(before);
    },
  );

  it.each(HOSTILE_VALUES)(
    'when signup email is %s, then 400 and no user is created',
    async (_label, value) => {
      const before = await accountsSnapshot();
      const res = await ctx
        .request()
        .post('/api/auth/signup')
        .send({ email: value, password: PASSWORD });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(await accountsSnapshot()).toEqual(before);
    },
  );

  it.each(HOSTILE_VALUES)(
    'when signup password or name is %s, then 400 and no user is created',
    async (_label, value) => {
      const before = await accountsSnapshot();
      const email = uniqueEmail('inj');
      expectError(
        await ctx.request().post('/api/auth/signup').send({ email, password: value }),
        400,
        'VALIDATION_FAILED',
      );
      expectError(
        await ctx
          .request()
          .post('/api/auth/signup')
          .send({ email, password: PASSWORD, name: value }),
        400,
        'VALIDATION_FAILED',
      );
      expect(await accountsSnapshot()).toEqual(before);
    },
  );

  it('when the whole body is an array or a top-level operator object, then 400', async () => {
    const before = await accountsSnapshot();
    expectError(
      await ctx
        .request()
        .post('/api/auth/login')
        .send([{ email: 'a@b.c', password: PASSWORD }]),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await ctx
        .request()
        .post('/api/auth/login')
        .send({ $where: 'true', email: 'a@b.c', password: PASSWORD }),
      400,
      'VALIDATION_FAILED',
    );
    expect(await accountsSnapshot()).toEqual(before);
  });

  it('when operators arrive in the query string (?email[$ne]=), then 400 and never 200/500', async () => {
    const victim = await createUser();
    const before = await accountsSnapshot();
    for (const query of [
      'email[$ne]=',
      'email[$gt]=&password[$ne]=x',
      'email=' + encodeURIComponent(victim.email),
    ]) {
      const login = await ctx
        .request()
        .post(`/api/auth/login?${query}`)
        .send({ email: victim.email, password: victim.password });
      expectError(login, 400, 'VALIDATION_FAILED');
      const emptyLogin = await ctx.request().post(`/api/auth/login?${query}`).send({});
      expectError(emptyLogin, 400, 'VALIDATION_FAILED');
      const signup = await ctx
        .request()
        .post(`/api/auth/signup?${query}`)
        .send({ email: uniqueEmail(), password: PASSWORD });
      expectError(signup, 400, 'VALIDATION_FAILED');
    }
    expect(await accountsSnapshot()).toEqual(before);
  });
});

describe('operators in the query string of routes that take no query', () => {
  it('when a route that reads no query gets one (?email[$ne]=, an array, a plain name), then 400 VALIDATION_FAILED naming it, never 200, and nothing changes', async () => {
    const account = await createUser();
    const key = await ctx
      .request()
      .post('/api/keys')
      .set(bearer(account.accessToken))
      .send({ name: 'q' });
    expect(key.status).toBe(201);
    const before = await accountsSnapshot();
    for (const query of ['email[$ne]=x', 'q[$gt]=', 'id[]=a&id[]=b', 'role=admin']) {
      for (const [method, path, auth] of [
        ['get', '/api/auth/me', bearer(account.accessToken)],
        ['get', '/api/keys', bearer(account.accessToken)],
        ['get', '/api/models', bearer(account.accessToken)],
        ['patch', '/api/auth/me', bearer(account.accessToken)],
        ['get', '/v1/models', bearer(key.body.key as string)],
      ] as const) {
        const req = ctx.request()[method](`${path}?${query}`).set(auth);
        const res = method === 'patch' ? await req.send({ name: 'renamed' }) : await req;
        expect(res.status, `${method} ${path}?${query}`).toBe(400);
        if (!path.startsWith('/v1')) expectError(res, 400, 'VALIDATION_FAILED');
        else expect(res.body.error.type).toBe('invalid_request_error');
      }
    }
    expect(await accountsSnapshot()).toEqual(before);
  });
});

describe('mass assignment on the account', () => {
  it.each([
    ['userId', { userId: '000000000000000000000000' }],
    ['role', { role: 'admin' }],
    ['_id', { _id: '000000000000000000000000' }],
    ['createdAt', { createdAt: '2000-01-01T00:00:00.000Z' }],
    ['email', { email: 'takeover@example.test' }],
    ['passwordHash', { passwordHash: '$2b$10$abcdefghijklmnopqrstuv' }],
  ])(
    'when PATCH /me carries %s next to name, then 400 naming that field, and nothing changes',
    async (label, extra) => {
      const account = await createUser();
      const before = await accountsSnapshot();
      const res = await ctx
        .request()
        .patch('/api/auth/me')
        .set(bearer(account.accessToken))
        .send({ name: 'New Name', ...extra });
      expectError(res, 400, 'VALIDATION_FAILED');
      // At the field itself, as a form marks it.
      expect(res.body.error.details).toEqual([
        { path: label, message: `Unknown field \`${label}\`` },
      ]);
      expect(await accountsSnapshot()).toEqual(before);
    },
  );

  it('when PATCH /me carries __proto__ (raw JSON), then 400 and nothing changes', async () => {
    const account = await createUser();
    const before = await accountsSnapshot();
    const res = await ctx
      .request()
      .patch('/api/auth/me')
      .set(bearer(account.accessToken))
      .set('Content-Type', 'application/json')
      .send('{"name":"x","__proto__":{"role":"admin"}}');
    expectError(res, 400, 'VALIDATION_FAILED');
    const res2 = await ctx
      .request()
      .patch('/api/auth/me')
      .set(bearer(account.accessToken))
      .set('Content-Type', 'application/json')
      .send('{"name":"x","constructor":{"prototype":{"role":"admin"}}}');
    expectError(res2, 400, 'VALIDATION_FAILED');
    expect(await accountsSnapshot()).toEqual(before);
    expect(({} as Record<string, unknown>).role).toBeUndefined();
  });

  it('when PATCH /me has only a name, then only the name changes', async () => {
    const account = await createUser();
    const stored = await User.findById(account.user.id).lean();
    const res = await ctx
      .request()
      .patch('/api/auth/me')
      .set(bearer(account.accessToken))
      .send({ name: '  Grace Hopper ' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...account.user, name: 'Grace Hopper' });
    const after = await User.findById(account.user.id).lean();
    expect({ ...after, updatedAt: undefined }).toEqual({
      ...stored,
      name: 'Grace Hopper',
      updatedAt: undefined,
    });
  });

  it('when PATCH /me has a name that is not a string or is too long, then 400 and nothing changes', async () => {
    const account = await createUser();
    const before = await accountsSnapshot();
    for (const name of [{ $set: 'x' }, ['x'], 7, 'x'.repeat(101)]) {
      expectError(
        await ctx.request().patch('/api/auth/me').set(bearer(account.accessToken)).send({ name }),
        400,
        'VALIDATION_FAILED',
      );
    }
    expect(await accountsSnapshot()).toEqual(before);
  });

  it.each([
    ['role', 'admin'],
    ['_id', '000000000000000000000000'],
    ['createdAt', '2000-01-01T00:00:00Z'],
    ['passwordHash', 'x'],
  ])('when signup carries %s, then 400 and no user is created', async (field, value) => {
    const before = await accountsSnapshot();
    const res = await ctx
      .request()
      .post('/api/auth/signup')
      .send({ email: uniqueEmail(), password: PASSWORD, [field]: value });
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(await accountsSnapshot()).toEqual(before);
  });
});
