import { config } from '../../lib/config.js';
import { branchPageOf, type BranchPage } from './branch.service.js';
import { Tree, type Node } from './branch.tree.js';
import { Types } from '../../lib/db/mongoose.js';
import { notFound } from '../../lib/errors.js';
import { isDatabaseDown } from '../../lib/http/error-handler.js';
import { hasText } from '../../lib/text.js';
import { insertChat, type ChatContext, type ChatDoc, type NewChatDoc } from './chat.model.js';
import { pendingContext, settledContext } from './chat-context.js';
import type { ChatImport } from './chat-import.schemas.js';
import { chatStillOwned, removeLeftovers, removeUnfinishedChat } from './chats.cleanup.js';
import {
  chatSizes,
  claimChatSlot,
  ensureRoom,
  releaseClaimedSlot,
  textBytes,
} from './chats.quota.js';
import { modelRule } from './message-rules.js';
import {
  insertMessages,
  type MessageDoc,
  type MessageStatus,
  type NewMessageDoc,
} from './message.model.js';

/**
 * A chat made from an export (POST /api/chats/import): a new chat of the caller holding every
 * message of every branch under new ids, its tree, active branch and kept turns as if its
 * messages had been sent here. The body was checked whole before this runs (chat-import.schemas.ts:
 * a tree with known parents, no cycle, roles in turn).
 */

type Imported = ChatImport['messages'][number];

/** Messages per insert: an export of thousands of messages is stored in several round trips. */
const BATCH_MESSAGES = 500;
/** Text per insert (UTF-8 bytes): a batch of long replies stays far below a command's 48 MB. */
const BATCH_BYTES = 4 * 1024 * 1024;

/** Where each exported message goes, worked out before anything is stored. */
export interface ImportPlan {
  /** Export indexes in the order stored: oldest first, each parent before its children. */
  order: number[];
  /** The new id of each message, by export index, increasing in `order`. */
  ids: Types.ObjectId[];
  /** Each message's time: as exported, but never in the future nor before its parent's. */
  times: Date[];
  /** Each message's parent, by export index (-1: a first message). */
  parents: number[];
  /** The end of the active branch (export index), or -1 without messages. */
  leaf: number;
}

/** A reply exported while it streamed has stopped here: it is cut off, as a stopped reply is. */
const statusOf = (m: Imported): MessageStatus =>
  m.status === 'streaming' ? 'incomplete' : m.status;

const earlier = (a: Date, b: Date) => (a < b ? a : b);

export function planImport(body: ChatImport, now: Date): ImportPlan {
  const { messages } = body;
  const index = new Map(messages.map((m, i) => [m.id, i]));
  const parents = messages.map((m) => (m.parentId === null ? -1 : index.get(m.parentId)!));
  // Depth by a walk up from each message that stops at one already known (the tree has no cycle).
  const depth = new Array<number>(messages.length).fill(-1);
  messages.forEach((_, start) => {
    const path: number[] = [];
    let i = start;
    while (i !== -1 && depth[i] === -1) {
      path.push(i);
      i = parents[i]!;
    }
    let d = i === -1 ? -1 : depth[i]!;
    for (let p = path.length - 1; p >= 0; p -= 1) depth[path[p]!] = d += 1;
  });
  const byDepth = messages.map((_, i) => i).sort((a, b) => depth[a]! - depth[b]! || a - b);
  const times: Date[] = [];
  for (const i of byDepth) {
    const own = earlier(new Date(messages[i]!.createdAt), now);
    const parent = parents[i]!;
    times[i] = parent === -1 || own >= times[parent]! ? own : times[parent]!;
  }
  // The order every tree read sorts by (time, then id): ties keep parents first, then the export's.
  const order = messages
    .map((_, i) => i)
    .sort((a, b) => times[a]!.getTime() - times[b]!.getTime() || depth[a]! - depth[b]! || a - b);
  const ids: Types.ObjectId[] = [];
  for (const i of order) ids[i] = new Types.ObjectId();
  return { order, ids, times, parents, leaf: activeLeaf(body, index, parents, order) };
}

