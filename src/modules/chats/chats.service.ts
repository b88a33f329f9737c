import { config } from '../../lib/config.js';
import { serverScansFilters } from '../../lib/db/connection.js';
import { Types } from '../../lib/db/mongoose.js';
import { notFound } from '../../lib/errors.js';
import { logger } from '../../lib/logger.js';
import type { Page } from '../../lib/http/pagination.js';
import { checkUserRate } from '../../lib/rate-limit/user-rate.js';
import {
  Chat,
  inChatTurn,
  insertChat,
  type ChatContext,
  type ChatDoc,
  type NewChatDoc,
} from './chat.model.js';
import { bounded, chatSearchCondition, searchTimeLeft } from './chats.search.js';
import { chatSizes, claimChatSlot, ensureRoom, releaseClaimedSlot } from './chats.quota.js';
import {
  dropFlagsOfTokens,
  leasesReleased,
  requestStop,
  type StopScope,
} from './generation/leases.js';
import { abortGeneration } from './generation/registry.js';
import { decodeCursor, encodeCursor } from '../../lib/http/cursor.js';
import type { ObjectIdString } from '../../lib/http/ids.js';
import { characterCount, cutCharacters } from '../../lib/text.js';
import { searchKeys } from './search-terms.js';

const oid = (id: string) => new Types.ObjectId(id);

/** How long stopped replies get to end before a deletion goes on, beyond two stop polls. */
const REPLIES_END_WITHIN_MS = 3000;

export interface ListOptions {
  q?: string;
  archived?: boolean;
  limit?: number;
  cursor?: string;
}

/**
 * The user's chat, or 404: the same answer for another user's chat and for an id that names
 * nothing. Read by `_id` alone and the owner compared here: every message sent asks, and the
 * primary key serves that lookup on every backend, while the embedded FerretDB scans the whole
 * collection for a filter with any other field.
 */
export async function findOwnedChat(userId: string, chatId: ObjectIdString): Promise<ChatDoc> {
  const chat = await Chat.collection.findOne<ChatDoc>({ _id: oid(chatId) });
  if (!chat || !chat.userId.equals(userId)) throw notFound('Chat');
  return chat;
}

export async function listChats(userId: string, options: ListOptions): Promise<Page<ChatDoc>> {
  const limit = options.limit ?? config().PAGE_SIZE_MAX;
  const owner = oid(userId);
  const archived = options.archived ?? false;
  const filter: Record<string, unknown> = { userId: owner, archived };
  const and: Record<string, unknown>[] = [];
  const scope = [userId, archived, options.q ?? ''];
  // A page goes on from where its cursor's query left off: a cursor of another user, filter or
  // search is a 400 (cursor.ts), not a position read in this list. Read before the search, so a
  // cursor refused costs none of the user's searches and runs no scan.
  if (options.cursor) {
    const c = decodeCursor(options.cursor, 'chats', { p: 'boolean', t: 'time', i: 'id' }, scope);
    const t = new Date(c.t);
    const sameRank = [
      { pinned: c.p, lastMessageAt: { $lt: t } },
      { pinned: c.p, lastMessageAt: t, _id: { $lt: oid(c.i) } },
    ];
    and.push({ $or: c.p ? [{ pinned: false }, ...sameRank] : sameRank });
  }
  const { SEARCHES_PER_MINUTE, SEARCH_TIMEOUT_MS } = config();
  let searchEndsAt = Number.POSITIVE_INFINITY;
  if (options.q) {
    await checkUserRate(
      'search',
      userId,
      SEARCHES_PER_MINUTE,
      60_000,
      `At most ${SEARCHES_PER_MINUTE} searches per minute; try again shortly`,
    );
    // Words by the index, anything else as literal text (chats.search.ts).
    searchEndsAt = Date.now() + SEARCH_TIMEOUT_MS;
    and.push(await chatSearchCondition(owner, options.q, SEARCH_TIMEOUT_MS));
  }
  if (and.length > 0) filter.$and = and;
  // The turns kept for sends (chat-context.ts) and the title's search keys stay in the database:
  // a list never shows them.
  // The most frequent read after the session check: straight through the driver (the filter is
  // built from typed values above, nothing to cast).
  const rows = await bounded(() =>
    Chat.collection
      .find<ChatDoc>(filter, {
        projection: { context: 0, terms: 0 },
        sort: { pinned: -1, lastMessageAt: -1, _id: -1 },
        limit: limit + 1,
        // What the search of the messages left of its time.
        ...(options.q ? { maxTimeMS: searchTimeLeft(searchEndsAt) } : {}),
      })
      .toArray(),
  );
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const nextCursor =
    rows.length > limit && last
      ? encodeCursor(
          'chats',
          { p: last.pinned, t: last.lastMessageAt.getTime(), i: String(last._id) },
          scope,
        )
      : null;
  return { items, nextCursor };
}

