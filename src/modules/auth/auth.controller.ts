import type { Request, Response } from 'express';
import { z } from 'zod';
import { clearRefreshCookie, refreshCookie, setRefreshCookie } from './auth.cookies.js';
import { authOf, bearerToken } from './auth.middleware.js';
import * as auth from './auth.service.js';
import type {
  ChangePasswordBody,
  DeleteMeBody,
  LoginBody,
  SignupBody,
  UpdateMeBody,
} from './auth.schemas.js';
import { parseRefreshToken, verifyAccessToken } from './tokens.js';

type Body<T extends z.ZodType> = { body: z.infer<T> };

const userAgent = (req: Request) => String(req.headers['user-agent'] ?? '');

function sendTokens(res: Response, status: number, issued: auth.IssuedTokens) {
  const { refreshToken, refreshExpiresAt, ...body } = issued;
  setRefreshCookie(res, refreshToken, refreshExpiresAt);
  res.status(status).json(body);
}

export async function signup(req: Request, res: Response, { body }: Body<typeof SignupBody>) {
  sendTokens(res, 201, await auth.signup(body, userAgent(req)));
}

export async function login(req: Request, res: Response, { body }: Body<typeof LoginBody>) {
  sendTokens(res, 200, await auth.login(body, userAgent(req)));
}

export async function refresh(req: Request, res: Response) {
  try {
    sendTokens(res, 200, await auth.refresh(refreshCookie(req)));
  } catch (error) {
    // Only an ended session clears the cookie: never a database hiccup or another tab's race.
    if (error instanceof auth.SessionEndedError) clearRefreshCookie(res);
    throw error;
  }
}

/** Ends the session named by the access token and/or the refresh cookie; always 204. */
export async function logout(req: Request, res: Response) {
  const token = bearerToken(req);
  const fromAccess = token ? verifyAccessToken(token)?.sessionId : undefined;
  const cookie = refreshCookie(req);
  const fromCookie = cookie ? parseRefreshToken(cookie)?.sessionId : undefined;
  for (const sessionId of new Set([fromAccess, fromCookie])) {
    if (sessionId) await auth.revokeSession(sessionId);
  }
  clearRefreshCookie(res);
  res.status(204).end();
}

export async function me(req: Request, res: Response) {
  res.json(await auth.getUser(authOf(req).userId));
}

export async function updateMe(req: Request, res: Response, { body }: Body<typeof UpdateMeBody>) {
  res.json(await auth.updateName(authOf(req).userId, body.name));
}

export async function changePassword(
  req: Request,
  res: Response,
  { body }: Body<typeof ChangePasswordBody>,
) {
  const { userId, sessionId } = authOf(req);
  await auth.changePassword(userId, sessionId, body.currentPassword, body.newPassword);
  res.status(204).end();
}

export async function deleteMe(req: Request, res: Response, { body }: Body<typeof DeleteMeBody>) {
  await auth.deleteAccount(authOf(req).userId, body.password);
  clearRefreshCookie(res);
  res.status(204).end();
}
