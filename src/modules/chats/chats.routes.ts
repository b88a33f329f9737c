import { NEXT_PAGE_HEADER } from '../../lib/http/pagination.js';
import { z } from 'zod';
import { config } from '../../lib/config.js';
import { defineRoute, type RouteGroup } from '../../lib/http/route.js';
import * as branches from './branch.controller.js';
import { admitImport, importChatRoute } from './chat-import.controller.js';
import * as controller from './chats.controller.js';
import { streamReply } from './reply.controller.js';
import {
  BranchMessageSchema,
  ChatCreationHeaders,
  ChatExportSchema,
  ChatSchema,
  ChatWithMessagesSchema,
  chatSchemas,
  CreatedChatSchema,
  ExchangeResultSchema,
  IdParams,
  MessageParams,
  ReplyParams,
  ResumeHeaders,
  ResumeQuery,
  ExchangeHeaders,
  SseDescription,
  SseEventSchemas,
  StopResultSchema,
} from './chats.schemas.js';

/**
 * Errors any exchange can answer before its stream opens (limits, a reused Idempotency-Key) or in
 * JSON mode (upstream).
 */
export const EXCHANGE_ERRORS = [404, 409, 429, 502, 503, 504];

const streamResponse = (description: string) => ({
  description,
  contentType: 'text/event-stream',
  schema: z.string(),
  events: SseEventSchemas,
  eventName: 'ExchangeEvent',
});

export const exchangeResponses = (created: string) => ({
  200: streamResponse(SseDescription),
  201: { description: created, schema: ExchangeResultSchema },
  204: {
    description:
      'A reconnect (Last-Event-ID) whose reply had ended and was fully delivered: nothing more to send',
  },
});

