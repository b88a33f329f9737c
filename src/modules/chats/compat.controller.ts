import type { Request, Response } from 'express';
import { parseObjectId } from '../../lib/http/ids.js';
import type { Input } from './chats.schemas.js';
import { sendMessage, wantsStream } from './exchange.controller.js';

/**
 * SigmaGPT clients send a message as `{ message, chatId | threadId }` and get a stream unless they
 * ask otherwise; this is the one compat handler of its own (the others are the chats handlers).
 */
export async function send(
  req: Request,
  res: Response,
  { body }: { body: Input<'CompatSendBody'> },
) {
  const chatId = body.chatId ?? body.threadId;
  return sendMessage(req, res, {
    // A body field rather than a path, but the same answer: an id that cannot name a chat is 404.
    target:
      chatId !== undefined
        ? { chatId: parseObjectId(chatId, 'Chat') }
        : { newChat: { model: body.model } },
    input: { content: body.message, model: body.model },
    stream: wantsStream(req, body.stream, true),
    chatId,
  });
}
