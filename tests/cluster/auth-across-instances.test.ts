import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { databaseUri, startInstance, type Instance } from '../helpers/instances.js';
import { uniqueEmail } from '../helpers/app.js';

/** Sessions, revocation and rate-limit buckets live in the database, so any instance may serve any request. */
let a: Instance;
let b: Instance;

beforeAll(async () => {
  const env = {
    MONGODB_URI: databaseUri(inject('mongoUri')),
    TRUST_PROXY: '1',
    LOGIN_LIMIT_PER_ACCOUNT: '3',
    // No grace for the token just rotated away: the replay test presents it at once.
    REFRESH_GRACE_SECONDS: '0',
  };
  [a, b] = await Promise.all([startInstance(env), startInstance(env)]);
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

const json = (body: unknown, extra: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json', ...extra },
  body: JSON.stringify(body),
});

const refreshCookie = (res: Response) =>
  /refresh_token=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];

async function signup(instance: Instance) {
  const res = await fetch(
    `${instance.url}/api/auth/signup`,
    json({ email: uniqueEmail('cluster'), password: 'password-1234' }),
  );
  expect(res.status).toBe(201);
  const body = (await res.json()) as { accessToken: string; user: { email: string } };
  return { token: body.accessToken, email: body.user.email, cookie: refreshCookie(res)! };
}

const me = (instance: Instance, token: string) =>
  fetch(`${instance.url}/api/auth/me`, { headers: { Authorization: `Bearer ${token}` } });

describe('two instances on one database', () => {
  it('when a user logs out on B, then the access token issued by A is refused by A at once', async () => {
    const { token } = await signup(a);
    expect((await me(a, token)).status).toBe(200);
    const logout = await fetch(`${b.url}/api/auth/logout`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(logout.status).toBe(204);
    const after = await me(a, token);
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('when a rotated refresh token is replayed on the other instance, then the whole session is revoked', async () => {
    const { cookie: first } = await signup(a);
    const rotated = await fetch(`${a.url}/api/auth/refresh`, {
      method: 'POST',
      headers: { Cookie: `refresh_token=${first}` },
    });
    expect(rotated.status).toBe(200);
    const second = refreshCookie(rotated)!;
    const { accessToken } = (await rotated.json()) as { accessToken: string };

    const replay = await fetch(`${b.url}/api/auth/refresh`, {
      method: 'POST',
      headers: { Cookie: `refresh_token=${first}` },
    });
    expect(replay.status).toBe(401);
    const newest = await fetch(`${a.url}/api/auth/refresh`, {
      method: 'POST',
      headers: { Cookie: `refresh_token=${second}` },
    });
    expect(newest.status).toBe(401);
    expect((await me(b, accessToken)).status).toBe(401);
  });

  it('when failed logins for one account are spread over instances and addresses, then the per-account limit still holds', async () => {
    const { email } = await signup(a);
    const statuses: number[] = [];
    for (const [i, instance] of [a, b, a, b].entries()) {
      const res = await fetch(
        `${instance.url}/api/auth/login`,
        json({ email, password: 'wrong-password' }, { 'X-Forwarded-For': `198.51.100.${i + 1}` }),
      );
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});
