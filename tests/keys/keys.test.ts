import { beforeAll, describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { ApiKey } from '../../src/modules/keys/key.model.js';
import { hashKey, keyIdOf, newKey, passwordStamp } from '../../src/modules/keys/key.secret.js';
import { findUser } from '../../src/modules/users/index.js';
import { useTestApp } from '../helpers/app.js';
import { expectError, expectUnauthenticated, NO_TIGHT_LIMITS, PASSWORD } from '../helpers/auth.js';
import { createUser, type TestUser } from '../helpers/users.js';

const ctx = useTestApp({
  ...NO_TIGHT_LIMITS,
  MODELS: 'demo',
  DEMO_CHUNK_DELAY_MS: '0',
  API_KEYS_PER_USER: '3',
});
let user: TestUser;

beforeAll(async () => {
  user = await createUser({ label: 'keys' });
});

const createKey = async (who: TestUser, body: Record<string, unknown> = { name: 'laptop' }) => {
  const res = await ctx.request().post('/api/keys').set(who.auth).send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; key: string; prefix: string; name: string };
};

const models = (key: string) =>
  ctx.request().get('/v1/models').set('Authorization', `Bearer ${key}`);

const expectKeyRefused = (res: Awaited<ReturnType<typeof models>>) => {
  expect(res.status).toBe(401);
  expect(res.body).toEqual({
    error: {
      message: expect.any(String),
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_api_key',
    },
  });
};

