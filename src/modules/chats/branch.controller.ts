import type { Request, Response } from 'express';
import type { ObjectIdString } from '../../lib/http/ids.js';
import { authOf, sessionCredential } from '../../lib/http/request-auth.js';
import {
  beginContinue,
  beginRegenerate,
  continueIds,
  regenerateIds,
} from './branch-exchange.service.js';
import { deleteBranch, forkChat } from './branch-edit.service.js';
import type { Input } from './chats.schemas.js';
import { chatOnce, exchangeOnce, wantsStream } from './exchange.controller.js';

type MessageParams = { id: ObjectIdString; messageId: ObjectIdString };

/** A new sibling answer; a repeat with the same Idempotency-Key answers with the same one. */
export async function regenerate(
  req: Request,
  res: Response,
  { params, body }: { params: MessageParams; body: Input<'RegenerateBody'> },
) {
  const { userId, sessionId } = authOf(req);
  await exchangeOnce(req, res, {
    ids: regenerateIds(params.id),
    begin: ({ replyId }) =>
      beginRegenerate(
        userId,
        sessionCredential(sessionId),
        params.id,
        params.messageId,
        body,
        replyId,
      ),
    stream: wantsStream(req, body.stream),
    chatId: params.id,
  });
}

/** Appends to a cut answer; a repeat with the same Idempotency-Key does not append again. */
export async function continueReply(
  req: Request,
  res: Response,
  { params, body }: { params: MessageParams; body: Input<'ContinueBody'> },
) {
  const { userId, sessionId } = authOf(req);
  await exchangeOnce(req, res, {
    ids: continueIds(params.id, params.messageId),
    begin: () => beginContinue(userId, sessionCredential(sessionId), params.id, params.messageId),
    stream: wantsStream(req, body.stream),
    chatId: params.id,
  });
}

/** A new chat copying a branch; a repeat with the same Idempotency-Key answers with the same one. */
export async function fork(
  req: Request,
  res: Response,
  { params, body }: { params: { id: ObjectIdString }; body: Input<'ForkBody'> },
) {
  const { userId } = authOf(req);
  await chatOnce(req, res, (id) => forkChat(userId, params.id, body.messageId, id), {
    copies: true,
  });
}

export async function removeBranch(
  req: Request,
  res: Response,
  { params }: { params: MessageParams },
) {
  await deleteBranch(authOf(req).userId, params.id, params.messageId);
  res.status(204).end();
}
