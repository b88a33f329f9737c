import { isDuplicateKey } from '../../lib/db/duplicate-key.js';
import { Types } from '../../lib/db/mongoose.js';
import { insertThroughSchema } from '../../lib/db/insert.js';
import { AppError, notFound } from '../../lib/errors.js';
import { parseObjectId } from '../../lib/http/ids.js';
import {
  beginExchange,
  beginRegenerateLatest,
  deleteChat,
  ownedBranchPage,
  startChat,
  type BranchMessage,
  type Exchange,
} from '../chats/index.js';
import type { Page } from '../../lib/http/pagination.js';
import { assertWithinBudget } from '../usage/index.js';
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
 * The chat a useChat id names, created (empty, like POST /api/chats) on first use, once the
 * daily budget has let the message through: a refused message makes no chat. The chat is inserted
 * before the link, so a link always names an existing chat; the loser of two first requests racing
 * removes its chat and takes the winner's. A linked chat's message goes straight to the exchange,
 * which checks the budget under its generation slot.
 */
async function linkedChat(userId: string, clientId: string, model?: string): Promise<string> {
  const linked = await findLinkedChatId(userId, clientId);
  if (linked) return linked;
  await assertWithinBudget(userId);
  // Within the user's caps and chat-write rate, as POST /api/chats without a message.
  const chat = await startChat(userId, model ? { model } : {});
  try {
    await insertThroughSchema(ChatLink, {
      _id: linkIdOf(userId, clientId),
      userId: new Types.ObjectId(userId),
      clientId,
      chatId: chat._id,
      createdAt: new Date(),
    });
    return String(chat._id);
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    await deleteChat(userId, parseObjectId(String(chat._id), 'Chat'));
    return (await findLinkedChatId(userId, clientId))!;
  }
}

/**
 * Stores the new user message in the linked chat through the chats' exchange path (limits, slot,
 * history). A link whose chat was deleted since is dropped and the chat made anew. An edit that
 * goes after an answer (a `parentId` the message must follow) needs the chat that answer is in:
 * with none linked it is the 404 the exchange would give, and no empty chat is made for it.
 */
export async function beginUiExchange(
  userId: string,
  clientId: string,
  input: { content: string; model?: string; parentId?: string | null; orActiveLeaf?: boolean },
): Promise<Exchange> {
  const followsAnAnswer = typeof input.parentId === 'string' && !input.orActiveLeaf;
  for (let attempt = 0; ; attempt += 1) {
    if (followsAnAnswer && !(await findLinkedChatId(userId, clientId))) throw notFound('Message');
    const chatId = await linkedChat(userId, clientId, input.model);
    try {
      return await beginExchange(
        userId,
        { chatId: parseObjectId(chatId, 'Chat') },
        input,
        undefined,
        // The model call goes out while the messages are stored (started-completion.ts).
        { startModel: true },
      );
    } catch (error) {
      // The chat gone, not an edit's answer (a 404 of its own, which keeps the link).
      if (!chatGone(error) || attempt > 0) throw error;
      await ChatLink.deleteOne({ userId: new Types.ObjectId(userId), clientId });
    }
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
  clientId: string,
  input: { messageId?: string | null; model?: string },
): Promise<Exchange> {
  const nothing = () =>
    new AppError('NOTHING_TO_REGENERATE', 'The chat has no message to answer again');
  const chatId = await findLinkedChatId(userId, clientId);
  if (!chatId) throw nothing();
  try {
    return await beginRegenerateLatest(userId, parseObjectId(chatId, 'Chat'), input);
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
  const chatId = await findLinkedChatId(userId, clientId);
  if (!chatId) return none;
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
