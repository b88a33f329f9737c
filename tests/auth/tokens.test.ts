import { createHmac, generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import {
  accountsSnapshot,
  bearer,
  expectError,
  expectUnauthenticated,
  NO_TIGHT_LIMITS,
} from '../helpers/auth.js';
import { createUser, type TestUser } from '../helpers/users.js';

const ctx = useTestApp(NO_TIGHT_LIMITS);

const SECRET = process.env.JWT_SECRET!;
const ISSUER = 'sigmagpt-api';
const AUDIENCE = 'sigmagpt-clients';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

let account: TestUser;
let claims: { sub: string; sid: string };

/** A token exactly like the server's, with any claim or header changed; signs with HS256 and the real secret. */
function forge(
  payload: Record<string, unknown> = {},
  secret: string = SECRET,
  algorithm: jwt.Algorithm = 'HS256',
) {
  return jwt.sign(
    {
      sub: claims.sub,
      sid: claims.sid,
      typ: 'access',
      iss: ISSUER,
      aud: AUDIENCE,
      iat: now(),
      exp: now() + 600,
      ...payload,
    },
    secret,
    { algorithm },
  );
}

/** Signs header + payload by hand, for tokens jsonwebtoken refuses to make. */
function handMade(header: Record<string, unknown>, payload: Record<string, unknown>, sign = true) {
  const body = `${b64(header)}.${b64(payload)}`;
  return sign
    ? `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`
    : `${body}.`;
}

const me = (headers: Record<string, string> = {}, path = '/api/auth/me') =>
  ctx.request().get(path).set(headers);

beforeAll(async () => {
  account = await createUser();
  claims = jwt.decode(account.accessToken) as { sub: string; sid: string };
});

describe('access tokens', () => {
  it('when a token is built exactly like the server builds it, then it is accepted (the forging below is sound)', async () => {
    const res = await me(bearer(forge()));
    expect(res.status).toBe(200);
    expect(res.body).toEqual(account.user);
  });

  it('when the header says alg "none" and there is no signature, then 401', async () => {
    const payload = {
      sub: claims.sub,
      sid: claims.sid,
      typ: 'access',
      iss: ISSUER,
      aud: AUDIENCE,
      iat: now(),
      exp: now() + 600,
    };
    expectUnauthenticated(await me(bearer(handMade({ alg: 'none', typ: 'JWT' }, payload, false))));
    expectUnauthenticated(await me(bearer(handMade({ alg: 'NONE', typ: 'JWT' }, payload, false))));
    // alg none but with a (valid HS256) signature attached anyway
    expectUnauthenticated(await me(bearer(handMade({ alg: 'none', typ: 'JWT' }, payload))));
  });

  it('when the token is signed with HS512 or HS384 (same secret), then 401: the algorithm is pinned', async () => {
    expectUnauthenticated(await me(bearer(forge({}, SECRET, 'HS512'))));
    expectUnauthenticated(await me(bearer(forge({}, SECRET, 'HS384'))));
  });

  it('when the token is RS256 with a key of the attacker, then 401', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const token = jwt.sign(
      { sub: claims.sub, sid: claims.sid, typ: 'access', iss: ISSUER, aud: AUDIENCE },
      privateKey,
      { algorithm: 'RS256', expiresIn: 600 },
    );
    expectUnauthenticated(await me(bearer(token)));
  });

  it('when the payload is tampered with (signature kept), then 401', async () => {
    const other = await createUser();
    const [header, , signature] = account.accessToken.split('.');
    const payload = { ...(jwt.decode(account.accessToken) as object), sub: other.user.id };
    expectUnauthenticated(await me(bearer(`${header}.${b64(payload)}.${signature}`)));
  });

  it('when the signature is made with another secret or is garbled, then 401', async () => {
    expectUnauthenticated(
      await me(bearer(forge({}, 'another-secret-that-is-long-enough-0123456789'))),
    );
    const [header, payload, signature] = account.accessToken.split('.');
    const flipped = signature!.slice(0, -2) + (signature!.endsWith('AA') ? 'BB' : 'AA');
    expectUnauthenticated(await me(bearer(`${header}.${payload}.${flipped}`)));
    expectUnauthenticated(await me(bearer(`${header}.${payload}.`)));
  });

  it('when the token has expired, then 401', async () => {
    expectUnauthenticated(await me(bearer(forge({ iat: now() - 1000, exp: now() - 10 }))));
  });

  it('when the token is not valid yet (nbf in the future), then 401', async () => {
    expectUnauthenticated(await me(bearer(forge({ nbf: now() + 300 }))));
  });

  it('when the token has no expiry at all, then 401: access tokens must be short-lived', async () => {
    const { exp: _exp, ...rest } = {
      sub: claims.sub,
      sid: claims.sid,
      typ: 'access',
      iss: ISSUER,
      aud: AUDIENCE,
      iat: now(),
      exp: 0,
    };
    expectUnauthenticated(await me(bearer(jwt.sign(rest, SECRET, { algorithm: 'HS256' }))));
  });

  it('when iss or aud is wrong or missing, then 401', async () => {
    expectUnauthenticated(await me(bearer(forge({ iss: 'someone-else' }))));
    expectUnauthenticated(await me(bearer(forge({ aud: 'other-clients' }))));
    expectUnauthenticated(await me(bearer(forge({ iss: undefined }))));
    expectUnauthenticated(await me(bearer(forge({ aud: undefined }))));
  });

  it('when a refresh token (or a token typed "refresh") is used as an access token, then 401', async () => {
    expectUnauthenticated(await me(bearer(account.refreshToken)));
    expectUnauthenticated(await me(bearer(forge({ typ: 'refresh' }))));
    expectUnauthenticated(await me(bearer(forge({ typ: undefined }))));
  });

  it('when the token is only in the query string, then it is ignored: 401', async () => {
    for (const name of ['access_token', 'token', 'accessToken', 'authorization']) {
      expectUnauthenticated(await me({}, `/api/auth/me?${name}=${account.accessToken}`));
    }
  });

  it('when the Authorization header is missing, empty, garbage or another scheme, then 401', async () => {
    for (const value of [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      'Bearer garbage',
      'Bearer a.b.c',
      `Basic ${account.accessToken}`,
      `${account.accessToken}`,
      `Bearer ${account.accessToken} extra`,
      `Bearer ${account.accessToken}.x`,
      'Bearer ' + 'a'.repeat(10_000),
    ]) {
      expectUnauthenticated(await me(value === undefined ? {} : { Authorization: value }));
    }
  });

  it('when a 401 is answered on any protected route, then it carries WWW-Authenticate: Bearer and changes nothing', async () => {
    const before = await accountsSnapshot();
    expectUnauthenticated(await ctx.request().patch('/api/auth/me').send({ name: 'x' }));
    expectUnauthenticated(
      await ctx
        .request()
        .post('/api/auth/password')
        .send({ currentPassword: account.password, newPassword: 'new password 1' }),
    );
    expectUnauthenticated(
      await ctx.request().delete('/api/auth/me').send({ password: account.password }),
    );
    expect(await accountsSnapshot()).toEqual(before);
  });
});

