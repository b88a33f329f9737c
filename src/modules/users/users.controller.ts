import type { Request, Response } from 'express';
import type { z } from 'zod';
import { clearRefreshCookie, setRefreshCookie } from '../../lib/http/refresh-cookie.js';
import { authOf } from '../../lib/http/request-auth.js';
import type { ChangePasswordBody, DeleteMeBody, UpdateMeBody } from './users.schemas.js';
import { rememberNetworkOf } from './password-brake.js';
import * as users from './users.service.js';

type Body<T extends z.ZodType> = { body: z.infer<T> };

export async function me(req: Request, res: Response) {
  res.json(await users.getUser(authOf(req).userId));
}

export async function updateMe(req: Request, res: Response, { body }: Body<typeof UpdateMeBody>) {
  res.json(await users.updateName(authOf(req).userId, body.name));
}

export async function changePassword(
  req: Request,
  res: Response,
  { body }: Body<typeof ChangePasswordBody>,
) {
  const { userId, sessionId } = authOf(req);
  const renewed = await users.changePassword(
    userId,
    sessionId,
    body.currentPassword,
    body.newPassword,
  );
  await rememberNetworkOf(req, userId);
  // This session goes on with a new refresh cookie: a copy of the old one no longer refreshes.
  if (renewed) setRefreshCookie(res, renewed.token, renewed.expiresAt);
  res.status(204).end();
}

export async function deleteMe(req: Request, res: Response, { body }: Body<typeof DeleteMeBody>) {
  await users.deleteAccount(authOf(req).userId, body.password);
  clearRefreshCookie(res);
  res.status(204).end();
}
