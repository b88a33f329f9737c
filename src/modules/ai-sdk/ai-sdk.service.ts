import { isDuplicateKey } from '../../lib/db/duplicate-key.js';
import { Types } from '../../lib/db/mongoose.js';
import { insertThroughSchema } from '../../lib/db/insert.js';
import { AppError, notFound } from '../../lib/errors.js';
import { parseObjectId } from '../../lib/http/ids.js';
import type { Credential } from '../../lib/http/request-auth.js';
import {
  activeLeafIdOf,
  beginExchange,
  parentOfMessage,
  beginRegenerateLatest,
  branchCursorMessage,
  cursorNotInChat,
  ownedBranchPage,
  type BranchMessage,
  type Exchange,
  type ExchangeTarget,
} from '../chats/index.js';
import type { Page } from '../../lib/http/pagination.js';
import { logger } from '../../lib/logger.js';
import { ChatLink, linkIdOf, type ChatLinkDoc } from './chat-link.model.js';

/** The linked chat is gone (a 404 of the chat, not of a message it was asked to go after). */
const chatGone = (error: unknown) =>
  error instanceof AppError && error.message === notFound('Chat').message;

/** The chat id a useChat id names, or null: by `_id` (linkIdOf), else as links were stored before. */
async function findLinkedChatId(userId: string, clientId: string): Promise<string | null> {
  const link =
    (await ChatLink.collection.findOne<Pick<ChatLinkDoc, 'chatId'>>(
      { _id: linkIdOf(userId, clientId) },
      { projection: { chatId: 1 } },
    )) ??
    (await ChatLink.findOne(
      { userId: new Types.ObjectId(userId), clientId },
      { chatId: 1 },
    ).lean());
  return link ? String(link.chatId) : null;
}

/**
 * Links a useChat id to the chat its first message made. The link is stored once the exchange
 * has made the chat (with the message in it), so a message refused by a limit makes no chat. Two
 * first messages of one id racing both make a chat; the one linked first is the id's, the other
 * stays a chat of its own, with its exchange, rather than losing it. Never fails: the exchange
 * is under way by then (a link it could not store leaves the chat in the list, and the id's next
 * message starts another).
 */
async function linkChat(userId: string, clientId: string, chatId: Types.ObjectId): Promise<void> {
  try {
    await insertThroughSchema(ChatLink, {
      _id: linkIdOf(userId, clientId),
      userId: new Types.ObjectId(userId),
      clientId,
      chatId,
      createdAt: new Date(),
    });
  } catch (error) {
    if (!isDuplicateKey(error))
      logger.warn(
        { err: (error as Error).message, chatId: String(chatId) },
        'useChat link not stored',
      );
  }
}

type UiInput = {
  content: string;
  model?: string;
  parentId?: string | null;
  orActiveLeaf?: boolean;
  /** An edit of this stored message with nothing before it on the page: it goes beside it. */
  besideMessageId?: string;
};

/**
 * Stores the new user message in the chat a useChat id names through the chats' exchange path
 * (limits, slot, history); an id with no chat yet (never used, or its chat deleted since) starts
 * one with it, as `POST /api/chats` with a message does, once the limits let the message through.
 * An edit that goes after an answer (a `parentId` the message must follow) needs the chat that
 * answer is in: with none linked it is the 404 the exchange would give.
 */
export async function beginUiExchange(
  userId: string,
  startedBy: Credential,
  clientId: string,
  input: UiInput,
): Promise<Exchange> {
  // The model call goes out while the messages are stored (started-completion.ts).
  const begin = (target: ExchangeTarget, where: UiInput) =>
    beginExchange(userId, startedBy, target, where, undefined, { startModel: true });
  const linked = await findLinkedChatId(userId, clientId);
  const { besideMessageId, ...where } = input;
  if (linked) {
    try {
      const chatId = parseObjectId(linked, 'Chat');
      // Beside it: under its parent, or a new first message (also when the chat holds no such
      // message).
      const edited = besideMessageId && parseObjectId(besideMessageId, 'Message');
      const beside = edited
        ? { parentId: (await parentOfMessage(userId, chatId, edited)) ?? null }
        : {};
      return await begin({ chatId }, { ...where, ...beside });
    } catch (error) {
      // The chat gone, not an edit's answer (a 404 of its own, which keeps the link). Only the
      // link to it: another tab's request may have linked the id to a new chat meanwhile.
      if (!chatGone(error)) throw error;
      await ChatLink.deleteOne({
        userId: new Types.ObjectId(userId),
        clientId,
        chatId: new Types.ObjectId(linked),
      });
    }
  }
  if (typeof where.parentId === 'string' && !where.orActiveLeaf) throw notFound('Message');
  // A new chat's first message: whatever answer the page showed before it is in no chat here.
  const { content, model } = where;
  const exchange = await begin({ newChat: model ? { model } : {} }, { content, model });
  await linkChat(userId, clientId, exchange.chat._id);
  return exchange;
}

