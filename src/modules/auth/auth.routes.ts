import type { Request } from 'express';
import { config } from '../../lib/config.js';
import { defineRoute, type RouteGroup } from '../../lib/http/route.js';
import { byIp, sharedLimiter } from '../../lib/rate-limit/limiter.js';
import { sameOriginOnly } from '../../lib/http/refresh-cookie.js';
import {
  passwordBrakes,
  passwordChecksPerIp,
  passwordGate,
  targetByEmail,
} from '../users/index.js';
import * as controller from './auth.controller.js';
import { AuthResult, LoginBody, SignupBody } from './auth.schemas.js';

const accountKey = (req: Request) => {
  const email = (req.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? email.trim().toLowerCase().slice(0, 254) : undefined;
};

// Input that will be refused as invalid never reaches the counter: a typo costs no sign-up allowance.
const validSignupIp = (req: Request) =>
  SignupBody.safeParse(req.body).success ? byIp(req) : undefined;

/** One password check at a time per email, in the places of `kind` (see passwordGate). */
const passwordGateByEmail = (kind: string) =>
  passwordGate((req) => {
    const email = accountKey(req);
    return email === undefined ? undefined : `${kind}:${email}`;
  });

function limiters() {
  const c = config();
  return {
    passwordByEmail: passwordGateByEmail('email'),
    // A sign-up's hash takes a place of its own per email: one with an owner's email (answered
    // 409 once hashed) must not hold the place the owner's login needs.
    signupByEmail: passwordGateByEmail('signup'),
    // The same brakes guard re-authentication (users.routes.ts): every password check counts.
    login: passwordBrakes(targetByEmail),
    // A sign-up hashes a password as a login checks one: the same count of checks per address.
    signupChecks: passwordChecksPerIp(),
    signupPerIp: sharedLimiter({
      name: 'signup-ip',
      limit: c.SIGNUP_LIMIT_PER_IP,
      windowSeconds: c.SIGNUP_WINDOW_SECONDS,
      key: validSignupIp,
      message: 'Too many sign-ups from this address; try again later',
    }),
  };
}

/** Signing up and in, refreshing and ending sessions; the account itself is the users module's. */
export function authRoutes(): RouteGroup {
  const limit = limiters();
  const signup = (path: string, summary: string) =>
    defineRoute({
      method: 'post',
      path,
      summary,
      auth: false,
      request: { body: SignupBody },
      guards: [limit.signupChecks, limit.signupPerIp, limit.signupByEmail],
      responses: {
        201: {
          description: 'Account created and logged in; sets the refresh cookie',
          schema: AuthResult,
        },
      },
      errors: [409, 429],
      handler: controller.signup,
    });
  const logout = (method: 'post' | 'get') =>
    defineRoute({
      method,
      path: '/logout',
      summary: 'Log out (revokes the session of the access token and/or the refresh cookie)',
      auth: false,
      guards: [sameOriginOnly],
      responses: {
        204: {
          description:
            'Logged out; the refresh cookie is cleared and the replies the session is streaming stop',
        },
      },
      errors: [403],
      handler: controller.logout,
    });
  return {
    prefix: '/api/auth',
    tag: 'Auth',
    routes: [
      signup('/signup', 'Create an account'),
      signup('/register', 'Create an account (alias of /signup)'),
      defineRoute({
        method: 'post',
        path: '/login',
        summary: 'Log in with email and password',
        auth: false,
        request: { body: LoginBody },
        guards: [...limit.login, limit.passwordByEmail],
        responses: {
          200: { description: 'Logged in; sets the refresh cookie', schema: AuthResult },
        },
        errors: [401, 403, 429],
        handler: controller.login,
      }),
      logout('post'),
      logout('get'),
      defineRoute({
        method: 'post',
        path: '/refresh',
        summary: 'Rotate the refresh cookie and get a new access token',
        auth: false,
        guards: [sameOriginOnly],
        responses: {
          200: {
            description: 'New access token; the refresh cookie is rotated',
            schema: AuthResult,
          },
        },
        // 409: REFRESH_COOKIE_REPLACED, a refresh crossing a password change (the session goes on).
        // 429: ACCOUNT_WRITES_PER_MINUTE (the session and its cookie stay as they were).
        errors: [401, 403, 409, 429],
        handler: controller.refresh,
      }),
    ],
  };
}
