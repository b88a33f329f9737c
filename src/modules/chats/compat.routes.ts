import { z } from 'zod';
import { defineRoute, type RouteGroup } from '../../lib/http/route.js';
import { EXCHANGE_ERRORS, exchangeResponses } from './chats.routes.js';
import {
  BranchMessageSchema,
  ChatSchema,
  chatSchemas,
  IdParams,
  ExchangeHeaders,
} from './chats.schemas.js';
import * as chats from './chats.controller.js';
import * as compat from './compat.controller.js';

/**
 * The SigmaGPT-compatible routes of API.md: other paths and request shapes, the same handlers,
 * services and response objects as /api/chats (only sending a message has its own handler).
 */
export function compatRoutes(): RouteGroup {
  const s = chatSchemas();
  return {
    prefix: '/api/chat',
    tag: 'SigmaGPT-compatible',
    routes: [
      defineRoute({
        method: 'get',
        path: '/',
        summary: 'List chats (as GET /api/chats)',
        auth: true,
        request: { query: s.PageQuery },
        responses: { 200: { description: 'A page of chats', schema: z.array(ChatSchema) } },
        handler: chats.list,
      }),
      defineRoute({
        method: 'post',
        path: '/',
        summary:
          'Start a chat or continue one (chatId or threadId); streams unless stream is false',
        auth: true,
        request: { body: s.CompatSendBody, headers: ExchangeHeaders },
        responses: exchangeResponses('The user message and the reply (stream: false)'),
        errors: EXCHANGE_ERRORS,
        handler: compat.send,
      }),
      defineRoute({
        method: 'get',
        path: '/:id',
        summary: 'Messages of the active branch of a chat, oldest first',
        auth: true,
        request: { params: IdParams, query: s.MessagePageQuery },
        responses: {
          200: { description: 'A page of messages', schema: z.array(BranchMessageSchema) },
        },
        errors: [404],
        handler: chats.messages,
      }),
      defineRoute({
        method: 'put',
        path: '/:id',
        summary: 'Rename or pin a chat',
        auth: true,
        request: { params: IdParams, body: s.CompatUpdateBody },
        responses: { 200: { description: 'The updated chat', schema: ChatSchema } },
        errors: [404, 409, 429],
        handler: chats.update,
      }),
      defineRoute({
        method: 'delete',
        path: '/:id',
        summary: 'Delete a chat and its messages',
        auth: true,
        request: { params: IdParams },
        responses: { 204: { description: 'Deleted' } },
        errors: [404, 429],
        handler: chats.remove,
      }),
    ],
  };
}
