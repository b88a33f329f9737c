import type { Request, Response } from 'express';
import { config } from '../../lib/config.js';
import { attachmentDisposition, sendDownload } from '../../lib/http/download.js';
import type { ObjectIdString } from '../../lib/http/ids.js';
import { setNextLink } from '../../lib/http/pagination.js';
import { authOf } from '../../lib/http/request-auth.js';
import { branchPage, switchBranch, treePage } from './branch.service.js';
import { deleteChat } from './chat-deletion.js';
import { chatExportJson, chatExportMarkdown } from './chat-export.service.js';
import { admitExport } from './export-cap.js';
import { toBranchMessageJson, toChatJson } from './chats.mapper.js';
import type { ChatWithMessagesJson, Input, StopResultJson } from './chats.schemas.js';
import * as chats from './chats.service.js';
import { createChatOnce, sendMessage, wantsStream } from './exchange.controller.js';
import { cursorOf } from './reply-cursor.js';
import { resumeFromPost } from './reply.controller.js';

/** The chat id of the path, checked by IdParams (a malformed one was answered 404 already). */
type Id = { id: ObjectIdString };

/** Also GET /api/chat, whose query has no search or archive filter. */
export async function list(req: Request, res: Response, { query }: { query: chats.ListOptions }) {
  const page = await chats.listChats(authOf(req).userId, query);
  setNextLink(req, res, page.nextCursor);
  res.json(page.items.map(toChatJson));
}

export async function create(
  req: Request,
  res: Response,
  { body }: { body: Input<'CreateChatBody'> },
) {
  const { message, stream, ...newChat } = body;
  if (message === undefined) {
    // A Last-Event-ID makes every POST here a reconnect, with or without a message: a malformed
    // one is a 400 rather than a header silently ignored.
    const cursor = cursorOf(req.get('Last-Event-ID'));
    if (cursor) return resumeFromPost(res, authOf(req).userId, cursor);
    return createChatOnce(req, res, newChat);
  }
  return sendMessage(req, res, {
    target: { newChat },
    input: { content: message, model: newChat.model },
    stream: wantsStream(req, stream),
    createdChat: true,
  });
}

export async function get(
  req: Request,
  res: Response,
  { params, query }: { params: Id; query: Input<'MessagePageQuery'> },
) {
  const chat = await chats.findOwnedChat(authOf(req).userId, params.id);
  const page = await branchPage(chat, query);
  setNextLink(req, res, page.nextCursor, `${req.baseUrl}/${params.id}/messages`);
  res.json({
    ...toChatJson(chat),
    ...(page.activeLeafId ? { activeLeafId: page.activeLeafId } : {}),
    messages: page.items.map(toBranchMessageJson),
    hasMore: page.nextCursor !== null,
  } satisfies ChatWithMessagesJson);
}

export async function messages(
  req: Request,
  res: Response,
  { params, query }: { params: Id; query: Input<'MessagesQuery'> },
) {
  const chat = await chats.findOwnedChat(authOf(req).userId, params.id);
  const { view, ...options } = query;
  const page = view === 'tree' ? await treePage(chat, options) : await branchPage(chat, options);
  setNextLink(req, res, page.nextCursor);
  res.json(page.items.map(toBranchMessageJson));
}

/**
 * The chat as a file to keep, sent as it is read (chat-export.service.ts). A client that stops
 * reading for SEND_TIMEOUT_MS loses the connection, as it would for any answer it does not take.
 */
export async function exportChat(
  req: Request,
  res: Response,
  { params, query }: { params: Id; query: Input<'ExportQuery'> },
) {
  const { userId } = authOf(req);
  const chat = await chats.findOwnedChat(userId, params.id);
  admitExport(userId, res);
  const markdown = query.format === 'markdown';
  await sendDownload(
    res,
    {
      contentType: markdown ? 'text/markdown; charset=utf-8' : 'application/json; charset=utf-8',
      disposition: attachmentDisposition(chat.title, markdown ? 'md' : 'json', 'chat'),
    },
    markdown ? chatExportMarkdown(chat) : chatExportJson(chat, new Date()),
    config().SEND_TIMEOUT_MS,
  );
}

export async function update(
  req: Request,
  res: Response,
  { params, body }: { params: Id; body: Input<'UpdateChatBody'> },
) {
  const { userId } = authOf(req);
  const { activeLeafId, ...changes } = body;
  if (!activeLeafId) {
    res.json(toChatJson(await chats.updateChat(userId, params.id, changes)));
    return;
  }
  // A branch switch is a chat write like any other change (and reads the chat's message tree):
  // counted once, also when the same PATCH changes other fields.
  await chats.checkChatWriteRate(userId);
  // The other changes go first, once the leaf is found: refused (a cap), the branch stays.
  const others = Object.keys(changes).length > 0;
  let chat = await switchBranch(
    userId,
    params.id,
    activeLeafId,
    others ? () => chats.updateChat(userId, params.id, changes, { counted: true }) : undefined,
  );
  // As stored after both writes.
  if (others) chat = await chats.findOwnedChat(userId, params.id);
  res.json(toChatJson(chat));
}

export async function remove(req: Request, res: Response, { params }: { params: Id }) {
  await deleteChat(authOf(req).userId, params.id);
  res.status(204).end();
}

export async function send(
  req: Request,
  res: Response,
  { params, body }: { params: Id; body: Input<'SendMessageBody'> },
) {
  return sendMessage(req, res, {
    target: { chatId: params.id },
    input: { content: body.content, model: body.model, parentId: body.parentId },
    stream: wantsStream(req, body.stream),
    chatId: params.id,
  });
}

export async function stop(req: Request, res: Response, { params }: { params: Id }) {
  const stopping = await chats.stopReply(authOf(req).userId, params.id);
  res.status(202).json({ stopping } satisfies StopResultJson);
}
