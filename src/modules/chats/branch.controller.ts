import type { Request, Response } from 'express';
import type { ObjectIdString } from '../../lib/http/ids.js';
import { authOf } from '../../lib/http/request-auth.js';
import { beginContinue, beginRegenerate } from './branch-exchange.service.js';
import { deleteBranch, forkChat } from './branch-edit.service.js';
import { toChatJson } from './chats.mapper.js';
import type { Input } from './chats.schemas.js';
import { respondWithReply, wantsStream } from './exchange.controller.js';

type MessageParams = { id: ObjectIdString; messageId: ObjectIdString };

export async function regenerate(
  req: Request,
  res: Response,
  { params, body }: { params: MessageParams; body: Input<'RegenerateBody'> },
) {
  const exchange = await beginRegenerate(authOf(req).userId, params.id, params.messageId, body);
  await respondWithReply(res, exchange, wantsStream(req, body.stream));
}

export async function continueReply(
  req: Request,
  res: Response,
  { params, body }: { params: MessageParams; body: Input<'ContinueBody'> },
) {
  const exchange = await beginContinue(authOf(req).userId, params.id, params.messageId);
  await respondWithReply(res, exchange, wantsStream(req, body.stream));
}

export async function fork(
  req: Request,
  res: Response,
  { params, body }: { params: { id: ObjectIdString }; body: Input<'ForkBody'> },
) {
  res.status(201).json(toChatJson(await forkChat(authOf(req).userId, params.id, body.messageId)));
}

export async function removeBranch(
  req: Request,
  res: Response,
  { params }: { params: MessageParams },
) {
  await deleteBranch(authOf(req).userId, params.id, params.messageId);
  res.status(204).end();
}