export interface NewChat {
  title?: string;
  model?: string;
  systemPrompt?: string;
}

/**
 * A title from the first message: whitespace collapsed, cut at a word near 60 characters. Counted
 * as every limit counts (an emoji is one character), so a title of emoji is not cut at half.
 */
export function titleFromMessage(message: string): string {
  const max = Math.min(60, config().MAX_TITLE_CHARS);
  const flat = message.replace(/\s+/g, ' ').trim();
  if (characterCount(flat) <= max) return flat;
  const cut = cutCharacters(flat, max - 1);
  const space = cut.lastIndexOf(' ');
  const atWord = space !== -1 && characterCount(cut.slice(0, space)) > max / 2;
  return `${(atWord ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** The title of a chat created without one; its first message replaces it. */
export const DEFAULT_CHAT_TITLE = 'New chat';

/**
 * Names a chat created empty after its first message, unless it was renamed since: only while it
 * still has the default title. Atomic where filters are served from an index; where the server
 * scans for them (serverScansFilters), a read and a write by `_id`, which the caller runs in the
 * chat's turn (inChatTurn), so no write of this process comes between them. Whether it was named.
 */
export async function nameAfterFirstMessage(
  chatId: Types.ObjectId,
  fields: Pick<ChatDoc, 'title' | 'titleBytes' | 'terms' | 'termsVersion'>,
): Promise<boolean> {
  const byId = { _id: chatId };
  if (serverScansFilters()) {
    const stored = await Chat.collection.findOne(byId, { projection: { title: 1 } });
    if (stored?.title !== DEFAULT_CHAT_TITLE) return false;
    return (await Chat.collection.updateOne(byId, { $set: fields })).matchedCount === 1;
  }
  const named = await Chat.collection.updateOne(
    { ...byId, title: DEFAULT_CHAT_TITLE },
    { $set: fields },
  );
  return named.matchedCount === 1;
}

const titleOf = (input: NewChat, firstMessage?: string) =>
  input.title ?? (firstMessage ? titleFromMessage(firstMessage) : DEFAULT_CHAT_TITLE);

/** The bytes a new chat adds to the user's stored text (its title and system prompt). */
export function newChatBytes(input: NewChat, firstMessage?: string): number {
  const sizes = chatSizes({
    title: titleOf(input, firstMessage),
    systemPrompt: input.systemPrompt ?? '',
  });
  return sizes.titleBytes + sizes.promptBytes;
}

/**
 * Stores a new chat of the user; its title comes from `firstMessage` when none is given. It takes
 * one of the user's numbered places first (409 CHAT_LIMIT_REACHED when none is free); the caller
 * has checked the byte cap (ensureRoom).
 */
export async function createChat(
  userId: string,
  input: NewChat,
  firstMessage?: string,
  id = new Types.ObjectId(),
  /** The turns a chat created with its first message keeps for the next send (chat-context.ts). */
  context?: ChatContext,
  /** The end of its active branch, for a chat created holding messages (a fork's copies). */
  activeLeafId?: Types.ObjectId | null,
  /** Its creation time: the caller's, to remove this very chat when its insert's answer is lost. */
  now = new Date(),
): Promise<ChatDoc> {
  const title = titleOf(input, firstMessage);
  const chat: NewChatDoc = {
    ...(context ? { context } : {}),
    ...(activeLeafId ? { activeLeafId } : {}),
    _id: id,
    userId: oid(userId),
    title,
    model: input.model ?? config().defaultModel,
    ...chatSizes({ title, systemPrompt: input.systemPrompt ?? '' }),
    lastMessageAt: now,
    createdAt: now,
    updatedAt: now,
  };
  if (input.systemPrompt !== undefined) chat.systemPrompt = input.systemPrompt;
  const slot = await claimChatSlot(userId, id);
  try {
    return await insertChat(chat);
  } catch (error) {
    await releaseClaimedSlot(slot).catch(() => undefined);
    throw error;
  }
}

/**
 * Creating (without a message), changing and deleting chats share one per-user budget a minute;
 * sending messages has its own (MESSAGES_PER_MINUTE). Counted once the request is valid, so input
 * refused as invalid costs nothing.
 */
export async function checkChatWriteRate(userId: string): Promise<void> {
  const { CHAT_WRITES_PER_MINUTE: max } = config();
  await checkUserRate(
    'chat-writes',
    userId,
    max,
    60_000,
    `At most ${max} chat changes per minute; try again shortly`,
  );
}

/** A chat without messages (POST /api/chats without `message`), within the user's caps. */
export async function startChat(
  userId: string,
  input: NewChat,
  id = new Types.ObjectId(),
): Promise<ChatDoc> {
  await checkChatWriteRate(userId);
  await ensureRoom(userId, { chats: 1, bytes: newChatBytes(input) });
  return createChat(userId, input, undefined, id);
}

export async function updateChat(
  userId: string,
  chatId: ObjectIdString,
  changes: Partial<Pick<ChatDoc, 'title' | 'pinned' | 'archived' | 'model' | 'systemPrompt'>>,
  /** `counted`: the request's chat write was counted already (a PATCH that also switched branch). */
  { counted = false } = {},
): Promise<ChatDoc> {
  // A change of nothing (`{}`, as a JSON Merge Patch may be) writes nothing: the chat as it is,
  // its updatedAt kept, no chat write counted.
  if (Object.keys(changes).length === 0) return findOwnedChat(userId, chatId);
  if (!counted) await checkChatWriteRate(userId);
  const sizes: Partial<Pick<ChatDoc, 'titleBytes' | 'promptBytes'>> = {};
  if (changes.title !== undefined || changes.systemPrompt !== undefined) {
    // Each size is written with its text, so concurrent changes of the two never mix them up.
    const current = await findOwnedChat(userId, chatId);
    const before = chatSizes(current);
    const after = chatSizes({ ...current, ...changes });
    if (changes.title !== undefined) sizes.titleBytes = after.titleBytes;
    if (changes.systemPrompt !== undefined) sizes.promptBytes = after.promptBytes;
    const growth = after.titleBytes + after.promptBytes - (before.titleBytes + before.promptBytes);
    if (growth > 0) await ensureRoom(userId, { bytes: growth });
  }
  // A new title comes with its search keys, in the same write.
  const terms = changes.title !== undefined ? searchKeys(changes.title) : {};
  const chat = await inChatTurn(chatId, () =>
    Chat.findOneAndUpdate(
      { _id: oid(chatId), userId: oid(userId) },
      { $set: { ...changes, ...sizes, ...terms } },
      { returnDocument: 'after' },
    ).lean<ChatDoc>(),
  );
  if (!chat) throw notFound('Chat');
  return chat;
}

/**
 * Stops the reply being generated for the chat, on whichever instance streams it: its lease is
 * flagged (the instance holding it polls for flags) and, when it streams here, aborted at once.
 * The reply is then stored as incomplete. False when no reply was being generated.
 */
export async function stopReply(userId: string, chatId: ObjectIdString): Promise<boolean> {
  const chat = await findOwnedChat(userId, chatId);
  return (await stopReplies(userId, { chatId: String(chat._id) })).length > 0;
}

/**
 * Stops the user's replies being generated, of one chat, of some sessions or API keys (they ended)
 * or all of them (the account is being deleted or disabled): their leases are flagged for the
 * instances streaming them, and the ones streaming here are aborted at once. Returns the stopped
 * leases' tokens.
 */
export async function stopReplies(userId: string, scope: StopScope = {}): Promise<string[]> {
  const tokens = await requestStop(userId, scope);
  const here = tokens.filter((token) => abortGeneration(token, 'stop'));
  // Those were stopped here and then: their flags are done with. Left, they would stay for good
  // (the stop poll runs only while something streams here, and keeps flags of replies it does
  // not run for a lease's lifetime; a restarted instance has another id).
  // The stop is made either way: a failure to drop them leaves them as before, and is no error
  // of the stop's.
  if (here.length > 0)
    await dropFlagsOfTokens(here).catch((error: unknown) =>
      logger.warn({ err: (error as Error).message }, 'could not drop the flags of stopped replies'),
    );
  return tokens;
}

/**
 * Stops the user's replies (of one chat, or all) and waits until those have ended, so a deletion
 * that follows finds what they wrote last (the reply's final text, its usage entry) rather than
 * having it land after. Another instance sees the stop within STOP_POLL_MS; a reply still running
 * a few seconds later (its instance stopped answering) is logged and the deletion goes on.
 */
export async function endReplies(userId: string, chatId?: Types.ObjectId): Promise<void> {
  const tokens = await stopReplies(userId, chatId === undefined ? {} : { chatId: String(chatId) });
  if (tokens.length === 0) return;
  const withinMs = 2 * config().STOP_POLL_MS + REPLIES_END_WITHIN_MS;
  if (!(await leasesReleased(userId, tokens, withinMs)))
    logger.warn(
      { userId, chatId: chatId === undefined ? undefined : String(chatId) },
      'stopped replies still running; deleting anyway',
    );
}
