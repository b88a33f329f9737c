import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { databaseUri, startInstance, type Instance } from '../helpers/instances.js';
import { post, userOn } from './cluster-helpers.js';

/** API keys are looked up in the shared database on every request: revocation holds everywhere at once. */
let a: Instance;
let b: Instance;

beforeAll(async () => {
  const env = {
    MONGODB_URI: databaseUri(inject('mongoUri')),
    MODELS: 'demo',
    DEMO_CHUNK_DELAY_MS: '0',
  };
  [a, b] = await Promise.all([startInstance(env), startInstance(env)]);
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

const withKey = (instance: Instance, key: string) =>
  fetch(`${instance.url}/v1/models`, { headers: { Authorization: `Bearer ${key}` } });

const complete = (instance: Instance, key: string) =>
  fetch(`${instance.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'hi' }] }),
  });

async function createKey(instance: Instance, token: string) {
  const res = await post(`${instance.url}/api/keys`, { name: 'cluster' }, token);
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; key: string };
}

describe('API keys on two instances', () => {
  it('when a key made on A is deleted on B, then both refuse it on the very next request', async () => {
    const { accessToken: token } = await userOn(a);
    const { id, key } = await createKey(a, token);
    const [onA, onB] = await Promise.all([complete(a, key), complete(b, key)]);
    expect([onA.status, onB.status]).toEqual([200, 200]);
    expect(((await onB.json()) as { object: string }).object).toBe('chat.completion');

    const removed = await fetch(`${b.url}/api/keys/${id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(removed.status).toBe(204);
    const after = await Promise.all([withKey(a, key), withKey(b, key)]);
    expect(after.map((r) => r.status)).toEqual([401, 401]);
    expect(await after[0].json()).toMatchObject({ error: { code: 'invalid_api_key' } });
  });

  it('when the password is changed on B, then the key is refused by A at once', async () => {
    const { accessToken: token, password } = await userOn(a);
    const { key } = await createKey(b, token);
    expect((await withKey(a, key)).status).toBe(200);
    const changed = await post(
      `${b.url}/api/auth/password`,
      { currentPassword: password, newPassword: 'password-5678' },
      token,
    );
    expect(changed.status).toBe(204);
    expect((await withKey(a, key)).status).toBe(401);
    expect((await withKey(b, key)).status).toBe(401);
  });

  it('when the account is deleted on A, then its key is refused by B at once', async () => {
    const { accessToken: token, password } = await userOn(b);
    const { key } = await createKey(b, token);
    expect((await withKey(b, key)).status).toBe(200);
    const res = await fetch(`${a.url}/api/auth/me`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ password }),
    });
    expect(res.status).toBe(204);
    expect((await withKey(b, key)).status).toBe(401);
  });
});
