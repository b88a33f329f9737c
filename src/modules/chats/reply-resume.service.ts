import { Types } from '../../lib/db/mongoose.js';
import { AppError, notFound } from '../../lib/errors.js';
import { Chat, type ChatDoc } from './chat.model.js';
import { findOwnedChat } from './chats.service.js';
import { isObjectId, parseObjectId } from '../../lib/http/ids.js';
import { settleStreaming } from './interrupted-replies.js';
import { Message, type MessageDoc } from './message.model.js';
import { invalidLastEventId, type ReplyCursor } from './reply-cursor.js';

export interface ReplyInChat {
  chat: ChatDoc;
  reply: MessageDoc;
}

/** A reply of the user's chat, by id: 404 for another user's chat or a message of another chat. */
export async function findReplyInChat(
  userId: string,
  chatId: string,
  replyId: string,
): Promise<ReplyInChat> {
  const chat = await findOwnedChat(userId, parseObjectId(chatId, 'Chat'));
  if (!isObjectId(replyId)) throw notFound('Reply');
  // By `_id` alone, the chat compared here (chats.service findOwnedChat says why).
  const message = await Message.findById(new Types.ObjectId(replyId)).lean<MessageDoc>();
  if (!message?.chatId.equals(chat._id)) throw notFound('Reply');
  if (message.role !== 'assistant')
    throw new AppError('VALIDATION_FAILED', 'Only replies (assistant messages) can be streamed', {
      details: [{ path: 'messageId', message: 'This is a user message, not a reply' }],
    });
  const [reply] = await settleStreaming([message]);
  return { chat, reply: reply! };
}

/**
 * The reply a Last-Event-ID sent with a POST names: one of the user's replies, in `chatId` when
 * the route is about one chat. Anything else is a 400: the id belongs to another stream.
 */
export async function findReplyByCursor(
  userId: string,
  cursor: ReplyCursor,
  chatId?: Types.ObjectId,
): Promise<ReplyInChat> {
  // By `_id` alone, the owner compared here (chats.service findOwnedChat says why).
  const message = await Message.findById(new Types.ObjectId(cursor.replyId)).lean<MessageDoc>();
  if (
    !message?.userId.equals(userId) ||
    message.role !== 'assistant' ||
    (chatId && !message.chatId.equals(chatId))
  )
    throw invalidLastEventId(
      chatId ? 'it names no reply of this chat' : 'it names none of your replies',
    );
  const chat = await Chat.findById(message.chatId).lean<ChatDoc>();
  if (!chat?.userId.equals(message.userId))
    throw invalidLastEventId('it names none of your replies');
  const [reply] = await settleStreaming([message]);
  return { chat, reply: reply! };
}

/** The question a reply answers, for the `meta` event of a stream that starts from the beginning. */
export async function questionOf(reply: MessageDoc): Promise<MessageDoc> {
  const question = reply.parentId
    ? await Message.findById(reply.parentId).lean<MessageDoc>()
    : null;
  if (!question) throw notFound('Message');
  return question;
}
