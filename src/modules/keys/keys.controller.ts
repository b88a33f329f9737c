import type { Request, Response } from 'express';
import { authOf } from '../../lib/http/request-auth.js';
import type { CreateKeyInput } from './keys.schemas.js';
import * as keys from './keys.service.js';

export async function create(req: Request, res: Response, { body }: { body: CreateKeyInput }) {
  res.status(201).json(await keys.createKey(authOf(req).userId, body));
}

export async function list(req: Request, res: Response) {
  res.json(await keys.listKeys(authOf(req).userId));
}

export async function remove(req: Request, res: Response, { params }: { params: { id: string } }) {
  await keys.deleteKey(authOf(req).userId, params.id);
  res.status(204).end();
}
