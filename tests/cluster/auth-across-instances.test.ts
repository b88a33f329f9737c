import { describe, expect, it } from 'vitest';
import { uniqueEmail } from '../helpers/app.js';
import type { Instance } from '../helpers/instances.js';
import { useTwoInstances } from './cluster-helpers.js';
import { useWholeAuthWindows } from '../helpers/rate-windows.js';

/** Sessions, revocation and rate-limit buckets live in the database, so any instance may serve any request. */
const cluster = useTwoInstances({
  TRUST_PROXY: '1',
  LOGIN_LIMIT_PER_ACCOUNT: '3',
  // No grace for the token just rotated away: the replay test presents it at once.
  REFRESH_GRACE_SECONDS: '0',
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

useWholeAuthWindows();

describe('two instances on one database', () => {
  it('when a user logs out on B, then the access token issued by A is refused by A at once', async () => {
    const { token } = await signup(cluster.a);
    expect((await me(cluster.a, token)).status).toBe(200);
    const logout = await fetch(`${cluster.b.url}/api/auth/logout`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(logout.status).toBe(204);
    const after = await me(cluster.a, token);
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('when a rotated refresh token is replayed on the other instance, then the whole session is revoked', async () => {
    const { cookie: first } = await signup(cluster.a);
    const rotated = await fetch(`${cluster.a.url}/api/auth/refresh`, {
      method: 'POST',
      headers: { Cookie: `refresh_token=${first}` },
    });
    expect(rotated.status).toBe(200);
    const second = refreshCookie(rotated)!;
    const { accessToken } = (await rotated.json()) as { accessToken: string };

    const replay = await fetch(`${cluster.b.url}/api/auth/refresh`, {
      method: 'POST',
      headers: { Cookie: `refresh_token=${first}` },
    });
    expect(replay.status).toBe(401);
    const newest = await fetch(`${cluster.a.url}/api/auth/refresh`, {
      method: 'POST',
      headers: { Cookie: `refresh_token=${second}` },
    });
    expect(newest.status).toBe(401);
    expect((await me(cluster.b, accessToken)).status).toBe(401);
  });

  it('when failed logins for one account are spread over instances and addresses, then the per-account limit still holds', async () => {
    const { email } = await signup(cluster.a);
    const statuses: number[] = [];
    for (const [i, instance] of [cluster.a, cluster.b, cluster.a, cluster.b].entries()) {
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
