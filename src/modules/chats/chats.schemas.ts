import { z } from 'zod';
import { config, type Config } from '../../lib/config.js';
import { objectIdField, objectIdParam } from '../../lib/http/ids.js';
import { idempotencyKeyHeader, searchQuery } from '../../lib/http/schemas.js';
import { CURSOR_TEXT } from './reply-cursor.js';
import { modelRule } from './message-rules.js';
import { REPLY_ERROR_CODES, STOP_REASONS } from './message.model.js';
import { pageParams } from '../../lib/http/pagination.js';
import { NOT_BLANK } from '../../lib/text.js';
import { importChatBody } from './chat-import.schemas.js';

/** Longer than any model id a provider uses; bounds what the description lets clients send. */
const MODEL_ID_MAX = 200;

/** Response shapes (also the OpenAPI description), each a named component (`meta({ id })`). */
export const ChatSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    pinned: z.boolean(),
    archived: z.boolean(),
    model: z.string(),
    systemPrompt: z.string(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    lastMessageAt: z.iso
      .datetime()
      .describe(
        'Time of the latest user message sent in this chat (its creation time until then; a fork counts from when it was made, not from its copied messages)',
      ),
    activeLeafId: z
      .string()
      .optional()
      .describe(
        'The message the current branch ends at, once one was chosen (an edit, a regenerate, a continue, a switch, a fork). Absent from a chat that never branched: its branch ends at its newest message. GET /api/chats/:id gives it whenever the chat has messages',
      ),
  })
  .meta({ id: 'Chat' });

export const UsageSchema = z
  .object({
    promptTokens: z.number().int(),
    completionTokens: z.number().int(),
    totalTokens: z.number().int(),
  })
  .meta({ id: 'Usage' });

/**
 * Why a reply failed, stored with it and sent in its `error` event. Inline, not a component: the
 * generator would make the component itself nullable, as `Message.error` is.
 */
export const ReplyErrorSchema = z.object({
  code: z
    .enum(REPLY_ERROR_CODES)
    .describe(
      'One of the API error codes (the error that ended the reply), or `INTERRUPTED`: the server generating it stopped',
    ),
  message: z.string(),
});

