import type { ChatDoc } from './chat.model.js';
import { toChatJson, toMessageJson, type ChatJson } from './chats.mapper.js';
import type { MessageDoc } from './message.model.js';
import type { ReplyFinal } from './reply-stream.js';

/**
 * The `meta` event: the chat, the user message and the reply as it stands at the event's cursor:
 * empty for a new reply (offset 0); for a continue, the answer it goes on from (`textBefore`), which
 * the `delta` events after it extend, so a client may show `assistantMessage` as it is.
 */
export function metaOf(chat: ChatDoc, userMessage: MessageDoc, reply: MessageDoc, textBefore = '') {
  return {
    chat: toChatJson(chat),
    userMessage: toMessageJson(userMessage),
    assistantMessage: toMessageJson({
      ...reply,
      content: textBefore,
      status: 'streaming',
      finishReason: null,
      usage: null,
      error: null,
      stopReason: null,
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
