import { config } from '../../lib/config.js';
import { Types } from '../../lib/db/mongoose.js';
import { notFound } from '../../lib/errors.js';
import { Chat, type ChatDoc } from './chat.model.js';
import { decodeCursor, encodeCursor, isObjectId } from './cursor.js';
import { Message, type MessageDoc } from './message.model.js';
import { forgetChatUsage } from '../usage/index.js';

const oid = (id: string) => new Types.ObjectId(id);

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The user's chat, or 404 — the same answer for another user's chat and for an id that names nothing. */
export async function findOwnedChat(userId: string, chatId: string): Promise<ChatDoc> {
  if (!isObjectId(chatId)) throw notFound('Chat');
  const chat = await Chat.findOne({ _id: oid(chatId), userId: oid(userId) }).lean<ChatDoc>();
  if (!chat) throw notFound('Chat');
  return chat;
}

/** Regex-escaped so user input is matched literally (RE2-safe: no look-arounds). */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export async function listChats(
  userId: string,
  options: { q?: string; archived?: boolean; limit?: number; cursor?: string },
): Promise<Page<ChatDoc>> {
  const limit = options.limit ?? config().PAGE_SIZE_MAX;
  const owner = oid(userId);
  const filter: Record<string, unknown> = { userId: owner, archived: options.archived ?? false };
  const and: Record<string, unknown>[] = [];
  if (options.q) {
    const pattern = { $regex: literal(options.q), $options: 'i' };
    // No $lookup on FerretDB: the chats whose messages match are found first, then combined.
    const fromMessages = await Message.distinct('chatId', { userId: owner, content: pattern });
    and.push({ $or: [{ title: pattern }, { _id: { $in: fromMessages } }] });
  }
  if (options.cursor) {
    const c = decodeCursor(options.cursor, { p: 'boolean', t: 'number', i: 'string' });
    const t = new Date(c.t);
    const sameRank = [
      { pinned: c.p, lastMessageAt: { $lt: t } },
      { pinned: c.p, lastMessageAt: t, _id: { $lt: oid(c.i) } },
    ];
    and.push({ $or: c.p ? [{ pinned: false }, ...sameRank] : sameRank });
  }
  if (and.length > 0) filter.$and = and;
  const rows = await Chat.find(filter)
    .sort({ pinned: -1, lastMessageAt: -1, _id: -1 })
    .limit(limit + 1)
    .lean<ChatDoc[]>();
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const nextCursor =
    rows.length > limit && last
      ? encodeCursor({ p: last.pinned, t: last.lastMessageAt.getTime(), i: String(last._id) })
      : null;
  return { items, nextCursor };
}

/** A page of messages going back in time from the cursor, returned oldest first. */
export async function listMessages(
  userId: string,
  chatId: string,
  options: { limit?: number; cursor?: string },
): Promise<Page<MessageDoc>> {
  const chat = await findOwnedChat(userId, chatId);
  return messagePage(chat._id, options);
}

export async function messagePage(
  chatId: Types.ObjectId,
  options: { limit?: number; cursor?: string },
): Promise<Page<MessageDoc>> {
  const limit = options.limit ?? config().PAGE_SIZE_MAX;
  const filter: Record<string, unknown> = { chatId };
  if (options.cursor) {
    const c = decodeCursor(options.cursor, { t: 'number', i: 'string' });
    const t = new Date(c.t);
    filter.$or = [{ createdAt: { $lt: t } }, { createdAt: t, _id: { $lt: oid(c.i) } }];
  }
  const rows = await Message.find(filter)
    .sort({ createdAt: -1, _id: -1 })
    .limit(limit + 1)
    .lean<MessageDoc[]>();
  const items = rows.slice(0, limit).reverse();
  const oldest = items[0];
  const nextCursor =
    rows.length > limit && oldest
      ? encodeCursor({ t: oldest.createdAt.getTime(), i: String(oldest._id) })
      : null;
  return { items, nextCursor };
}

export interface NewChat {
  title?: string;
  model?: string;
  systemPrompt?: string;
}

/** A title from the first message: whitespace collapsed, cut at a word near 60 characters. */
export function titleFromMessage(message: string): string {
  const max = Math.min(60, config().MAX_TITLE_CHARS);
  const flat = message.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** The title of a chat created without one; its first message replaces it. */
export const DEFAULT_CHAT_TITLE = 'New chat';

export function newChatDoc(
  userId: string,
  input: NewChat,
  firstMessage?: string,
  id = new Types.ObjectId(),
): ChatDoc {
  const now = new Date();
  return {
    _id: id,
    userId: oid(userId),
    title: input.title ?? (firstMessage ? titleFromMessage(firstMessage) : DEFAULT_CHAT_TITLE),
    pinned: false,
    archived: false,
    model: input.model ?? config().defaultModel,
    systemPrompt: input.systemPrompt ?? '',
    lastMessageAt: now,
    createdAt: now,
    updatedAt: now,
  };
}

export async function insertChat(chat: ChatDoc): Promise<ChatDoc> {
  await Chat.collection.insertOne(chat);
  return chat;
}

export async function updateChat(
  userId: string,
  chatId: string,
  changes: Partial<Pick<ChatDoc, 'title' | 'pinned' | 'archived' | 'model' | 'systemPrompt'>>,
): Promise<ChatDoc> {
  if (!isObjectId(chatId)) throw notFound('Chat');
  const chat = await Chat.findOneAndUpdate(
    { _id: oid(chatId), userId: oid(userId) },
    { $set: changes },
    { returnDocument: 'after' },
  ).lean<ChatDoc>();
  if (!chat) throw notFound('Chat');
  return chat;
}

export async function deleteChat(userId: string, chatId: string): Promise<void> {
  const chat = await findOwnedChat(userId, chatId);
  // Messages first: a failure in between leaves a chat to retry the delete on, never orphans.
  await Message.deleteMany({ chatId: chat._id });
  await forgetChatUsage(chat._id);
  await Chat.deleteOne({ _id: chat._id });
}