/**
 * Whether useChat's regenerate asks again for a question the chat does not hold: Retry after a
 * send that stored nothing (refused before its messages were stored, or lost on the way) keeps
 * that question last in useChat's list, after the answer `shown` (or alone), and the chat's
 * active branch still ends at that answer (or the chat holds nothing, or there is none yet). Any
 * other regenerate finds something after it: the question, or its failed answer.
 */
export async function retriesUnstoredQuestion(
  userId: string,
  clientId: string,
  shown: string | undefined,
): Promise<boolean> {
  const chatId = await findLinkedChatId(userId, clientId);
  if (!chatId) return true;
  try {
    return (await activeLeafIdOf(userId, parseObjectId(chatId, 'Chat'))) === (shown ?? null);
  } catch (error) {
    // The chat deleted since: a new conversation, as for a send.
    if (error instanceof AppError && error.code === 'NOT_FOUND') return true;
    throw error;
  }
}

/**
 * useChat's regenerate: a new answer, as a sibling of the old one, to the latest question of the
 * linked chat's active branch (see beginRegenerateLatest; useChat's assistant ids are the stored
 * ids the `start` part carried, so `messageId` usually names the answer). An id with no chat, or
 * whose chat is gone, has nothing to regenerate; no chat is made for it.
 */
export async function beginUiRegenerate(
  userId: string,
  startedBy: Credential,
  clientId: string,
  input: {
    messageId?: string | null;
    model?: string;
    shownText?: string;
    shownAfter?: string | null;
  },
): Promise<Exchange> {
  const nothing = () =>
    new AppError('NOTHING_TO_REGENERATE', 'The chat has no message to answer again');
  const chatId = await findLinkedChatId(userId, clientId);
  if (!chatId) throw nothing();
  try {
    return await beginRegenerateLatest(userId, startedBy, parseObjectId(chatId, 'Chat'), input);
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') throw nothing();
    throw error;
  }
}

/**
 * The stored messages of a useChat id's chat, for useChat's `messages` when a page loads: a page of
 * its active branch, as `GET /api/chats/:id` shows it. An id never sent to, or whose chat was
 * deleted, has none yet: it is a new conversation, as it is to `POST /api/ai-sdk/chat`.
 */
export async function linkedBranchPage(
  userId: string,
  clientId: string,
  options: { limit?: number; cursor?: string },
): Promise<Page<BranchMessage>> {
  const none = { items: [], nextCursor: null };
  // A cursor that is not one of these pages is a 400 whether the id names a chat or not yet.
  if (options.cursor) branchCursorMessage(options.cursor);
  const chatId = await findLinkedChatId(userId, clientId);
  if (!chatId) {
    // No page of this id was ever given: its cursor is another chat's.
    if (options.cursor) throw cursorNotInChat();
    return none;
  }
  try {
    return await ownedBranchPage(userId, parseObjectId(chatId, 'Chat'), options);
  } catch (error) {
    if (chatGone(error)) return none;
    throw error;
  }
}

/** Called when a chat is deleted: the useChat ids that named it name nothing now. */
export async function deleteChatLinksTo(chatId: Types.ObjectId): Promise<void> {
  await ChatLink.deleteMany({ chatId });
}

/** Called when an account is deleted. */
export async function deleteUserChatLinks(userId: string): Promise<void> {
  await ChatLink.deleteMany({ userId: new Types.ObjectId(userId) });
}