/**
 * Where the active branch ends, as Tree.activeLeaf finds it once stored: the exported leaf, or the
 * newest message below it when it has children; without one, the newest message.
 */
function activeLeaf(
  body: ChatImport,
  index: Map<string, number>,
  parents: number[],
  order: number[],
): number {
  const named = body.chat.activeLeafId;
  if (named === undefined) return order.at(-1) ?? -1;
  const top = index.get(named)!;
  /** Whether each message is at or below `top` (0: not known yet, 1: it is, 2: it is not). */
  const below = new Uint8Array(parents.length);
  below[top] = 1;
  let newest = top;
  // Oldest first: the last one found below is the newest. Each message is walked up once.
  for (const i of order) {
    const walked: number[] = [];
    let at = i;
    while (at !== -1 && below[at] === 0) {
      walked.push(at);
      at = parents[at]!;
    }
    const known = at === -1 ? 2 : below[at]!;
    for (const w of walked) below[w] = known;
    if (known === 1) newest = i;
  }
  return newest;
}

/**
 * The turns a chat whose messages were sent keeps for its next send (chat-context.ts): built as
 * the send of the leaf's question and its reply's settle build them, from the branch's turns.
 * None when the branch ends at a question (as after its answer was deleted).
 */
function keptTurns(body: ChatImport, plan: ImportPlan, docs: NewMessageDoc[]): ChatContext | null {
  const { leaf, parents } = plan;
  if (leaf === -1 || body.messages[leaf]!.role !== 'assistant') return null;
  const question = parents[leaf]!;
  const path: number[] = [];
  for (let i = parents[question]!; i !== -1; i = parents[i]!) path.push(i);
  const history = path
    .reverse()
    .map((i) => docs[i]!)
    .filter((m) => hasText(m.content ?? '') && m.status !== 'error')
    .map((m) => ({ role: m.role, content: m.content ?? '' }));
  const pending = pendingContext(history, body.messages[question]!.content, plan.ids[leaf]!);
  return pending && settledContext(pending, docs[leaf] as MessageDoc);
}

/** Each message as stored, by export index. */
function messageDocs(
  body: ChatImport,
  plan: ImportPlan,
  chatId: Types.ObjectId,
  userId: Types.ObjectId,
): NewMessageDoc[] {
  return body.messages.map((m, i) => {
    const parent = plan.parents[i]!;
    return {
      _id: plan.ids[i]!,
      chatId,
      userId,
      parentId: parent === -1 ? null : plan.ids[parent]!,
      role: m.role,
      content: m.content,
      bytes: textBytes(m.content),
      status: statusOf(m),
      model: m.model,
      finishReason: m.finishReason,
      usage: m.usage,
      error: m.error,
      stopReason: m.stopReason,
      ttftMs: null,
      durationMs: null,
      createdAt: plan.times[i]!,
    };
  });
}

/**
 * The messages in `order`, a batch at a time (their search keys made as for sent ones); returns
 * them as stored, in that order, as a branch read gives them: without their search keys, which
 * would otherwise be held until the answer is sent.
 */
