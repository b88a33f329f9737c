import type { ChatDoc } from './chat.model.js';
import { toChatJson, toMessageJson, type ChatJson, type MessageJson } from './chats.mapper.js';
import type {
  AnsweredReplyJson,
  FailedReplyJson,
  SseEventJson,
  UserMessageJson,
} from './chats.schemas.js';
import { INTERRUPTED } from './interrupted-replies.js';
import type { MessageDoc } from './message.model.js';
import type { ReplyFinal } from './reply-stream.js';

/**
 * A user message as the description publishes it (UserMessage): stored `complete` when sent and
 * never written again, so anything else is a bug, answered as one rather than sent as a lie.
 */
export function toUserMessageJson(message: MessageDoc): UserMessageJson {
  const json = toMessageJson(message);
  if (json.role !== 'user' || json.status !== 'complete')
    throw new Error(`message ${json.id} is no sent user message (${json.role}, ${json.status})`);
  return { ...json, role: json.role, status: json.status };
}

/** A reply's JSON with its role checked: every reply is an assistant message. */
function replyJson(message: MessageDoc): MessageJson & { role: 'assistant' } {
  const json = toMessageJson(message);
  if (json.role !== 'assistant') throw new Error(`message ${json.id} is no reply`);
  return { ...json, role: json.role };
}

/**
 * The `meta` event: the chat, the user message and the reply as it stands at the event's cursor:
 * empty for a new reply (offset 0); for a continue, the answer it goes on from (`textBefore`), which
 * the `delta` events after it extend, so a client may show `assistantMessage` as it is.
 */
export function metaOf(
  chat: ChatDoc,
  userMessage: MessageDoc,
  reply: MessageDoc,
  textBefore = '',
): SseEventJson<'meta'> {
  return {
    chat: toChatJson(chat),
    userMessage: toUserMessageJson(userMessage),
    assistantMessage: {
      ...replyJson(reply),
      content: textBefore,
      status: 'streaming',
      finishReason: null,
      usage: null,
      error: null,
      stopReason: null,
    },
  };
}

/**
 * How a reply ended, from the message as stored, in the states a final event publishes: one with
 * an error is `FailedReply`, any other is `DoneReply`. Two states no final write makes are
 * mapped rather than sent as they are: `error` without an error (none is written so), and
 * `streaming`, which a reply's own final write can find when, after another instance finished it
 * as interrupted (its lease had lapsed), a continue took the answer up again: for this reply's
 * readers it ended interrupted, as that instance stored it.
 */
export function endedReply(
  message: MessageDoc,
): { failed: true; reply: FailedReplyJson } | { failed: false; reply: AnsweredReplyJson } {
  const json = replyJson(message);
  if (json.status === 'streaming')
    return { failed: true, reply: { ...json, status: 'incomplete', error: { ...INTERRUPTED } } };
  if (json.error)
    return {
      failed: true,
      reply: {
        ...json,
        status: json.status === 'incomplete' ? 'incomplete' : 'error',
        error: json.error,
      },
    };
  if (json.status === 'error')
    return {
      failed: true,
      reply: {
        ...json,
        status: 'error',
        error: { code: 'INTERNAL', message: 'The reply failed' },
      },
    };
  return { failed: false, reply: { ...json, status: json.status } };
}

/**
 * The final event of a reply, from the message as stored: `error` when the message carries an
 * error (the model failed, it could not be stored, its instance died), otherwise `done`.
 */
export function finalOf(message: MessageDoc, chat: ChatJson): ReplyFinal {
  const ended = endedReply(message);
  return ended.failed
    ? { event: 'error', data: { error: ended.reply.error, message: ended.reply } }
    : { event: 'done', data: { message: { ...ended.reply, error: null }, chat } };
}

/**
 * The reply of a JSON answer (201, AnsweredReply), or the error the request answers with instead:
 * a reply that failed (`status: "error"`) is never a 201. One that stopped with its server
 * (`incomplete`, INTERRUPTED) is: its text so far is the answer.
 */
export function answerOf(
  message: MessageDoc,
): { reply: AnsweredReplyJson; failure?: never } | { failure: FailedReplyJson['error'] } {
  const { reply } = endedReply(message);
  if (reply.status === 'error') return { failure: reply.error };
  return { reply: { ...reply, status: reply.status } };
}
