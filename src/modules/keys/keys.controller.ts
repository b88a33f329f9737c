import type { Request, Response } from 'express';
import { unauthenticated } from '../../lib/errors.js';
import { authOf } from '../../lib/http/request-auth.js';
import { activeSession } from '../auth/index.js';
import type { CreateKeyInput } from './keys.schemas.js';
import * as keys from './keys.service.js';

/**
 * Creates a key, then checks again that the session that asked is still open: a request that
 * passed its session check just before the sessions ended (a password change, a sign-out
 * everywhere, the account's deletion) would otherwise leave a key that outlives them. Its key is
 * deleted and the answer is 401, as the request would have got a moment later.
 */
export async function create(req: Request, res: Response, { body }: { body: CreateKeyInput }) {
  const { userId, sessionId } = authOf(req);
  const made = await keys.createKey(userId, body);
  // A check that fails (the database away) leaves no key behind either: the request fails.
  const stillOpen = await activeSession(sessionId, userId).catch((error: unknown) => error);
  if (stillOpen !== true) {
    await keys.deleteKey(userId, made.id).catch(() => undefined);
    if (stillOpen === false)
      throw unauthenticated('The session ended while the key was being made');
    throw stillOpen;
  }
  res.status(201).json(made);
}

export async function list(req: Request, res: Response) {
  res.json(await keys.listKeys(authOf(req).userId));
}

export async function remove(req: Request, res: Response, { params }: { params: { id: string } }) {
  await keys.deleteKey(authOf(req).userId, params.id);
  res.status(204).end();
}
