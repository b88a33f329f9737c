import type { Request, Response } from 'express';
import { authOf } from '../auth/auth.middleware.js';
import { toChatJson, toMessageJson } from './chats.mapper.js';
import type { Input } from './chats.schemas.js';
import * as chats from './chats.service.js';
import { sendMessage, wantsStream } from './exchange.controller.js';
import { setNextLink } from './chats.controller.js';

/** SigmaGPT clients: a thin adapter over the same services as /api/chats. */

export async function send(
  req: Request,
  res: Response,
  { body }: { body: Input<'CompatSendBody'> },
) {
  const chatId = body.chatId ?? body.threadId;
  await sendMessage(req, res, {
    target: chatId !== undefined ? { chatId } : { newChat: { model: body.model } },
    input: { content: body.message, model: body.model },
    stream: wantsStream(req, body.stream, true),
    chatId,
  });
}

export async function list(req: Request, res: Response, { query }: { query: Input<'PageQuery'> }) {
  const page = await chats.listChats(authOf(req).userId, query);
  setNextLink(req, res, page.nextCursor);
  res.json(page.items.map(toChatJson));
}

export async function messages(
  req: Request,
  res: Response,
  { params, query }: { params: { id: string }; query: Input<'PageQuery'> },
) {
  const page = await chats.listMessages(authOf(req).userId, params.id, query);
  setNextLink(req, res, page.nextCursor);
  res.json(page.items.map(toMessageJson));
}

export async function update(
  req: Request,
  res: Response,
  { params, body }: { params: { id: string }; body: Input<'CompatUpdateBody'> },
) {
  res.json(toChatJson(await chats.updateChat(authOf(req).userId, params.id, body)));
}

export async function remove(req: Request, res: Response, { params }: { params: { id: string } }) {
  await chats.deleteChat(authOf(req).userId, params.id);
  res.status(204).end();
}
