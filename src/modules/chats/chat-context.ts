import type { Collection } from 'mongodb';
import { config } from '../../lib/config.js';
import { serverScansFilters } from '../../lib/db/connection.js';
import type { Types } from '../../lib/db/mongoose.js';
import type { ChatTurn } from '../../lib/llm/index.js';
import { approxTokens } from '../../lib/llm/history.js';
import {
  Chat,
  findShownChat,
  inChatTurn,
  SHOWN_FIELDS,
  type ChatContext,
  type ChatDoc,
} from './chat.model.js';
import type { MessageDoc } from './message.model.js';
import { hasText } from '../../lib/text.js';

/**
 * The turns a plain send gives the model, kept on the chat (MongoDB's subset pattern): the
 * active branch's newest turns within the history budget, ending at the reply `leafId`. A send
 * that follows the active leaf reads them with the chat instead of the message tree (which scans
 * the messages collection on FerretDB), and writes the next ones with the update that bumps
 * `lastMessageAt`; the reply's text joins them in the write that settles the reply.
 *
 * Correctness rests on three rules:
 * - A send's update applies only while the context is the one it read; when another write
 *   changed it meanwhile (a concurrent send, a branch switch), the send clears it instead. So does
 *   a send whose history held a reply still streaming (its text so far, not its final text).
 * - Every other change of the active branch or of a message on it (switch, regenerate, continue,
 *   deleting a branch) clears it; a continue clears it again once its answer is final, since a
 *   send that read it before may have written it back meanwhile with the answer's earlier text.
 *   A reply finished by someone else (interrupted) leaves it `pending`. A cleared or pending
 *   context makes the next send read the tree and write it anew.
 * - A chat that branched names its active leaf: the context counts only while it ends there. One
 *   that never branched has its active branch end where the context ends (Tree.activeLeaf), so
 *   what the chat shows is what the next send is given.
 * On FerretDB a conditional update is not atomic: two writes racing on one chat can both pass
 * their filter, and the one written last stays. Two racing sends leave the context of one of
 * them, which the branch follows (rule 3) until the other's reply settles, finds its context
 * replaced and clears it (settleChatOf); the tree decides again from then on. What stays possible:
 * a send racing the write that settles the reply before it stores its messages below that reply
 * while the settled context wins. Until that send's own reply settles and clears the context, the
 * chat shows its exchange (the newest message below the context's end) while a send meanwhile is
 * given the context without it and answers beside it.
 */

type Turn = ChatContext['turns'][number];

/**
 * The most text a chat keeps, in UTF-8 bytes. The turns are bounded by the history budget's
 * estimate (approxTokens), 4 to 8 bytes of UTF-8 for each token counted in any script: with a
 * budget set for a model of millions of tokens they would make the chat, and the write that stores
 * its turns, larger than the 16 MB the database takes, and every send to that chat would fail.
 * Past this size the chat keeps none: each send reads the tree, which gives the model the same
 * turns.
 */
const MAX_KEPT_BYTES = 4 * 1024 * 1024;

/**
 * The newest turns that fit the budget together. fitToBudget keeps a suffix of the turns it is
 * given, after the new question (always kept), so a turn past this cut could never be sent with
 * any question, and nothing it would keep is dropped. Unlike fitToBudget, a newest turn larger
 * than the whole budget (a reply of megabytes) is not kept either: it could never be sent again.
 * Null when they are too much text to keep (MAX_KEPT_BYTES).
 */
function cut(turns: Turn[], budget: number): Turn[] | null {
  let start = turns.length;
  let remaining = budget;
  let units = 0;
  while (start > 0) {
    const { content } = turns[start - 1]!;
    const cost = approxTokens(content);
    if (cost > remaining) break;
    remaining -= cost;
    units += content.length;
    start -= 1;
  }
  const kept = turns.slice(start);
  // A UTF-16 unit is at most 3 bytes of UTF-8: most chats are far from the bound without
  // counting their bytes.
  if (units * 3 <= MAX_KEPT_BYTES) return kept;
  const bytes = kept.reduce((sum, turn) => sum + Buffer.byteLength(turn.content), 0);
  return bytes <= MAX_KEPT_BYTES ? kept : null;
}

const plain = (turns: readonly Turn[]): ChatTurn[] =>
  turns.map(({ role, content }) => ({ role, content }));

/** A plain send's history from the stored context, or null when it must come from the tree. */
export function storedHistory(
  chat: Pick<ChatDoc, 'context' | 'activeLeafId'>,
  parentId: string | null | undefined,
): { turns: ChatTurn[]; parentId: Types.ObjectId; settled: true } | null {
  const context = chat.context;
  if (!context || context.pending) return null;
  // A send that names the kept branch's own last answer as its parent is a plain send to it (a
  // client that always names the answer it shows, as the AI SDK route does).
  if (parentId !== undefined && parentId !== String(context.leafId)) return null;
  if (context.budget !== config().HISTORY_TOKEN_BUDGET) return null;
  if (chat.activeLeafId && String(chat.activeLeafId) !== String(context.leafId)) return null;
  return { turns: plain(context.turns), parentId: context.leafId, settled: true };
}

/**
 * What a send stores: its history and question, `pending` until its reply is settled; null when
 * that is too much text to keep (the send clears the kept turns instead).
 */
export function pendingContext(
  history: ChatTurn[],
  question: string,
  replyId: Types.ObjectId,
): ChatContext | null {
  const budget = config().HISTORY_TOKEN_BUDGET;
  const turns = cut([...history, { role: 'user', content: question }] as Turn[], budget);
  if (!turns) return null;
  // Only role and content: the send writes it through the driver, without the schema's casting.
  return { leafId: replyId, budget, pending: true, turns: plain(turns) as Turn[] };
}