async function insertInBatches(docs: NewMessageDoc[], order: number[]): Promise<MessageDoc[]> {
  const stored: MessageDoc[] = [];
  const insert = async (batch: NewMessageDoc[]) => {
    for (const { terms: _terms, ...message } of await insertMessages(batch)) stored.push(message);
  };
  let batch: NewMessageDoc[] = [];
  let bytes = 0;
  for (const i of order) {
    const doc = docs[i]!;
    batch.push(doc);
    bytes += doc.bytes ?? 0;
    if (batch.length >= BATCH_MESSAGES || bytes >= BATCH_BYTES) {
      await insert(batch);
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length > 0) await insert(batch);
  return stored;
}

/** The chat as stored: the export's, with this server's model when it does not offer the export's. */
function chatDoc(
  body: ChatImport,
  plan: ImportPlan,
  context: ChatContext | null,
  id: Types.ObjectId,
  userId: Types.ObjectId,
  now: Date,
): NewChatDoc {
  const c = config();
  const { chat } = body;
  const createdAt = earlier(new Date(chat.createdAt), now);
  return {
    _id: id,
    userId,
    title: chat.title,
    pinned: chat.pinned,
    archived: chat.archived,
    model: modelRule(c).allows(chat.model) ? chat.model : c.defaultModel,
    systemPrompt: chat.systemPrompt,
    ...chatSizes(chat),
    // The branch's end is named only where the export named one, as a chat that never branched
    // names none (its kept turns, or its newest message, end it).
    ...(chat.activeLeafId !== undefined && plan.leaf !== -1
      ? { activeLeafId: plan.ids[plan.leaf]! }
      : {}),
    ...(context ? { context } : {}),
    createdAt,
    lastMessageAt: earlier(new Date(chat.lastMessageAt), now),
    updatedAt: earlier(new Date(chat.updatedAt), now),
  };
}

/** A chat the import stored, with its messages as stored (oldest first). */
export interface ImportedChat {
  chat: ChatDoc;
  messages: MessageDoc[];
}

/**
 * The first page of the imported chat's active branch, as GET /api/chats/:id shows it, made from
 * the messages just stored rather than read back: on the embedded FerretDB that read (the tree,
 * then the page's text) decodes every message of every user, twice, which took seconds after an
 * import of thousands of messages while every other request waited on the database. The export
 * holds at most MAX_TREE_MESSAGES messages, so the tree is the one Tree.load would read.
 */
export function importedPage({ chat, messages }: ImportedChat): Promise<BranchPage> {
  const byId = new Map(messages.map((m) => [String(m._id), m]));
  const read = (nodes: Node[]) => Promise.resolve(nodes.map((n) => byId.get(String(n._id))!));
  return branchPageOf(chat, new Tree(messages), {}, read);
}

/**
 * Stores the export as a new chat of the user under `id` (an Idempotency-Key names it), within
 * the user's caps (a chat, its messages and their bytes: 409 naming the cap; its chat write was
 * charged before the body was read, admitImport). The messages go first, a batch at a time, then the chat that makes them reachable: a
 * failure on the way (the database away) removes what was stored, in the background while the
 * database does not answer, so no chat is ever left holding part of an export.
 */
export async function importChat(
  userId: string,
  body: ChatImport,
  id = new Types.ObjectId(),
  now = new Date(),
): Promise<ImportedChat> {
  const owner = new Types.ObjectId(userId);
  const plan = planImport(body, now);
  const docs = messageDocs(body, plan, id, owner);
  const chat = chatDoc(body, plan, keptTurns(body, plan, docs), id, owner, now);
  const giveRoomBack = await ensureRoom(userId, {
    chats: 1,
    messages: docs.length,
    bytes:
      (chat.titleBytes ?? 0) +
      (chat.promptBytes ?? 0) +
      docs.reduce((sum, m) => sum + (m.bytes ?? 0), 0),
  });
  /** The chat once it may be stored: removed again should the import fail after all. */
  let made: Pick<ChatDoc, '_id' | 'createdAt'> | null = null;
  try {
    const messages = await insertInBatches(docs, plan.order);
    const slot = await claimChatSlot(userId, id);
    const stored = await insertChat(chat).catch(async (error: unknown) => {
      // Cut while the insert was out: the chat may have landed, its answer lost.
      if (isDatabaseDown(error)) made = { _id: id, createdAt: chat.createdAt };
      await releaseClaimedSlot(slot).catch(() => undefined);
      throw error;
    });
    made = stored;
    // The account deleted meanwhile: nothing of the import stays.
    if (!(await chatStillOwned(owner, id))) {
      await removeLeftovers(owner, id);
      throw notFound('Chat');
    }
    return { chat: stored, messages };
  } catch (error) {
    giveRoomBack();
    // By the messages' own ids, and the chat by its id and creation time: a repeat that took the
    // request's Idempotency-Key over and made the chat first keeps its own.
    await removeUnfinishedChat(made, plan.ids);
    throw error;
  }
}
