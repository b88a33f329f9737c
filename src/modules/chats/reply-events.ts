import type { ChatDoc } from './chat.model.js';
import { toChatJson, toMessageJson, type ChatJson } from './chats.mapper.js';
import type { MessageDoc } from './message.model.js';
import type { ReplyFinal } from './reply-stream.js';

/** The `meta` event: the chat, the user message and the reply as it started (cursor offset 0). */
export function metaOf(chat: ChatDoc, userMessage: MessageDoc, reply: MessageDoc) {
  return {
    chat: toChatJson(chat),
    userMessage: toMessageJson(userMessage),
    assistantMessage: toMessageJson({
      ...reply,
      content: '',
      status: 'streaming',
      finishReason: null,
      usage: null,
      error: null,
    }),
  };
}

/**
 * The final event of a reply, from the message as stored: `error` when the message carries an
 * error (the model failed, it could not be stored, its instance died), otherwise `done`.
 */
export function finalOf(message: MessageDoc, chat: ChatJson): ReplyFinal {
  const json = toMessageJson(message);
  return message.error
    ? {
        event: 'error',
        data: {
          error: { code: message.error.code, message: message.error.message },
          message: json,
        },
      }
    : { event: 'done', data: { message: json, chat } };
}