/**
 * The context once its reply is final: with the reply's text, as turnsOf would read it; null when
 * that is too much text to keep.
 */
export function settledContext(context: ChatContext, reply: MessageDoc): ChatContext | null {
  const counts = hasText(reply.content) && reply.status !== 'error';
  const turns = counts
    ? cut([...context.turns, { role: 'assistant', content: reply.content }], context.budget)
    : context.turns;
  return turns && { ...context, pending: false, turns: plain(turns) as Turn[] };
}

/** `$unset` of the context: every change of the active branch but a send's writes it. */
export const CLEAR_CONTEXT = { context: 1 } as const;

/** The write that settles a reply's context: its turns with the reply's, or none (too large). */
type Settled = { $set: { context: ChatContext } } | { $unset: typeof CLEAR_CONTEXT };

/**
 * Writes the reply's text into the chat's context when the exchange left it pending, which also
 * tells that the chat is still there; otherwise one read tells it. Returns the chat as stored
 * then, without its context (the reply's `done` event shows it: a rename, a pin or a branch
 * switch made while the reply streamed is in it), or null when the chat (or the account) is gone.
 *
 * This write is what keeps the context right when writes race. A send stores its pending context
 * by the chat's `_id` alone, whatever happened since it read the chat (exchange.service.ts), so
 * it can replace another send's context, pending or settled, or land after a branch change.
 * Only the context a reply left can be settled by it (filtered on its `leafId` and `pending`):
 * a reply whose context was replaced clears whatever is there, so the next send reads the tree.
 * A replaced context that is settled holds the branch its send answered (its question's parent
 * is what that send read), and storedHistory refuses one that is not the active branch.
 */
export async function settleChatOf(
  reply: MessageDoc,
  context: ChatContext | null | undefined,
  /**
   * The reply carried on an answer already on the branch (a continue): kept turns read before it
   * hold that answer's earlier text, and a send that read them before the continue cleared them
   * may have written them back since. They go once the answer is final.
   */
  { answerChanged = false }: { answerChanged?: boolean } = {},
): Promise<ChatDoc | null> {
  // By `_id` alone: chat ids are never reused, and a deleted account's chats are gone before it.
  const chatId = { _id: reply.chatId };
  if (answerChanged) return clearedChat(reply.chatId);
  if (!context || String(context.leafId) !== String(reply._id)) return findShownChat(reply.chatId);
  const kept = settledContext(context, reply);
  const settled: Settled = kept ? { $set: { context: kept } } : { $unset: CLEAR_CONTEXT };
  // One turn: where the check is a read of its own (settleByReadAndWrite), no write of this
  // process comes between it and the update.
  return inChatTurn(reply.chatId, async () => {
    if (serverScansFilters()) return settleByReadAndWrite(reply, settled);
    // Every reply ends with it: straight through the driver (ids and turns are typed here).
    const shown = { projection: SHOWN_FIELDS, returnDocument: 'after' } as const;
    const chats = Chat.collection as unknown as Collection<ChatDoc>;
    const chat = await chats.findOneAndUpdate({ ...chatId, ...leftBy(reply) }, settled, shown);
    // Another write replaced this exchange's context meanwhile: one that moved the branch on (and
    // cleared it, or named a parent and so a pointer), or a send that raced this one on FerretDB
    // and was written last. Clearing it makes the next send read the tree, right in every case.
    return chat ?? (await chats.findOneAndUpdate(chatId, { $unset: CLEAR_CONTEXT }, shown));
  });
}

/** Clears the chat's kept turns: the chat as stored then, or null when it is gone. */
function clearedChat(chatId: Types.ObjectId): Promise<ChatDoc | null> {
  return inChatTurn(chatId, async () => {
    // findAndModify reads the whole collection where filtered updates scan: a write, then a read.
    if (serverScansFilters()) {
      const result = await Chat.collection.updateOne({ _id: chatId }, { $unset: CLEAR_CONTEXT });
      return result.matchedCount === 1 ? findShownChat(chatId) : null;
    }
    const chats = Chat.collection as unknown as Collection<ChatDoc>;
    return chats.findOneAndUpdate(
      { _id: chatId },
      { $unset: CLEAR_CONTEXT },
      { projection: SHOWN_FIELDS, returnDocument: 'after' },
    );
  });
}

/**
 * settleChatOf where the server scans the collection for a filtered update (serverScansFilters):
 * the chat is read here by `_id` and written by `_id`, as that server runs its own filtered update,
 * a read then a write. Elsewhere the update's filter decides, atomically.
 */
async function settleByReadAndWrite(reply: MessageDoc, settled: Settled): Promise<ChatDoc | null> {
  const chatId = { _id: reply.chatId };
  const found = await Chat.collection.findOne<ChatDoc>(chatId, {
    projection: { 'context.turns': 0, terms: 0 },
  });
  if (!found) return null;
  const { context, ...chat } = found;
  const leftAsItWas = context?.pending === true && String(context.leafId) === String(reply._id);
  const result = await Chat.collection.updateOne(
    chatId,
    leftAsItWas ? settled : { $unset: CLEAR_CONTEXT },
  );
  return result.matchedCount === 1 ? chat : null;
}

/** The context the reply's send stored, still pending. */
const leftBy = (reply: MessageDoc) => ({ 'context.leafId': reply._id, 'context.pending': true });
