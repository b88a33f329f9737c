import { NEXT_PAGE_HEADER } from '../../lib/http/pagination.js';
import { defineRoute, type RouteGroup } from '../../lib/http/route.js';
import * as controller from './ai-sdk.controller.js';
import { z } from 'zod';
import {
  AiSdkChatBody,
  StoredUiMessage,
  UiMessageChunk,
  UseChatIdParams,
  uiMessagesQuery,
} from './ai-sdk.schemas.js';

/** The Vercel AI SDK's `useChat` (DefaultChatTransport) talks to this route directly. */
export function aiSdkRoutes(): RouteGroup {
  return {
    prefix: '/api/ai-sdk',
    tag: 'AI SDK',
    routes: [
      defineRoute({
        method: 'post',
        path: '/chat',
        summary: "Answer useChat's new message as a UI message stream",
        description: [
          "The `api` of useChat's `DefaultChatTransport` (send the access token in `headers`). `id` names one of",
          'your chats (created on first use); only the last message is read, the server holds the history. The reply',
          'goes through the same path as `POST /api/chats/:id/messages` (limits, storage, stop) and streams in the',
          'UI message stream protocol: header `x-vercel-ai-ui-message-stream: v1`, `data:` parts `start`',
          "(`messageMetadata.chatId`), `start-step`, a reasoning model's thinking as `reasoning-start`, `reasoning-delta`…, `reasoning-end` (not stored),",
          '`text-start`, `text-delta`…, `text-end`, `finish-step`, `finish`',
          '— or `error` / `abort` — then `data: [DONE]`. `trigger: "regenerate-message"` answers the latest question',
          "of the chat's active branch again as a new sibling answer (as `POST /api/chats/:id/messages/:messageId/regenerate`;",
          '`messageId` is used when it is a stored message id) and streams it the same way; a chat with nothing to',
          'regenerate is a 400 `NOTHING_TO_REGENERATE`.',
        ].join(' '),
        auth: true,
        request: { body: AiSdkChatBody },
        responses: {
          200: {
            description: 'The reply as a UI message stream',
            contentType: 'text/event-stream',
            dataEvents: UiMessageChunk,
            headers: { 'x-vercel-ai-ui-message-stream': '`v1`' },
          },
        },
        // 404: an edit after an answer (`messageId`, an answer before it) that the chat does not hold.
        errors: [404, 409, 429, 503],
        handler: controller.chat,
      }),
      defineRoute({
        method: 'get',
        path: '/chat/:id/messages',
        summary: "A useChat id's stored messages, as UI messages (useChat `messages` on page load)",
        description: [
          'The messages of the chat a useChat id names: its active branch, as `GET /api/chats/:id` shows it, each a',
          '`UIMessage` with one text part and the stored id, so a reloaded page goes on (edits and regenerate',
          'included) where it was. An id never sent to, or whose chat was deleted, has none: `[]`. Newest page',
          'first, each page oldest first; `Link` points to older messages.',
        ].join(' '),
        auth: true,
        request: { params: UseChatIdParams, query: uiMessagesQuery() },
        responses: {
          200: {
            description: 'A page of UI messages; `Link` points to the next (older) page',
            schema: z.array(StoredUiMessage),
            headers: NEXT_PAGE_HEADER,
          },
        },
        handler: controller.messages,
      }),
      defineRoute({
        method: 'get',
        path: '/chat/:id/stream',
        summary: 'Nothing to resume (useChat `resume`)',
        description: [
          "Where useChat's transport asks to resume a chat's reply (`resume: true`, `resumeStream()`). Leaving this",
          'route stops its reply (it is stored as `incomplete`), so there is never one to resume: always 204, which',
          'the transport reads as nothing to resume. Follow a chat reply at `GET /api/chats/:id/messages/:messageId/stream`.',
        ].join(' '),
        auth: true,
        request: { params: UseChatIdParams },
        responses: { 204: { description: 'No reply to resume' } },
        handler: controller.nothingToResume,
      }),
    ],
  };
}