export const MessageSchema = z
  .object({
    id: z.string(),
    chatId: z.string(),
    parentId: z.string().nullable(),
    role: z.enum(['user', 'assistant']),
    content: z.string(),
    status: z.enum(['complete', 'streaming', 'incomplete', 'error']),
    model: z.string().nullable(),
    finishReason: z.string().nullable(),
    usage: UsageSchema.nullable(),
    error: ReplyErrorSchema.nullable(),
    stopReason: z
      .enum(STOP_REASONS)
      .nullable()
      .describe(
        'Why an `incomplete` reply was cut: `stop` (POST /api/chats/:id/stop, the account disabled, or a /v1 or useChat client that left: there leaving is stopping), `detached` (its readers left and none came back within DETACH_GRACE_SECONDS), `superseded` (a new message of yours needed its generation slot), `shutdown` (the server stopped). null otherwise; a reply whose server died is `incomplete` with error `INTERRUPTED`',
      ),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Message' });

export const BranchMessageSchema = MessageSchema.extend({
  siblingIds: z
    .array(z.string())
    .describe(
      'This message and the other answers to its parent (or other first messages), oldest first',
    ),
}).meta({ id: 'BranchMessage' });

export const ChatWithMessagesSchema = ChatSchema.extend({
  messages: z
    .array(BranchMessageSchema)
    .describe('The latest page of the active branch (root to leaf), oldest first'),
  hasMore: z
    .boolean()
    .describe('Older messages exist: follow the Link header or GET /:id/messages?cursor='),
}).meta({ id: 'ChatWithMessages' });

export const ChatExportSchema = z
  .object({
    chat: ChatSchema,
    exportedAt: z.iso.datetime().describe('When the export began'),
    messages: z
      .array(MessageSchema)
      .describe(
        'Every message of the chat, on every branch, oldest first (not only the active branch, nor only the newest MAX_TREE_MESSAGES). `parentId` makes the tree: the siblings of a message are the messages with its `parentId`, and `chat.activeLeafId` ends the active branch (absent: the newest message ends it). A reply still streaming is there as stored so far, `streaming`',
      ),
  })
  .meta({ id: 'ChatExport' });

/**
 * The narrower shapes below are what the server guarantees where a message is sent in a known
 * state (tests/contract/guaranteed-states.test.ts validates the real answers of every path
 * against them). Each is a Message (`allOf` it, and the narrowing): a client may treat it as one.
 */

/** A user message: stored `complete` when it is sent, and never written again. */
export const UserMessageSchema = MessageSchema.and(
  z.object({
    role: z.literal('user'),
    status: z.literal('complete'),
  }),
).meta({ id: 'UserMessage' });

/**
 * The reply of a `meta` event: as it stands at the event's cursor, still being written (empty for
 * a new reply; a continue's answer as it was), whatever it has become since.
 */
export const StreamingReplySchema = MessageSchema.and(
  z.object({
    role: z.literal('assistant'),
    status: z.literal('streaming'),
    finishReason: z.null(),
    usage: z.null(),
    error: z.null(),
    stopReason: z.null(),
  }),
).meta({ id: 'StreamingReply' });

/** The reply of a `done` event: it ended without an error (whole, or cut: `stopReason` says why). */
export const DoneReplySchema = MessageSchema.and(
  z.object({
    role: z.literal('assistant'),
    status: z.enum(['complete', 'incomplete']),
    error: z.null(),
  }),
).meta({ id: 'DoneReply' });

/**
 * The reply of an `error` event: `error` as the event's own. `error` when the model or the
 * server failed it; `incomplete` (its text so far kept) when its server stopped (`INTERRUPTED`)
 * or shut down before it could be stored (`SERVICE_UNAVAILABLE`).
 */
export const FailedReplySchema = MessageSchema.and(
  z.object({
    role: z.literal('assistant'),
    status: z.enum(['error', 'incomplete']),
    error: ReplyErrorSchema,
  }),
).meta({ id: 'FailedReply' });

/**
 * The reply of a JSON answer (201): a reply that failed is a 502/504/503 instead. `incomplete`
 * when it was cut (`stopReason`), or when its server stopped (`error.code` `INTERRUPTED`, the
 * one error such a reply can carry).
 */
export const AnsweredReplySchema = MessageSchema.and(
  z.object({
    role: z.literal('assistant'),
    status: z.enum(['complete', 'incomplete']),
  }),
).meta({ id: 'AnsweredReply' });

export const ExchangeResultSchema = z
  .object({
    chat: ChatSchema,
    messages: z
      .tuple([UserMessageSchema, AnsweredReplySchema])
      .describe('The user message and the stored reply'),
  })
  .meta({ id: 'ExchangeResult' });

/**
 * POST /api/chats answers the new Chat, with or without a first message. With one (JSON mode) it
 * also carries the exchange: `messages`, and `chat` (the same chat) as POST /:id/messages answers.
 */
export const CreatedChatSchema = ChatSchema.extend({
  chat: ChatSchema.optional().describe(
    'With `message`: the same chat, as POST /api/chats/{id}/messages answers it',
  ),
  messages: ExchangeResultSchema.shape.messages
    .optional()
    .describe('With `message`: the user message and the stored reply'),
}).meta({ id: 'CreatedChat' });

export const SseDescription =
  'Server-Sent Events: `meta` {chat, userMessage, assistantMessage}, then one `delta` {content} per upstream chunk, ' +
  'then, after the first reply of a chat, `title` {chat} when the model wrote the chat a title, ' +
  'then exactly one `done` {message, chat (as stored once the reply settled it)} or `error` {error, message}. `: ping` comments keep the connection open.';

/** The JSON `data:` of each Server-Sent Event of an exchange, as the exchange controller sends them (documentation). */
export const SseEventSchemas = {
  meta: z.object({
    chat: ChatSchema,
    userMessage: UserMessageSchema,
    assistantMessage: StreamingReplySchema,
  }),
  delta: z.object({ content: z.string() }),
  title: z.object({ chat: ChatSchema }),
  done: z.object({ message: DoneReplySchema, chat: ChatSchema }),
  error: z.object({ error: ReplyErrorSchema, message: FailedReplySchema }),
};

export const StopResultSchema = z
  .object({
    stopping: z.boolean().describe('false when no reply was being generated for this chat'),
  })
  .meta({ id: 'StopResult' });

/** Wire types of the composite responses, from the schemas above (chats.mapper.ts has Chat and Message). */
export type ChatWithMessagesJson = z.infer<typeof ChatWithMessagesSchema>;
export type ExchangeResultJson = z.infer<typeof ExchangeResultSchema>;
export type CreatedChatJson = z.infer<typeof CreatedChatSchema>;
export type StopResultJson = z.infer<typeof StopResultSchema>;
export type ChatExportJson = z.infer<typeof ChatExportSchema>;
export type UserMessageJson = z.infer<typeof UserMessageSchema>;
export type FailedReplyJson = z.infer<typeof FailedReplySchema>;
export type AnsweredReplyJson = z.infer<typeof AnsweredReplySchema>;
export type SseEventJson<E extends keyof typeof SseEventSchemas> = z.infer<
  (typeof SseEventSchemas)[E]
>;

export const IdParams = z.object({ id: objectIdParam('Chat').describe('Chat id') });

export const MessageParams = z.object({
  id: objectIdParam('Chat').describe('Chat id'),
  messageId: objectIdParam('Message').describe('Message id'),
});

export const ReplyParams = z.object({
  id: objectIdParam('Chat').describe('Chat id'),
  messageId: objectIdParam('Message').describe(
    'Id of the reply (the `assistantMessage.id` of `meta`)',
  ),
});

const lastEventId = z
  .string()
  .describe(
    'The `id:` of the last event received (`<replyId>:<offset>`): the stream resumes after it. Absent: from the beginning, `meta` first',
  )
  // Checked by the controllers (400 INVALID_LAST_EVENT_ID, reply-cursor.ts) against this pattern,
  // the length too: `?lastEventId=` too long is as unusable as the header, and answers the same.
  .meta({ maxLength: 100, pattern: CURSOR_TEXT.source });

export const ResumeQuery = z.strictObject({
  lastEventId: lastEventId
    .optional()
    .describe('Same as the Last-Event-ID header, for clients that cannot set headers'),
});

export const ResumeHeaders = z.object({ 'Last-Event-ID': lastEventId.optional() });

/** Headers of a route that creates a chat without a message (a fork; documentation: chatOnce checks them). */
export const ChatCreationHeaders = z.object({
  'Idempotency-Key': idempotencyKeyHeader(
    'answers with the same 201 chat instead of making another (deleting that chat forgets the key: a repeat after that makes a new one)',
  ),
});

/**
 * Headers of the routes that make an exchange: send a message, regenerate, continue
 * (documentation; exchangeOnce checks them).
 */
export const ExchangeHeaders = z.object({
  'Idempotency-Key': idempotencyKeyHeader(
    'answers with the same exchange instead of generating again: the same 201 body, or the stream of the same reply (a reply that failed upstream: the same 502/504, with its X-Chat-Id)',
  ),
  'Last-Event-ID': z
    .string()
    .max(100)
    .meta({ pattern: CURSOR_TEXT.source })
    .optional()
    .describe(
      'Sent by EventSource-style clients when they reconnect: nothing is sent again; the reply it names resumes after that event (204 when it had ended and was fully delivered)',
    ),
});

/**
 * Request schemas read their limits from the configuration, so they are built when the routes are.
 * Lengths are checked before trimming: the documented maxLength bounds what the client sends.
 */
export function chatSchemas(c: Config = config()) {
  // A message is kept as sent, as on the AI SDK route and /v1: its leading spaces can mean
  // something (four open a Markdown code block). Only the title made from it is trimmed.
  const content = z.string().max(c.MAX_MESSAGE_CHARS).regex(NOT_BLANK, 'Message must not be empty');
  const title = z
    .string()
    .max(c.MAX_TITLE_CHARS)
    .regex(NOT_BLANK, 'Title must not be empty')
    .trim();
  const systemPrompt = z.string().max(c.MAX_SYSTEM_PROMPT_CHARS);
  // Published as a plain string: the allowed ids are the server's configuration, read at run time
  // from GET /api/models, not baked into the description (or into clients generated from it).
  const models = modelRule(c);
  const model = z
    .string()
    .max(MODEL_ID_MAX)
    .refine(models.allows, models.refusal)
    .describe('A model id from `GET /api/models`; any other is a 400');
  const stream = z
    .boolean()
    .optional()
    .describe('true: Server-Sent Events; false: JSON. Absent: decided by Accept');
  const { limit, cursor } = pageParams(c.PAGE_SIZE_MAX);
  const messagesLimit = pageParams(c.PAGE_SIZE_MAX, c.PAGE_BYTES_MAX).limit;

  return {
    ListChatsQuery: z.strictObject({
      q: searchQuery(
        'Search in titles and message text (every message of the chat, on any branch). Words only (letters and digits separated by spaces): each word must start a word of the same title or message, in any order, ignoring case and diacritics (indexed). Anything else (punctuation, code, scripts written without spaces): the text as typed, anywhere, ignoring case. Rate-limited per user; a search running past its time budget is a 503 SEARCH_TIMEOUT',
      ),
      archived: z
        .enum(['true', 'false'])
        .optional()
        .transform((v) => v === 'true')
        .describe('true lists archived chats'),
      limit,
      cursor,
    }),
    PageQuery: z.strictObject({ limit, cursor }),
    MessagePageQuery: z.strictObject({ limit: messagesLimit, cursor }),
    ExportQuery: z.strictObject({
      format: z
        .enum(['json', 'markdown'])
        .optional()
        .describe(
          '`json` (the default): the chat and every message of every branch. `markdown`: the active branch as a document to read',
        ),
    }),
    MessagesQuery: z
      .strictObject({
        limit: messagesLimit,
        cursor,
        leafId: objectIdField('Message')
          .optional()
          .describe(
            "Page the branch ending at this message (default: the active branch). The first page is the branch's newest messages and the Link goes to older ones, each page oldest first; the next pages' cursor stays on the first page's branch, even if the active branch moves",
          ),
        view: z
          .enum(['branch', 'tree'])
          .optional()
          .describe(
            '`tree`: every message of every branch, oldest first (the cursor goes forward)',
          ),
      })
      // The tree holds every branch: a branch named with it would be quietly ignored.
      .refine((q) => q.view !== 'tree' || q.leafId === undefined, {
        message: '`leafId` pages one branch; `view=tree` holds every branch',
        path: ['leafId'],
      }),
    CreateChatBody: z
      .strictObject({
        message: content.optional(),
        title: title.optional(),
        model: model.optional(),
        systemPrompt: systemPrompt.optional(),
        stream,
      })
      // How a reply is delivered means nothing without a message: likely a message left out.
      .refine((b) => b.stream === undefined || b.message !== undefined, {
        message: '`stream` applies to the reply of a first `message`, which is missing',
        path: ['stream'],
      }),
    UpdateChatBody: z
      .strictObject({
        title,
        pinned: z.boolean(),
        archived: z.boolean(),
        model,
        systemPrompt,
        activeLeafId: objectIdField('Message').describe(
          'Switch branch: the branch moves to the newest message at or below this one',
        ),
      })
      .partial(),
    SendMessageBody: z.strictObject({
      content,
      model: model.optional(),
      stream,
      parentId: objectIdField('Message')
        .nullable()
        .optional()
        .describe(
          'Edit: the assistant message this one follows (null: a new first message). Absent: the end of the active branch',
        ),
    }),
    RegenerateBody: z.strictObject({ model: model.optional(), stream }),
    ContinueBody: z.strictObject({ stream }),
    ImportChatBody: importChatBody(c),
    ForkBody: z.strictObject({
      messageId: objectIdField('Message').describe(
        'The message the copied branch ends at (the root to it is copied)',
      ),
    }),
    CompatSendBody: z
      .strictObject({
        message: content,
        chatId: z.string().max(64).optional(),
        threadId: z.string().max(64).optional().describe('Accepted in place of chatId'),
        model: model.optional(),
        stream: z
          .boolean()
          .optional()
          .describe(
            'false: JSON. Absent: streams, unless Accept rules out text/event-stream (`Accept: application/json`)',
          ),
      })
      // Two names for one chat: naming two chats would leave which one is meant to a guess.
      .refine(
        (b) => b.chatId === undefined || b.threadId === undefined || b.chatId === b.threadId,
        {
          message: 'chatId and threadId name different chats; send one of them',
          path: ['threadId'],
        },
      ),
    CompatUpdateBody: z.strictObject({ title: title.optional(), pinned: z.boolean().optional() }),
  };
}

export type ChatSchemas = ReturnType<typeof chatSchemas>;
export type Input<K extends keyof ChatSchemas> = z.infer<ChatSchemas[K]>;
