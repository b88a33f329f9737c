import type { Request, Response } from 'express';
import { z } from 'zod';
import {
  clearRefreshCookie,
  refreshCookie,
  setRefreshCookie,
} from '../../lib/http/refresh-cookie.js';
import { bearerToken } from './auth.middleware.js';
import * as auth from './auth.service.js';
import type { LoginBody, SignupBody } from './auth.schemas.js';
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
    clearRefreshCookie(res);
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
