import { config } from '../../lib/config.js';
import { Types } from '../../lib/db/mongoose.js';
import { AppError } from '../../lib/errors.js';
import { releaseLeaseSurely, type Lease } from '../../lib/generations/leases.js';
import { logger } from '../../lib/logger.js';
import { fitToBudget, type ChatTurn } from '../../lib/llm/index.js';
import { Chat, type ChatDoc } from './chat.model.js';
import {
  DEFAULT_CHAT_TITLE,
  findOwnedChat,
  insertChat,
  newChatDoc,
  titleFromMessage,
  type NewChat,
} from './chats.service.js';
import { checkMessageRate, takeGenerationSlot } from './exchange.limits.js';
import { Message, type MessageDoc } from './message.model.js';
import { assertWithinBudget } from '../usage/index.js';

/** Everything stored and decided before the model is called. */
export interface Exchange {
  chat: ChatDoc;
  userMessage: MessageDoc;
  /** The reply as it will be stored; `status: streaming` until the generation ends. */
  assistant: MessageDoc;
  lease: Lease;
  model: string;
  turns: ChatTurn[];
}

export type ExchangeTarget = { chatId: string } | { newChat: NewChat };

/** Newest turns first, bounded: the budget never needs more than this many (≥ 5 tokens each). */
async function recentTurns(
  chatId: Types.ObjectId,
): Promise<{ turns: ChatTurn[]; lastId: Types.ObjectId | null }> {
  const max = Math.min(1000, Math.ceil(config().HISTORY_TOKEN_BUDGET / 5));
  const rows = await Message.find({ chatId }, { role: 1, content: 1, status: 1 })
    .sort({ createdAt: -1, _id: -1 })
    .limit(max)
    .lean<Pick<MessageDoc, '_id' | 'role' | 'content' | 'status'>[]>();
  const turns = rows
    .filter((m) => m.content.length > 0 && m.status !== 'error')
    .reverse()
    .map((m) => ({ role: m.role, content: m.content }));
  return { turns, lastId: rows[0]?._id ?? null };
}

/**
 * Validates ownership, checks the limits (before anything is stored or sent upstream), then stores
 * the user message. A new chat is only created once the limits have let the message through.
 */
export async function beginExchange(
  userId: string,
  target: ExchangeTarget,
  input: { content: string; model?: string },
): Promise<Exchange> {
  const existing = 'chatId' in target ? await findOwnedChat(userId, target.chatId) : null;
  const chatId = existing?._id ?? new Types.ObjectId();
  // The message is counted and stamped at one instant, so it lands in the same rate window
  // that admitted it, however long the steps in between take.
  const now = new Date();
  await checkMessageRate(userId, now);
  const lease = await takeGenerationSlot(userId, String(chatId));
  try {
    // Budget hook: checked under the slot, so at most MAX_CONCURRENT_STREAMS calls pass on a stale total.
    await assertWithinBudget(userId, now);
    let chat: ChatDoc;
    let history: ChatTurn[] = [];
    let parentId: Types.ObjectId | null = null;
    if (existing) {
      const recent = await recentTurns(existing._id);
      history = recent.turns;
      parentId = recent.lastId;
      chat = existing;
    } else {
      chat = await insertChat(
        newChatDoc(userId, (target as { newChat: NewChat }).newChat, input.content, chatId),
      );
    }
    const model = input.model ?? chat.model;
    const userMessage: MessageDoc = {
      _id: new Types.ObjectId(),
      chatId,
      userId: chat.userId,
      parentId,
      role: 'user',
      content: input.content,
      status: 'complete',
      model: null,
      finishReason: null,
      usage: null,
      error: null,
      ttftMs: null,
      durationMs: null,
      createdAt: now,
    };
    await Message.collection.insertOne(userMessage);
    if (existing) {
      // A plain update: the chat is already in hand, and findAndModify scans the collection on FerretDB.
      // A chat created empty is named after its first message, as one created with a message is.
      const title =
        parentId === null && chat.title === DEFAULT_CHAT_TITLE
          ? titleFromMessage(input.content)
          : chat.title;
      await Chat.updateOne(
        { _id: chatId },
        { $set: { lastMessageAt: now, updatedAt: now, title } },
        { timestamps: false },
      );
      chat = { ...chat, lastMessageAt: now, updatedAt: now, title };
    }
    const assistant: MessageDoc = {
      ...userMessage,
      _id: new Types.ObjectId(),
      parentId: userMessage._id,
      role: 'assistant',
      content: '',
      status: 'streaming',
      model,
      createdAt: new Date(Math.max(Date.now(), now.getTime() + 1)),
    };
    const turns = fitToBudget(
      chat.systemPrompt,
      [...history, { role: 'user', content: input.content }],
      config().HISTORY_TOKEN_BUDGET,
    );
    return { chat, userMessage, assistant, lease, model, turns };
  } catch (error) {
    await releaseLeaseSurely(lease);
    throw error;
  }
}

/** Stores the finished reply: the one write of the assistant message per exchange. */
export async function storeReply(message: MessageDoc): Promise<AppError | null> {
  try {
    await Message.collection.insertOne(message);
    return null;
  } catch (error) {
    logger.error({ err: error, messageId: String(message._id) }, 'could not store the reply');
    return new AppError(
      'SERVICE_UNAVAILABLE',
      'The reply could not be saved; the database is unavailable',
      { cause: error },
    );
  }
}
