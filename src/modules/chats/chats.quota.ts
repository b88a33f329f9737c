import { config } from '../../lib/config.js';
import { isDuplicateKey } from '../../lib/db/duplicate-key.js';
import { Types } from '../../lib/db/mongoose.js';
import { AppError } from '../../lib/errors.js';
import { RecentValues } from '../../lib/recent-values.js';
import { Chat, type ChatDoc } from './chat.model.js';
import { ChatSlot } from './chat-slot.model.js';
import { Message } from './message.model.js';
import { searchKeys } from './search-terms.js';

/**
 * What one account may store: MAX_CHATS_PER_USER chats, MAX_MESSAGES_PER_USER messages and
 * MAX_STORED_BYTES_PER_USER bytes of text (message contents, titles and system prompts, in UTF-8).
 * A request that would go past a cap is refused with 409 before anything is stored or sent upstream,
 * with one exception: a plain send whose count is due (keptCountDue) sends its model call first and
 * counts while the provider starts answering, so the count does not delay the model; a refusal
 * then drops the call before any of it is read (exchange.service beginExchange). A refusal leaves
 * a fresh count behind, so the user's next sends here are refused before any call, and at most one
 * call per user and instance every STORAGE_RECOUNT_SECONDS is dropped this way (with 0, every
 * send counts before its call, as any other request does).
 *
 * How exact each cap is, given that FerretDB loses `$inc` updates (so no running counters):
 * - chats: exact. A chat is stored only after claiming one of the user's numbered places
 *   (chat-slot.model.ts), and a unique `_id` lets exactly one request take each place.
 * - messages and bytes: counted over the user's documents (usageOf: two reads that grow with what
 *   the user stores, and scan every message on the embedded FerretDB), at most once every
 *   STORAGE_RECOUNT_SECONDS per user and instance (0: before every write). In between, this
 *   instance adds what it lets through to the last count (roomKnown), so on one instance the caps
 *   hold as if counted each time; what other instances store meanwhile is seen at the next count,
 *   so across instances a cap can be passed by what the user stores through the others within
 *   STORAGE_RECOUNT_SECONDS. A stored running total would need `$inc`, which FerretDB loses under
 *   concurrency. Exchanges check after taking a generation slot, so at most MAX_CONCURRENT_STREAMS
 *   of them pass a fresh count together: the message cap can be passed by
 *   2 × (MAX_CONCURRENT_STREAMS − 1) more. A reply is always kept once generated, so the byte cap
 *   can be passed by the replies generated since the last count on other instances, and by the
 *   replies in flight.
 */

export const textBytes = (text: string) => Buffer.byteLength(text, 'utf8');

export const chatSizes = (chat: Pick<ChatDoc, 'title' | 'systemPrompt'>) => ({
  titleBytes: textBytes(chat.title),
  promptBytes: textBytes(chat.systemPrompt),
});

/**
 * A title as a write stores it: with its size and its search keys (search-terms.ts), so a chat
 * whose title a write changes is counted and found by its new words.
 */
export const titleFields = (
  title: string,
): Pick<ChatDoc, 'title' | 'titleBytes' | 'terms' | 'termsVersion'> => ({
  title,
  titleBytes: textBytes(title),
  ...searchKeys(title),
});

export interface Usage {
  chats: number;
  messages: number;
  bytes: number;
}

/**
 * What the user stores now, in two round trips. FerretDB 1.24 answers 0 for every accumulator of
 * a `$group` after the first, so one grouping cannot both count and sum: the messages are grouped
 * by their size with a count each (sizes repeat, so far fewer rows than messages), and the chats,
 * at most MAX_CHATS_PER_USER small rows, are read with their two sizes and added up here. Sizes
 * that older versions did not record count as 0.
 */
export async function usageOf(userId: string): Promise<Usage> {
  const mine = { userId: new Types.ObjectId(userId) };
  const [chats, sizes] = await Promise.all([
    // Read under every message's generation slot: straight through the driver.
    Chat.collection
      .find<Pick<ChatDoc, 'titleBytes' | 'promptBytes'>>(mine, {
        projection: { _id: 0, titleBytes: 1, promptBytes: 1 },
      })
      .toArray(),
    Message.collection
      .aggregate<{ _id: number | null; n: number }>([
        { $match: mine },
        { $group: { _id: '$bytes', n: { $sum: 1 } } },
      ])
      .toArray(),
  ]);
  let messages = 0;
  let bytes = 0;
  for (const { _id: size, n } of sizes) {
    messages += n;
    bytes += (size ?? 0) * n;
  }
  for (const chat of chats) bytes += (chat.titleBytes ?? 0) + (chat.promptBytes ?? 0);
  return { chats: chats.length, messages, bytes };
}

/**
 * The last count of each user's messages and bytes on this instance, with what it let through
 * since: given while younger than STORAGE_RECOUNT_SECONDS.
 */
const roomKnown = new RecentValues<Usage>(() => config().STORAGE_RECOUNT_SECONDS * 1000);

/**
 * Whether the user's next check here counts in the database (usageOf) and keeps that count for
 * the checks after it. Never with STORAGE_RECOUNT_SECONDS 0: every check counts, and none is kept.
 */
export const keptCountDue = (userId: string, now = Date.now()) =>
  config().STORAGE_RECOUNT_SECONDS > 0 && !roomKnown.get(userId, now);

/** The user's usage as last counted here plus what passed since, or a new count when too old. */
async function knownUsage(userId: string, now = Date.now()): Promise<Usage> {
  const maxAgeMs = config().STORAGE_RECOUNT_SECONDS * 1000;
  const fresh = roomKnown.get(userId, now);
  if (fresh) return fresh;
  const usage = await usageOf(userId);
  if (maxAgeMs > 0) roomKnown.set(userId, usage, now);
  return usage;
}