describe('malformed ids inside validly signed tokens', () => {
  it.each([
    ['sid "abc"', { sid: 'abc' }],
    ['sid of 25 hex chars', { sid: 'a'.repeat(25) }],
    ['sid of 12 chars', { sid: 'aaaaaaaaaaaa' }],
    ['sid as an operator object', { sid: { $gt: '' } }],
    ['sid as a number', { sid: 12 }],
    ['sid of a session that does not exist', { sid: '0123456789abcdef01234567' }],
    ['sub "abc"', { sub: 'abc' }],
    ['sub of 25 hex chars', { sub: 'b'.repeat(25) }],
    ['sub as an operator object', { sub: { $ne: null } }],
    ['sub of a user that does not exist', { sub: '0123456789abcdef01234567' }],
  ])('when the token carries %s, then 401, never 404 or 500', async (_label, override) => {
    const token = handMade(
      { alg: 'HS256', typ: 'JWT' },
      {
        sub: claims.sub,
        sid: claims.sid,
        typ: 'access',
        iss: ISSUER,
        aud: AUDIENCE,
        iat: now(),
        exp: now() + 600,
        ...override,
      },
    );
    expectUnauthenticated(await me(bearer(token)));
    expectUnauthenticated(
      await ctx.request().patch('/api/auth/me').set(bearer(token)).send({ name: 'x' }),
    );
  });

  it('when a token names the session of another user, then 401', async () => {
    const other = await createUser();
    const otherSid = (jwt.decode(other.accessToken) as { sid: string }).sid;
    expectUnauthenticated(await me(bearer(forge({ sid: otherSid }))));
  });

  it('when logout is given a signed token with a malformed sid, then still 204, not 500', async () => {
    const token = forge({ sid: 'abc' });
    const res = await ctx.request().post('/api/auth/logout').set(bearer(token));
    expect(res.status).toBe(204);
    expect((await me(bearer(account.accessToken))).status).toBe(200);
  });
});

describe('token lifetime', () => {
  it('when a token is issued, then it is HS256 with iss, aud, sub, sid and lives at most 15 minutes', () => {
    const decoded = jwt.decode(account.accessToken, { complete: true })!;
    expect(decoded.header.alg).toBe('HS256');
    const payload = decoded.payload as jwt.JwtPayload;
    expect(payload).toMatchObject({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: account.user.id,
      typ: 'access',
    });
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(900);
  });

  it('when the error says the token is bad, then it does not echo the token back', async () => {
    const res = await me(bearer(forge({ iss: 'x' })));
    expectError(res, 401, 'UNAUTHENTICATED');
    expect(res.text).not.toContain(forge({ iss: 'x' }).split('.')[1]);
  });
});
