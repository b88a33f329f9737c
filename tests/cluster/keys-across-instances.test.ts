import { describe, expect, it } from 'vitest';
import type { Instance } from '../helpers/instances.js';
import { post, useTwoInstances, userOn } from './cluster-helpers.js';

/** API keys are looked up in the shared database on every request: revocation holds everywhere at once. */
const cluster = useTwoInstances({ MODELS: 'demo', DEMO_CHUNK_DELAY_MS: '0' });

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
    const { accessToken: token } = await userOn(cluster.a);
    const { id, key } = await createKey(cluster.a, token);
    const [onA, onB] = await Promise.all([complete(cluster.a, key), complete(cluster.b, key)]);
    expect([onA.status, onB.status]).toEqual([200, 200]);
    expect(((await onB.json()) as { object: string }).object).toBe('chat.completion');

    const removed = await fetch(`${cluster.b.url}/api/keys/${id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(removed.status).toBe(204);
    const after = await Promise.all([withKey(cluster.a, key), withKey(cluster.b, key)]);
    expect(after.map((r) => r.status)).toEqual([401, 401]);
    expect(await after[0].json()).toMatchObject({ error: { code: 'invalid_api_key' } });
  });

  it('when the password is changed on B, then the key is refused by A at once', async () => {
    const { accessToken: token, password } = await userOn(cluster.a);
    const { key } = await createKey(cluster.b, token);
    expect((await withKey(cluster.a, key)).status).toBe(200);
    const changed = await post(
      `${cluster.b.url}/api/auth/password`,
      { currentPassword: password, newPassword: 'password-5678' },
      token,
    );
    expect(changed.status).toBe(204);
    expect((await withKey(cluster.a, key)).status).toBe(401);
    expect((await withKey(cluster.b, key)).status).toBe(401);
  });

  it('when the account is deleted on A, then its key is refused by B at once', async () => {
    const { accessToken: token, password } = await userOn(cluster.b);
    const { key } = await createKey(cluster.b, token);
    expect((await withKey(cluster.b, key)).status).toBe(200);
    const res = await fetch(`${cluster.a.url}/api/auth/me`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ password }),
    });
    expect(res.status).toBe(204);
    expect((await withKey(cluster.b, key)).status).toBe(401);
  });
});