export function chatRoutes(): RouteGroup {
  const s = chatSchemas();
  const send = (path: string, summary: string) =>
    defineRoute({
      method: 'post',
      path,
      summary,
      auth: true,
      description:
        'Streams with `stream: true`, or with `Accept: text/event-stream` when `stream` is absent; otherwise JSON.',
      request: { params: IdParams, body: s.SendMessageBody, headers: ExchangeHeaders },
      responses: exchangeResponses('The user message and the reply, both stored'),
      errors: EXCHANGE_ERRORS,
      handler: controller.send,
    });
  const update = (method: 'patch' | 'put', summary: string) =>
    defineRoute({
      method,
      path: '/:id',
      summary,
      auth: true,
      request: { params: IdParams, body: s.UpdateChatBody },
      responses: { 200: { description: 'The updated chat', schema: ChatSchema } },
      // 409: a longer title or system prompt past MAX_STORED_BYTES_PER_USER (chats.quota ensureRoom);
      // 429: CHAT_WRITES_PER_MINUTE (chats.service checkChatWriteRate).
      errors: [404, 409, 429],
      handler: controller.update,
    });
  return {
    prefix: '/api/chats',
    tag: 'Chats',
    routes: [
      defineRoute({
        method: 'get',
        path: '/',
        summary: 'List chats: pinned first, then most recently active',
        auth: true,
        description:
          'With `q`, only the chats whose title or one of whose messages matches it. A `q` of words (letters and digits separated by spaces) matches by word prefix: every word must start a word of the same title or message, in any order, ignoring case and diacritics; `holi plan` finds "Planning the holiday", `liday` does not. Any other `q` (punctuation, code, scripts written without spaces) is matched as literal text anywhere, ignoring case.',
        request: { query: s.ListChatsQuery },
        responses: {
          200: {
            description: 'A page of chats; `Link: <…>; rel="next"` when more exist',
            schema: z.array(ChatSchema),
            headers: NEXT_PAGE_HEADER,
          },
        },
        errors: [429, 503],
        handler: controller.list,
      }),
      defineRoute({
        method: 'post',
        path: '/',
        summary: 'Create a chat, optionally answering its first message',
        auth: true,
        description:
          'Without `message`: 201 Chat. With `message`: the title comes from it and it is answered like POST /:id/messages.',
        request: { body: s.CreateChatBody, headers: ExchangeHeaders },
        responses: {
          ...exchangeResponses('The chat was created with the first message and its reply'),
          201: {
            description:
              'The new chat; with `message` (JSON mode) it also carries `messages` (the user message and the reply) and `chat` (the same chat, as POST /:id/messages answers)',
            schema: CreatedChatSchema,
          },
        },
        // 404: a keyed repeat of a first message whose question or answer was deleted since.
        errors: EXCHANGE_ERRORS,
        handler: controller.create,
      }),
      defineRoute({
        method: 'get',
        path: '/:id',
        summary: 'A chat with the latest page of its active branch (root to leaf, oldest first)',
        auth: true,
        request: { params: IdParams, query: s.MessagePageQuery },
        responses: {
          200: {
            description: 'The chat, its latest messages and whether older ones exist',
            schema: ChatWithMessagesSchema,
            headers: NEXT_PAGE_HEADER,
          },
        },
        errors: [404],
        handler: controller.get,
      }),
      defineRoute({
        method: 'get',
        path: '/:id/messages',
        summary:
          'Messages of a branch (the active one, or `leafId`), newest page first, each page oldest first; `view=tree`: every branch, oldest first',
        auth: true,
        request: { params: IdParams, query: s.MessagesQuery },
        responses: {
          200: {
            description: 'A page of messages; `Link` points to the next page',
            schema: z.array(BranchMessageSchema),
            headers: NEXT_PAGE_HEADER,
          },
        },
        errors: [404],
        handler: controller.messages,
      }),
      defineRoute({
        method: 'get',
        path: '/:id/export',
        summary: 'Export a chat as a file: every branch as JSON, or the active branch as Markdown',
        auth: true,
        description:
          'A download (`Content-Disposition: attachment`, named after the title: `filename` in ASCII, and `filename*` in UTF-8 when the title is not ASCII). `format=json` (the default): the chat, when the export began, and every message of every branch, oldest first, each as the message routes show it. `format=markdown`: the active branch as a document, the title as a heading and each turn under a `User` or `Assistant` heading with its text as written; a reply that failed, was stopped or is still being written is marked below its text. Sent as it is read from the database, a batch at a time: a chat of any size is exported whole. A failure once the file has begun cuts the connection, so a download that ends without error is the whole file.',
        request: { params: IdParams, query: s.ExportQuery },
        responses: {
          200: {
            description: 'The chat and every message (`format=json`)',
            schema: ChatExportSchema,
            headers: {
              'Content-Disposition':
                '`attachment; filename="<title>.json"` (`.md` for Markdown), with `filename*=UTF-8\'\'<title>` when the title is not ASCII',
            },
            also: {
              description: 'the active branch as Markdown (`format=markdown`)',
              contentType: 'text/markdown',
              schema: z.string(),
            },
          },
        },
        errors: [404, 429],
        handler: controller.exportChat,
      }),
      defineRoute({
        method: 'post',
        path: '/import',
        summary: 'Import a chat from its export: a new chat holding every message of every branch',
        auth: true,
        description:
          "The body is a `ChatExport` as `GET /api/chats/:id/export` writes it (of this account or another, of this server or another). The new chat is the caller's, under new ids: every message of every branch with its role, text, status and time, the same tree (parents, active branch), the title, system prompt, pinned and archived flags and times of the exported chat; the chat's model when this server offers it, else its default model. A reply exported while still streaming is `incomplete`; a time in the future is now, and a message is never older than its parent. Counted as a chat write, charged before the body is read (a refused file costs one too), and against the caps (chats, messages and stored bytes: 409 naming the cap; more than MAX_TREE_MESSAGES messages, a user message over MAX_MESSAGE_CHARS, a reply over MAX_REPLY_CHARS: 400). A file that is no export (an unknown parent, a cycle, duplicate ids, roles out of turn) is a 400 naming the field, and nothing is stored. The body may be up to IMPORT_BODY_LIMIT (20mb), read once the caller is authenticated; at most 2 imports at once per user and IMPORTS_PER_INSTANCE (2) in all on each instance (429 `RATE_LIMITED` with `Retry-After`, before the body is read). Answers as GET /api/chats/:id does.",
        guards: [admitImport],
        bodyLimit: config().IMPORT_BODY_LIMIT,
        request: { body: s.ImportChatBody, headers: ChatCreationHeaders },
        responses: {
          201: {
            description: 'The new chat with the latest page of its active branch',
            schema: ChatWithMessagesSchema,
            headers: NEXT_PAGE_HEADER,
          },
        },
        // 404: a keyed repeat whose chat was deleted since; 409: a cap or a reused key.
        errors: [404, 409, 429],
        handler: importChatRoute,
      }),
      update('patch', 'Change a chat'),
      update('put', 'Change a chat (alias of PATCH)'),
      defineRoute({
        method: 'delete',
        path: '/:id',
        summary: 'Delete a chat and all its messages',
        auth: true,
        request: { params: IdParams },
        responses: { 204: { description: 'Deleted' } },
        errors: [404, 429],
        handler: controller.remove,
      }),
      send('/:id/messages', 'Send a message and get the reply, streamed or as JSON'),
      defineRoute({
        method: 'get',
        path: '/:id/messages/:messageId/stream',
        summary:
          'Follow a reply: resume its stream after a dropped connection, or watch it from another tab',
        auth: true,
        description:
          'Any instance serves it. With `Last-Event-ID` (or `?lastEventId=`): exactly the events after that one, then live until the final event. ' +
          'Without: from the beginning, `meta` first. A finished reply answers at once with what is missing and its final event.',
        request: { params: ReplyParams, query: ResumeQuery, headers: ResumeHeaders },
        responses: {
          200: streamResponse(SseDescription),
          204: { description: 'Last-Event-ID names the final event: nothing more to send' },
        },
        // 429 TOO_MANY_STREAMS: MAX_READERS_PER_USER replies followed at once (reader-cap.ts).
        errors: [400, 404, 429],
        handler: streamReply,
      }),
      send('/:id/message', 'Send a message (alias of /:id/messages)'),
      defineRoute({
        method: 'post',
        path: '/:id/messages/:messageId/regenerate',
        summary: 'Answer a user message again, as a new sibling answer (streamed or JSON)',
        auth: true,
        description:
          '`messageId` is the user message or one of its answers. The model gets the branch up to that user message; the new answer becomes the active branch. Streams like sending a message.',
        request: { params: MessageParams, body: s.RegenerateBody, headers: ExchangeHeaders },
        responses: exchangeResponses('The user message and the new answer'),
        errors: [400, ...EXCHANGE_ERRORS],
        handler: branches.regenerate,
      }),
      defineRoute({
        method: 'post',
        path: '/:id/messages/:messageId/continue',
        summary: 'Continue an answer that was cut off; the text is appended to the same message',
        auth: true,
        description:
          'For an answer that ended `incomplete` or with `finishReason: "length"`. The model gets the branch with the partial answer last; `meta` shows the answer as it was (`assistantMessage.content`), `delta` events carry only the new text, `done` the whole message. A complete answer is a 409 `REPLY_NOT_CONTINUABLE`.',
        request: { params: MessageParams, body: s.ContinueBody, headers: ExchangeHeaders },
        responses: exchangeResponses('The user message and the continued answer'),
        errors: [400, ...EXCHANGE_ERRORS],
        handler: branches.continueReply,
      }),
      defineRoute({
        method: 'delete',
        path: '/:id/messages/:messageId',
        summary: 'Delete a message and everything below it (a branch)',
        auth: true,
        description:
          'When the active branch ran through it, it moves to the newest remaining sibling, else to the parent. A reply still streaming on it is a 409 `MESSAGE_STREAMING`.',
        request: { params: MessageParams },
        responses: { 204: { description: 'Deleted' } },
        errors: [404, 409, 429],
        handler: branches.removeBranch,
      }),
      defineRoute({
        method: 'post',
        path: '/:id/fork',
        summary: 'Fork: a new chat with a copy of the branch from the root to a message',
        auth: true,
        description:
          'An `Idempotency-Key` makes a repeat of the request (after a lost answer) answer with the same new chat instead of forking again.',
        request: { params: IdParams, body: s.ForkBody, headers: ChatCreationHeaders },
        responses: {
          201: { description: 'The new chat; its active branch is the copy', schema: ChatSchema },
        },
        errors: [404, 409, 429],
        handler: branches.fork,
      }),
      defineRoute({
        method: 'post',
        path: '/:id/stop',
        summary: 'Stop the reply being generated for this chat, on whichever instance',
        auth: true,
        request: { params: IdParams },
        responses: {
          202: {
            description: 'Stop requested; the partial reply is stored as incomplete',
            schema: StopResultSchema,
          },
        },
        errors: [404],
        handler: controller.stop,
      }),
    ],
  };
}
