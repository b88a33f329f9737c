import type { Request, Response } from 'express';
import { authOf } from '../../lib/http/request-auth.js';
import type { Input } from './chats.schemas.js';
import { respondWithReply, wantsStream } from './exchange.controller.js';
import { beginExchange } from './exchange.service.js';

/**
 * SigmaGPT clients send a message as `{ message, chatId | threadId }` and get a stream unless they
 * ask otherwise; this is the one compat handler of its own (the others are the chats handlers).
 */
export async function send(
  req: Request,
  res: Response,
  { body }: { body: Input<'CompatSendBody'> },
) {
  const { userId } = authOf(req);
  const chatId = body.chatId ?? body.threadId;
  const target = chatId !== undefined ? { chatId } : { newChat: { model: body.model } };
  const exchange = await beginExchange(userId, target, {
    content: body.message,
    model: body.model,
  });
  await respondWithReply(req, res, exchange, wantsStream(req, body.stream, true));
}