/**
 * Forgets the user's last count here: deleting chats makes room at once on this instance (other
 * instances see it at their next count, within STORAGE_RECOUNT_SECONDS).
 */
export const forgetKnownRoom = (userId: string) => roomKnown.delete(userId);

/** A reply's text, stored once generated (it passed no check): added to the count known here. */
export function countStoredReply(userId: string, bytes: number): void {
  const known = roomKnown.get(userId);
  if (known) known.bytes += bytes;
}

const chatLimit = (cap: number) =>
  new AppError(
    'CHAT_LIMIT_REACHED',
    `An account keeps at most ${cap} chats; delete some to make room`,
  );

/** Takes back from the count known here what a check let through and was then not stored. */
export type GiveRoomBack = () => void;

/**
 * Refuses (409) what would take the user past a cap; nothing is written either way. A new chat is
 * checked against a fresh count (its place is claimed exactly anyway: claimChatSlot); anything
 * else against the count known here (knownUsage), to which what passes is added at once, so
 * requests checked meanwhile count it. A request refused or failed after the check, before it
 * stored anything (its budget, a busy slot), gives it back with the returned function.
 * `reply`: the request stores a reply and no text of its own (a regenerate, a continue). The
 * reply's size is known only once generated (countStoredReply), so it is counted then, but it
 * needs room for a byte at least: at the byte cap, a user who cannot send cannot add replies
 * either.
 */
export async function ensureRoom(
  userId: string,
  adding: { chats?: number; messages?: number; bytes?: number; reply?: boolean },
): Promise<GiveRoomBack> {
  const c = config();
  if (adding.chats) forgetKnownRoom(userId);
  const now = await knownUsage(userId);
  if (adding.chats && now.chats + adding.chats > c.MAX_CHATS_PER_USER)
    throw chatLimit(c.MAX_CHATS_PER_USER);
  if (adding.messages && now.messages + adding.messages > c.MAX_MESSAGES_PER_USER)
    throw new AppError(
      'MESSAGE_LIMIT_REACHED',
      `An account keeps at most ${c.MAX_MESSAGES_PER_USER} messages; delete chats to make room`,
    );
  const bytes = Math.max(adding.bytes ?? 0, adding.reply ? 1 : 0);
  if (bytes && now.bytes + bytes > c.MAX_STORED_BYTES_PER_USER)
    throw new AppError(
      'STORAGE_LIMIT_REACHED',
      `An account stores at most ${c.MAX_STORED_BYTES_PER_USER} bytes of text; delete chats to make room`,
    );
  // Passed: counted from now on, as the next count would find it once stored.
  add(now, adding, 1);
  let given = false;
  return () => {
    if (given) return;
    given = true;
    // Only from the count it went into: a newer count found what is stored.
    if (roomKnown.get(userId) === now) add(now, adding, -1);
  };
}

function add(usage: Usage, adding: Parameters<typeof ensureRoom>[1], sign: 1 | -1): void {
  usage.chats += sign * (adding.chats ?? 0);
  usage.messages += sign * (adding.messages ?? 0);
  usage.bytes += sign * (adding.bytes ?? 0);
}

/** A place claimed this long ago whose chat does not exist was left by a failure, not a race. */
const ORPHAN_AFTER_MS = 60_000;

/** Frees places whose chat is gone (a crash between the two writes); true when any was freed. */
async function freeOrphanSlots(owner: Types.ObjectId): Promise<boolean> {
  const old = await ChatSlot.find(
    { userId: owner, createdAt: { $lt: new Date(Date.now() - ORPHAN_AFTER_MS) } },
    { chatId: 1 },
  ).lean();
  if (old.length === 0) return false;
  const live = await Chat.find({ _id: { $in: old.map((s) => s.chatId) } }, { _id: 1 }).lean();
  const liveIds = new Set(live.map((chat) => String(chat._id)));
  const orphans = old.filter((s) => !liveIds.has(String(s.chatId))).map((s) => s._id);
  if (orphans.length === 0) return false;
  await ChatSlot.deleteMany({ _id: { $in: orphans } });
  return true;
}

/** Claims a free numbered place for the chat, or 409 CHAT_LIMIT_REACHED when all are taken. */
export async function claimChatSlot(userId: string, chatId: Types.ObjectId): Promise<string> {
  const cap = config().MAX_CHATS_PER_USER;
  const owner = new Types.ObjectId(userId);
  for (let round = 0; round < 2; round += 1) {
    const taken = new Set(
      (await ChatSlot.find({ userId: owner }, { n: 1 }).lean()).map((slot) => slot.n),
    );
    for (let n = 1; n <= cap; n += 1) {
      if (taken.has(n)) continue;
      const slotId = `${userId}#${n}`;
      try {
        await ChatSlot.create({ _id: slotId, userId: owner, n, chatId, createdAt: new Date() });
        return slotId;
      } catch (error) {
        // Another request took this place since the read: try the next one.
        if (!isDuplicateKey(error)) throw error;
      }
    }
    if (round === 0 && !(await freeOrphanSlots(owner))) break;
  }
  throw chatLimit(cap);
}

export async function releaseChatSlot(chatId: Types.ObjectId): Promise<void> {
  await ChatSlot.deleteMany({ chatId });
}

/**
 * Gives back the place claimChatSlot took, alone: a chat that could not be stored because one
 * with its id already was (a retry under the same Idempotency-Key) keeps that one's place.
 */
export async function releaseClaimedSlot(slotId: string): Promise<void> {
  await ChatSlot.deleteOne({ _id: slotId });
}
