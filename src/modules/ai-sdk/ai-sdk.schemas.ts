import { z } from 'zod';
import { config } from '../../lib/config.js';
import { pageParams } from '../../lib/http/pagination.js';
import { STOP_REASONS } from '../chats/index.js';

/** A `UIMessage` as useChat sends it; only the last one's text parts are read. */
const UIMessage = z.looseObject({
  id: z.string().max(256),
  role: z.enum(['system', 'user', 'assistant']),
  parts: z.array(z.looseObject({ type: z.string().max(128) })).max(1000),
});

/** The useChat id in a path (the transport's resume request). */
export const UseChatIdParams = z.strictObject({
  id: z.string().min(1, 'Chat not found').max(256, 'Chat not found'),
});

/** A page of a useChat id's stored messages (`GET /api/ai-sdk/chat/:id/messages`). */
export const uiMessagesQuery = () =>
  z.strictObject(pageParams(config().PAGE_SIZE_MAX, config().PAGE_BYTES_MAX));

/** A stored message as a `UIMessage`, for useChat's `messages` when a page loads. */
export const StoredUiMessage = z
  .object({
    id: z.string().describe('The stored message id (the `messageId` of its `start` part)'),
    role: z.enum(['user', 'assistant']),
    parts: z
      .array(z.object({ type: z.literal('text'), text: z.string() }))
      .describe('One text part: the message text (a reply still streaming: its text so far)'),
    metadata: z.object({
      chatId: z.string(),
      parentId: z.string().nullable(),
      createdAt: z.iso.datetime(),
      status: z.enum(['complete', 'streaming', 'incomplete', 'error']),
      stopReason: z
        .enum(STOP_REASONS)
        .nullable()
        .describe("Why an `incomplete` reply was cut (the chat message's `stopReason`)"),
      siblingIds: z
        .array(z.string())
        .describe(
          'This message and the other answers to its parent (or other first messages), oldest first: other edits or answers (switch with `PATCH /api/chats/:id` `activeLeafId`)',
        ),
    }),
  })
  .meta({ id: 'StoredUiMessage' });

/** The body `DefaultChatTransport` posts (plus `model`, which `useChat` can add through `body`). */
export const AiSdkChatBody = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(256)
    .describe("useChat's chat id: names one of your chats (created on first use)"),
  messages: z
    .array(UIMessage)
    .min(1)
    .max(10_000)
    .describe(
      'Only the last message (the new user message) and the id of the answer before it are read, and none with `regenerate-message`: the server holds the history. The new message goes after that answer when it is a stored one (the conversation the user sees, whatever another tab did), otherwise after the chat’s active branch; an edit (`messageId` with `submit-message`) needs it',
    ),
  trigger: z
    .enum(['submit-message', 'regenerate-message'])
    .describe(
      '`regenerate-message` answers the latest question of the active branch again (400 `NOTHING_TO_REGENERATE` when there is none)',
    ),
  messageId: z
    .string()
    .max(256)
    .nullish()
    .describe(
      'With `regenerate-message`: the answer to regenerate, when it is a stored message id; otherwise the latest answer. With `submit-message` (useChat replacing a message: an edit): the new question goes beside the edited one, after the answer before it in `messages`',
    ),
  model: z.string().max(256).optional().describe('One of MODELS; default: the chat’s model'),
});
export type AiSdkChatBody = z.infer<typeof AiSdkChatBody>;

/** One part of the UI message stream (`data:` JSON), as the `ai` package's uiMessageChunkSchema reads it. */
export const UiMessageChunk = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    messageId: z.string().optional(),
    messageMetadata: z.object({ chatId: z.string() }).optional(),
  }),
  z.object({ type: z.literal('start-step') }),
  // A reasoning model's thinking, before the text (not stored: a reloaded page shows the answer).
  z.object({ type: z.literal('reasoning-start'), id: z.string() }),
  z.object({ type: z.literal('reasoning-delta'), id: z.string(), delta: z.string() }),
  z.object({ type: z.literal('reasoning-end'), id: z.string() }),
  z.object({ type: z.literal('text-start'), id: z.string() }),
  z.object({ type: z.literal('text-delta'), id: z.string(), delta: z.string() }),
  z.object({ type: z.literal('text-end'), id: z.string() }),
  z.object({ type: z.literal('finish-step') }),
  z.object({
    type: z.literal('finish'),
    finishReason: z
      .enum(['stop', 'length', 'content-filter', 'tool-calls', 'error', 'interrupted', 'other'])
      .optional(),
  }),
  z.object({ type: z.literal('abort'), reason: z.string().optional() }),
  z.object({ type: z.literal('error'), errorText: z.string() }),
]);
