import { expect } from 'vitest';
import type { Response } from 'supertest';
import mongoose from '../../src/lib/db/mongoose.js';
import { Session } from '../../src/modules/auth/session.model.js';
import { User } from '../../src/modules/users/user.model.js';
import { uniqueEmail, type useTestApp } from './app.js';
import { PASSWORD } from './password.js';

type TestContext = ReturnType<typeof useTestApp>;

export { PASSWORD };

/** Generous limits for files that are not about rate limiting (every request comes from 127.0.0.1). */
export const NO_TIGHT_LIMITS = {
  LOGIN_LIMIT_PER_ACCOUNT: '1000',
  LOGIN_LIMIT_PER_IP: '1000',
  SIGNUP_LIMIT_PER_IP: '1000',
  PASSWORD_CHECKS_PER_IP_PER_MINUTE: '1000',
};

/** The refresh token from a response's Set-Cookie, if it sets one with a value. */
export function refreshCookieOf(res: Response): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const match = cookies.map((c) => /^(?:__Host-)?refresh_token=([^;]*)/.exec(c)).find(Boolean);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

/**
 * Signs a fresh user up through the API (a bcrypt hash each time): for tests about signing up.
 * Everything else takes a user from createUser (tests/helpers/users.ts).
 */
export async function signUp(
  ctx: TestContext,
  overrides: { email?: string; password?: string; name?: string; ip?: string } = {},
) {
  const agent = ctx.request();
  const email = overrides.email ?? uniqueEmail();
  const password = overrides.password ?? PASSWORD;
  const req = agent.post('/api/auth/signup');
  if (overrides.ip) req.set('X-Forwarded-For', overrides.ip);
  const res = await req.send({ email, password, name: overrides.name ?? 'Test User' });
  if (res.status !== 201)
    throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    agent,
    email,
    password,
    user: res.body.user as {
      id: string;
      email: string;
      name: string;
      role: string;
      createdAt: string;
    },
    accessToken: res.body.accessToken as string,
    refreshToken: refreshCookieOf(res)!,
  };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Asserts the contract's error body: exactly { error: { code, message, requestId, details? } }. */
export function expectError(res: Response, status: number, code: string) {
  expect({ status: res.status, body: res.body }).toMatchObject({
    status,
    body: { error: { code } },
  });
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  const { error } = res.body as { error: Record<string, unknown> };
  expect(Object.keys(res.body)).toEqual(['error']);
  for (const key of Object.keys(error))
    expect(['code', 'message', 'requestId', 'details']).toContain(key);
  expect(error.message).toEqual(expect.any(String));
  expect(error.requestId).toBe(res.headers['x-request-id']);
  expect(String(error.requestId).length).toBeGreaterThan(0);
  if (error.details !== undefined) {
    expect(error.details).toEqual(
      expect.arrayContaining([{ path: expect.any(String), message: expect.any(String) }]),
    );
  }
}

/** An access token was refused the way the contract says: 401 UNAUTHENTICATED with WWW-Authenticate. */
export function expectUnauthenticated(res: Response) {
  expectError(res, 401, 'UNAUTHENTICATED');
  expect(res.headers['www-authenticate']).toBe('Bearer');
}

/** Everything stored about accounts, to prove a rejected request changed nothing. */
export async function accountsSnapshot() {
  const [users, sessions] = await Promise.all([
    User.find().sort({ _id: 1 }).lean(),
    Session.find().sort({ _id: 1 }).lean(),
  ]);
  return { users, sessions };
}

/** Hits stored in the shared `rate_limits` collection per key (e.g. "login-ip:10.0.0.1") for a key prefix. */
export async function rateLimitHits(prefix: string): Promise<Record<string, number>> {
  const slots = await mongoose.connection
    .collection<{ key: string; resetAt: Date }>('rate_limits')
    .find({ key: { $regex: `^${prefix}:` }, resetAt: { $gt: new Date() } })
    .toArray();
  const hits: Record<string, number> = {};
  for (const slot of slots) hits[slot.key] = (hits[slot.key] ?? 0) + 1;
  return hits;
}
