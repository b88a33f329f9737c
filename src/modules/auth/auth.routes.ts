import type { Request } from 'express';
import { config } from '../../lib/config.js';
import { defineRoute, type RouteGroup } from '../../lib/http/route.js';
import { byIp, sharedLimiter } from '../../lib/rate-limit/limiter.js';
import { sameOriginOnly } from './auth.cookies.js';
import * as controller from './auth.controller.js';
import {
  AuthResult,
  ChangePasswordBody,
  DeleteMeBody,
  LoginBody,
  NoQuery,
  SignupBody,
  UpdateMeBody,
  UserSchema,
} from './auth.schemas.js';

const accountKey = (req: Request) => {
  const email = (req.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? email.trim().toLowerCase().slice(0, 254) : undefined;
};

// Input that will be refused as invalid never reaches the counter: a typo costs no sign-up allowance.
const validSignupIp = (req: Request) =>
  SignupBody.safeParse(req.body).success ? byIp(req) : undefined;

function limiters() {
  const c = config();
  return {
    loginPerAccount: sharedLimiter({
      name: 'login-account',
      limit: c.LOGIN_LIMIT_PER_ACCOUNT,
      windowSeconds: c.LOGIN_WINDOW_SECONDS,
      key: accountKey,
      message: 'Too many login attempts for this account; try again later',
      counts: 'failures',
    }),
    loginPerIp: sharedLimiter({
      name: 'login-ip',
      limit: c.LOGIN_LIMIT_PER_IP,
      windowSeconds: c.LOGIN_WINDOW_SECONDS,
      key: byIp,
      message: 'Too many login attempts; try again later',
      counts: 'failures',
    }),
    signupPerIp: sharedLimiter({
      name: 'signup-ip',
      limit: c.SIGNUP_LIMIT_PER_IP,
      windowSeconds: c.SIGNUP_WINDOW_SECONDS,
      key: validSignupIp,
      message: 'Too many sign-ups from this address; try again later',
    }),
  };
}

export function authRoutes(): RouteGroup {
  const limit = limiters();
  const signup = (path: string, summary: string) =>
    defineRoute({
      method: 'post',
      path,
      summary,
      auth: false,
      request: { body: SignupBody, query: NoQuery },
      guards: [limit.signupPerIp],
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
      responses: { 204: { description: 'Logged out; the refresh cookie is cleared' } },
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
        request: { body: LoginBody, query: NoQuery },
        guards: [limit.loginPerIp, limit.loginPerAccount],
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
        errors: [401, 403],
        handler: controller.refresh,
      }),
      defineRoute({
        method: 'get',
        path: '/me',
        summary: 'The current user',
        auth: true,
        responses: { 200: { description: 'The current user', schema: UserSchema } },
        handler: controller.me,
      }),
      defineRoute({
        method: 'patch',
        path: '/me',
        summary: 'Change the display name',
        auth: true,
        request: { body: UpdateMeBody, query: NoQuery },
        responses: { 200: { description: 'The updated user', schema: UserSchema } },
        handler: controller.updateMe,
      }),
      defineRoute({
        method: 'post',
        path: '/password',
        summary: 'Change the password (ends every other session)',
        auth: true,
        request: { body: ChangePasswordBody, query: NoQuery },
        responses: { 204: { description: 'Password changed' } },
        errors: [401],
        handler: controller.changePassword,
      }),
      defineRoute({
        method: 'delete',
        path: '/me',
        summary: 'Delete the account with all its chats, messages and sessions',
        auth: true,
        request: { body: DeleteMeBody, query: NoQuery },
        responses: { 204: { description: 'Account deleted' } },
        errors: [401],
        handler: controller.deleteMe,
      }),
    ],
  };
}