describe('personal API keys', () => {
  it('when a key is created, then it is shown once (sgpt_ + 256 random bits) and only its keyed hash is stored', async () => {
    const res = await ctx
      .request()
      .post('/api/keys')
      .set(user.auth)
      .send({ name: 'CLI', expiresInDays: 30 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'CLI',
      prefix: expect.stringMatching(/^sgpt_[A-Za-z0-9_-]{6}$/),
      key: expect.stringMatching(/^sgpt_[A-Za-z0-9_-]{43}$/),
      createdAt: expect.any(String),
      expiresAt: expect.any(String),
      lastUsedAt: null,
    });
    expect(res.body.key.startsWith(res.body.prefix)).toBe(true);
    const days = (Date.parse(res.body.expiresAt) - Date.parse(res.body.createdAt)) / 86_400_000;
    expect(days).toBeCloseTo(30, 5);
    const stored = await ApiKey.findById(res.body.id).lean();
    expect(stored!.hash).not.toContain(res.body.key.slice(5));
    expect(JSON.stringify(stored)).not.toContain(res.body.key.slice(5));

    const list = await ctx.request().get('/api/keys').set(user.auth);
    expect(list.status).toBe(200);
    expect(list.body).toContainEqual({ ...res.body, key: undefined });
    expect(JSON.stringify(list.body)).not.toContain(res.body.key);
    for (const item of list.body)
      expect(Object.keys(item).sort()).toEqual(
        ['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'prefix'].sort(),
      );
    await ctx.request().delete(`/api/keys/${res.body.id}`).set(user.auth).expect(204);
  });

  it('when a key authenticates /v1, then it works there only: 401 on /api, and an access token is 401 on /v1', async () => {
    const { key, id } = await createKey(user);
    expect((await models(key)).status).toBe(200);
    const onApi = await ctx.request().get('/api/auth/me').set('Authorization', `Bearer ${key}`);
    expectUnauthenticated(onApi);
    expect(onApi.body.error.message).toMatch(/only on \/v1/);
    const keysWithKey = await ctx.request().get('/api/keys').set('Authorization', `Bearer ${key}`);
    expectUnauthenticated(keysWithKey);
    const tokenOnV1 = await models(user.accessToken);
    expectKeyRefused(tokenOnV1);
    expect(tokenOnV1.body.error.message).toMatch(/Access tokens are not accepted/);
    expectKeyRefused(await ctx.request().get('/v1/models'));
    expectKeyRefused(await models('sgpt_not-a-real-key'));
    expectKeyRefused(await models(`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`));
    await ctx.request().delete(`/api/keys/${id}`).set(user.auth).expect(204);
  });

  it('when a key is deleted, then it is refused at once and a second delete is 404', async () => {
    const { key, id } = await createKey(user);
    expect((await models(key)).status).toBe(200);
    await ctx.request().delete(`/api/keys/${id}`).set(user.auth).expect(204);
    expectKeyRefused(await models(key));
    expectError(await ctx.request().delete(`/api/keys/${id}`).set(user.auth), 404, 'NOT_FOUND');
    expectError(await ctx.request().delete('/api/keys/nope').set(user.auth), 404, 'NOT_FOUND');
  });

  it("when another user deletes or lists, then that user's keys are not touched", async () => {
    const other = await createUser({ label: 'keys-other' });
    const { key, id } = await createKey(user);
    expectError(await ctx.request().delete(`/api/keys/${id}`).set(other.auth), 404, 'NOT_FOUND');
    expect((await ctx.request().get('/api/keys').set(other.auth)).body).toEqual([]);
    expect((await models(key)).status).toBe(200);
    await ctx.request().delete(`/api/keys/${id}`).set(user.auth).expect(204);
  });

  it('when a key has expired, then it is refused', async () => {
    const { key, id } = await createKey(user, { name: 'short', expiresInDays: 1 });
    await ApiKey.updateOne({ _id: id }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const res = await models(key);
    expectKeyRefused(res);
    expect(res.body.error.message).toMatch(/expired/);
    await ctx.request().delete(`/api/keys/${id}`).set(user.auth).expect(204);
  });

  it('when a key is created, then its id is the start of its keyed hash, so a request finds it by `_id`; a key stored before ids came from hashes still works', async () => {
    const { key, id } = await createKey(user);
    expect(id).toBe(keyIdOf(hashKey(key)).toHexString());
    await models(key).expect(200);
    await ctx.request().delete(`/api/keys/${id}`).set(user.auth).expect(204);

    // A key as this server stored them before: an id of its own, found by its hash.
    const owner = await createUser({ label: 'keys-before' });
    const account = await findUser(owner.id);
    const old = newKey();
    const oldId = new Types.ObjectId();
    await ApiKey.collection.insertOne({
      _id: oldId,
      userId: new Types.ObjectId(owner.id),
      slot: 0,
      name: 'made before',
      prefix: old.prefix,
      hash: hashKey(old.key),
      passwordStamp: passwordStamp(account!.passwordHash),
      createdAt: new Date(),
      expiresAt: null,
      lastUsedAt: null,
    });
    await models(old.key).expect(200);
    expect((await ApiKey.findById(oldId).lean())!.lastUsedAt).toBeInstanceOf(Date);
    // A key of the right shape that was never made is still refused.
    expectKeyRefused(await models(newKey().key));
    await ctx
      .request()
      .delete(`/api/keys/${String(oldId)}`)
      .set(owner.auth)
      .expect(204);
    expectKeyRefused(await models(old.key));
  });

  it('when a key is used twice within the interval, then lastUsedAt is written once', async () => {
    const { key, id } = await createKey(user);
    await models(key).expect(200);
    const first = (await ApiKey.findById(id).lean())!.lastUsedAt;
    expect(first).toBeInstanceOf(Date);
    await models(key).expect(200);
    expect((await ApiKey.findById(id).lean())!.lastUsedAt).toEqual(first);
    // Once the interval has passed (moved back here), the next use writes it again.
    await ApiKey.updateOne({ _id: id }, { $set: { lastUsedAt: new Date(Date.now() - 61_000) } });
    await models(key).expect(200);
    expect((await ApiKey.findById(id).lean())!.lastUsedAt!.getTime()).toBeGreaterThan(
      first!.getTime(),
    );
    await ctx.request().delete(`/api/keys/${id}`).set(user.auth).expect(204);
  });

  it('when the limit of keys is reached, then one more is a 409 TOO_MANY_KEYS and nothing is stored; deleting one frees a place', async () => {
    const owner = await createUser({ label: 'keys-limit' });
    const made = await Promise.all(
      [1, 2, 3, 4].map(() => ctx.request().post('/api/keys').set(owner.auth).send({ name: 'k' })),
    );
    expect(made.map((r) => r.status).sort()).toEqual([201, 201, 201, 409]);
    expectError(
      made.find((r) => r.status === 409)!,
      409,
      'TOO_MANY_KEYS',
    );
    expect(await ApiKey.countDocuments({ userId: new Types.ObjectId(owner.id) })).toBe(3);
    const id = made.find((r) => r.status === 201)!.body.id as string;
    await ctx.request().delete(`/api/keys/${id}`).set(owner.auth).expect(204);
    await createKey(owner);
  });

  it('when the body is invalid, then 400 VALIDATION_FAILED', async () => {
    for (const body of [
      {},
      { name: '' },
      { name: 'x', expiresInDays: 0 },
      { name: 'x', extra: 1 },
    ]) {
      expectError(
        await ctx.request().post('/api/keys').set(user.auth).send(body),
        400,
        'VALIDATION_FAILED',
      );
    }
  });

  it('when the password changes, then the keys made under the old one stop and leave the list', async () => {
    const owner = await createUser({ label: 'keys-password' });
    const { key } = await createKey(owner);
    expect((await models(key)).status).toBe(200);
    await ctx
      .request()
      .post('/api/auth/password')
      .set(owner.auth)
      .send({ currentPassword: PASSWORD, newPassword: 'another long passphrase' })
      .expect(204);
    const res = await models(key);
    expectKeyRefused(res);
    expect(res.body.error.message).toMatch(/password change/);
    expect((await ctx.request().get('/api/keys').set(owner.auth)).body).toEqual([]);
    expect(await ApiKey.countDocuments({ userId: new Types.ObjectId(owner.id) })).toBe(0);
  });

  it('when the account is deleted, then its keys are refused and removed', async () => {
    const owner = await createUser({ label: 'keys-delete' });
    const { key } = await createKey(owner);
    await ctx
      .request()
      .delete('/api/auth/me')
      .set(owner.auth)
      .send({ password: PASSWORD })
      .expect(204);
    expectKeyRefused(await models(key));
    expect(await ApiKey.countDocuments({ userId: new Types.ObjectId(owner.id) })).toBe(0);
  });
});
