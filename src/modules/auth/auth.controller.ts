import type { Request, Response } from 'express';
import { z } from 'zod';
import {
  clearRefreshCookie,
  refreshCookies,
  setRefreshCookie,
} from '../../lib/http/refresh-cookie.js';
import { bearerToken } from './auth.middleware.js';
import { rememberNetworkOf } from '../users/index.js';
import * as auth from './auth.service.js';
import type { LoginBody, SignupBody } from './auth.schemas.js';
import { parseRefreshToken, verifyAccessToken } from './tokens.js';
import { unauthenticated } from '../../lib/errors.js';

type Body<T extends z.ZodType> = { body: z.infer<T> };

const userAgent = (req: Request) => String(req.headers['user-agent'] ?? '');

function sendTokens(res: Response, status: number, issued: auth.IssuedTokens) {
  const { refreshToken, refreshExpiresAt, ...body } = issued;
  setRefreshCookie(res, refreshToken, refreshExpiresAt);
  res.status(status).json(body);
}

// The network a password was just proved from is one the owner uses (see users/password-brake.ts).
export async function signup(req: Request, res: Response, { body }: Body<typeof SignupBody>) {
  const issued = await auth.signup(body, userAgent(req));
  await rememberNetworkOf(req, issued.user.id);
  sendTokens(res, 201, issued);
}

export async function login(req: Request, res: Response, { body }: Body<typeof LoginBody>) {
  const issued = await auth.login(body, userAgent(req));
  await rememberNetworkOf(req, issued.user.id);
  sendTokens(res, 200, issued);
}

/**
 * Tries every refresh cookie the request carries that is a token of ours (junk planted next to the
 * real cookie is skipped, not fatal). The cookie is cleared only when each of them belongs to a
 * session that has ended: a refusal for any other reason leaves the browser's cookie alone.
 */
export async function refresh(req: Request, res: Response) {
  const candidates = refreshCookies(req).filter((token) => parseRefreshToken(token));
  if (candidates.length === 0) throw unauthenticated('Refresh token missing or invalid');
  let ended: auth.SessionEndedError | undefined;
  for (const token of candidates) {
    try {
      sendTokens(res, 200, await auth.refresh(token));
      return;
    } catch (error) {
      if (!(error instanceof auth.SessionEndedError)) throw error;
      ended = error;
    }
  }
  clearRefreshCookie(res);
  throw ended!;
}

/** Ends the session named by the access token and/or the refresh cookies; always 204. */
export async function logout(req: Request, res: Response) {
  // HEAD, which Express answers with the GET alias's handler, is a safe method: link checkers and
  // monitors send it to see whether a URL answers, never to sign someone out.
  if (req.method === 'HEAD') {
    res.status(204).end();
    return;
  }
  const token = bearerToken(req);
  const fromAccess = token ? verifyAccessToken(token)?.sessionId : undefined;
  const fromCookies = refreshCookies(req).map((cookie) => parseRefreshToken(cookie)?.sessionId);
  for (const sessionId of new Set([fromAccess, ...fromCookies])) {
    if (sessionId) await auth.revokeSession(sessionId);
  }
  clearRefreshCookie(res);
  res.status(204).end();
}
