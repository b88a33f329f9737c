import { config } from '../../lib/config.js';
import { Types } from '../../lib/db/mongoose.js';
import { AppError, notFound } from '../../lib/errors.js';
import { limitBytes } from '../../lib/sizes.js';
import { decodeCursor, encodeCursor, invalidCursor } from '../../lib/http/cursor.js';
import type { Page } from '../../lib/http/pagination.js';
import type { ChatTurn } from '../../lib/llm/index.js';
import { Tree, withContent, type Node } from './branch.tree.js';
import type { ObjectIdString } from '../../lib/http/ids.js';
import { Chat, inChatTurn, type ChatDoc } from './chat.model.js';
import { CLEAR_CONTEXT } from './chat-context.js';
import { forgetRemovedMessages, messageStillThere } from './chats.cleanup.js';
import { findOwnedChat } from './chats.service.js';
import { settleStreaming } from './interrupted-replies.js';
import { Message, type MessageDoc } from './message.model.js';
import { liveReply } from './reply-stream.js';
import { hasText } from '../../lib/text.js';

/** A message as a branch read returns it: with its siblings, for "‹ 2/3 ›". */
export type BranchMessage = MessageDoc & { siblingIds: string[] };

/**
 * The newest turns of a path the history budget could ever need (each costs ≥ 5 tokens). Bounded
 * by the budget alone, as the turns a chat keeps are (chat-context.ts): a cap of its own would
 * give the model fewer turns when a send reads the tree than when it reads the kept ones. The tree
 * holds at most MAX_TREE_MESSAGES, and the text read is bounded by what the user may store.
 */
const maxTurns = () => Math.ceil(config().HISTORY_TOKEN_BUDGET / 5);

/**
 * The turns of a path sent upstream: messages with text that did not fail, oldest first.
 * `settled`: none of them is still streaming (a streaming reply gives its text so far, which a
 * copy kept for later sends must not hold: chat-context.ts).
 */
export async function branchTurns(path: Node[]): Promise<{ turns: ChatTurn[]; settled: boolean }> {
  const messages = (await withContent(historyWindow(path))).map(withTextSoFar);
  return {
    turns: messages
      .filter((m) => hasText(m.content) && m.status !== 'error')
      .map((m) => ({ role: m.role, content: m.content })),
    settled: messages.every((m) => m.status !== 'streaming'),
  };
}

/**
 * The newest messages of a path whose text the history budget could use, found by the sizes the
 * tree holds (no text read). A turn of N bytes costs at least N/8 tokens as approxTokens counts
 * (a UTF-16 unit of 1 to 3 bytes costs 1 to 3 quarters), and fitToBudget keeps a suffix whose
 * older turns cost at most the budget: once the messages before the newest one (always kept:
 * the question, or the answer a continue cuts to its tail) pass 8 × budget bytes, none older can
 * be sent. Failed replies are no turns and do not count. Messages without a size (stored before
 * sizes were, or streaming) count 0, so the window is only ever larger than needed.
 */
function historyWindow(path: Node[]): Node[] {
  const candidates = path.slice(-maxTurns());
  const room = 8 * config().HISTORY_TOKEN_BUDGET;
  let start = candidates.length - 1;
  let bytes = 0;
  while (start > 0 && bytes <= room) {
    start -= 1;
    const node = candidates[start]!;
    if (node.status !== 'error') bytes += node.bytes ?? 0;
  }
  return candidates.slice(Math.max(start, 0));
}

/**
 * A reply still streaming in this process, with the text it has streamed so far (what its readers
 * have seen), not its last checkpoint (up to STREAM_CHECKPOINT_MS behind, '' before the first).
 * A continued answer's stream starts with its stored text, so the longer of the two is the newer.
 */
function withTextSoFar<T extends Pick<MessageDoc, '_id' | 'status' | 'content'>>(message: T): T {
  if (message.status !== 'streaming') return message;
  const live = liveReply(String(message._id));
  if (!live || live.length <= message.content.length) return message;
  return { ...message, content: live.text() };
}

export const turnsOf = async (path: Node[]): Promise<ChatTurn[]> => (await branchTurns(path)).turns;

/**
 * Where a new user message goes and what the model is told before it: `parentId` absent follows
 * the active leaf (as a plain send always did; beside it when that is a question without its
 * answer); `null` starts a new first message; otherwise it
 * must be an assistant message of this chat that has finished streaming. The history is the path
 * from the root to that parent, never another branch. Two round trips whatever the depth.
 */
export async function historyFor(
  chat: ChatDoc,
  parentId: string | null | undefined,
  /** A parent the client shows: one no longer in the chat (deleted meanwhile) is the active leaf. */
  { orActiveLeaf = false }: { orActiveLeaf?: boolean } = {},
): Promise<{ turns: ChatTurn[]; parentId: Types.ObjectId | null; settled: boolean }> {
  const tree = await Tree.load(chat._id);
  const named = parentId ? tree.get(parentId) : undefined;
  if (parentId && !named && !orActiveLeaf) throw notFound('Message');
  let parent: Node | undefined;
  if (named) {
    if (named.role !== 'assistant')
      throw new AppError(
        'PARENT_NOT_ASSISTANT',
        'parentId must name an assistant message; to edit a question, send after the answer before it (or null for the first)',
      );
    parent = named;
  } else if (parentId !== null) {
    // None named (or, with orActiveLeaf, one no longer in the chat): the active leaf.
    parent = tree.activeLeaf(chat);
    // A question left without its answer (the answer deleted, a chat forked at a question): the
    // new question goes beside it, as an edit of it would. A question is only ever below an
    // answer, so siblings are always of one role (what `parentId` enforces when it is given).
    if (parent?.role === 'user') parent = tree.get(parent.parentId);
  }
  // A reply still streaming, named or at the end of the active branch, gives the model its text
  // so far (what the sender has read), as a plain send after it does; such a history is not kept
  // on the chat (`settled` false: chat-context.ts).
  if (!parent) return { turns: [], parentId: null, settled: true };
  return { ...(await branchTurns(tree.pathTo(parent._id))), parentId: parent._id };
}

const withSiblings = (tree: Tree, messages: MessageDoc[]): BranchMessage[] =>
  messages.map((m) => {
    const node = tree.get(m._id);
    return { ...m, siblingIds: node ? tree.siblingIds(node) : [String(m._id)] };
  });

/** How a branch read gets the text of the messages it shows, in the order given. */
export type ContentReader = (nodes: Node[]) => Promise<MessageDoc[]>;

async function pageOf(
  tree: Tree,
  nodes: Node[],
  read: ContentReader = withContent,
): Promise<BranchMessage[]> {
  // A reply whose instance died is finished as interrupted on the way, so readers see it final.
  return withSiblings(tree, await settleStreaming(await read(nodes)));
}

/**
 * How many of `nodes` (in the order the page takes them) a page holds: at most `limit`, and it
 * ends with the message that brings its text to PAGE_BYTES_MAX or past it. The first always goes
 * in, so a reply larger than the bound is a page of its own and the pages always move on. Counted
 * by the size each message stores with its text: a reply still streaming counts 0 until its final
 * write (at most MAX_CONCURRENT_STREAMS of them, each within MAX_REPLY_CHARS), as do messages
 * stored before sizes were.
 */
function pageLength(nodes: Node[], limit: number): number {
  const bytesMax = limitBytes(config().PAGE_BYTES_MAX)!;
  let count = 0;
  let bytes = 0;
  for (const node of nodes) {
    if (count >= limit || (count > 0 && bytes >= bytesMax)) break;
    count += 1;
    bytes += node.bytes ?? 0;
  }
  return count;
}

/** The message a branch page's cursor names (the oldest one shown); 400 for any other cursor. */
export const branchCursorMessage = (cursor: string) =>
  decodeCursor(cursor, 'branch', { i: 'id' }).i;

/** A well-formed branch cursor whose message this chat does not hold. */
export const cursorNotInChat = () =>
  invalidCursor(
    "The cursor's message is not in this chat (deleted, or another chat's); load the first page",
  );

/**
 * A page of a branch (the active one, or the one ending at `leafId`), going back from the cursor:
 * the newest page first, each page oldest first. The cursor names the oldest message shown, and
 * the messages before it are the same on every branch through it: the pages that follow stay on
 * the branch the first one showed even when the chat's active branch moves meanwhile, and lose
 * nothing when messages after it are deleted. `activeLeafId` is the chat's own, whichever branch
 * is paged.
 */
export async function branchPage(
  chat: ChatDoc,
  options: { limit?: number; cursor?: string; leafId?: string },
): Promise<BranchPage> {
  return branchPageOf(chat, await Tree.load(chat._id), options, withContent);
}

export type BranchPage = Page<BranchMessage> & { activeLeafId: string | null };

/**
 * branchPage over a tree already in hand, the text of its messages got by `read`: an import
 * answers from the messages it has just stored (chat-import.service.ts), where reading them back
 * would decode every message of every user twice on the embedded FerretDB.
 */
export async function branchPageOf(
  chat: ChatDoc,
  tree: Tree,
  options: { limit?: number; cursor?: string; leafId?: string },
  read: ContentReader,
): Promise<BranchPage> {
  const limit = options.limit ?? config().PAGE_SIZE_MAX;
  const active = tree.activeLeaf(chat);
  const named = options.leafId === undefined ? undefined : tree.get(options.leafId);
  if (options.leafId !== undefined && !named) throw notFound('Message');
  let path: Node[];
  if (options.cursor) {
    const oldestShown = tree.get(branchCursorMessage(options.cursor));
    // Read as the start of the branch, it would answer an empty page that looks like its end.
    if (!oldestShown) throw cursorNotInChat();
    if (named && !tree.pathTo(named._id).includes(oldestShown))
      throw invalidCursor('The cursor belongs to another branch');
    path = tree.pathTo(oldestShown._id).slice(0, -1);
  } else path = tree.pathTo((named ?? active)?._id);
  // Back from the newest: the page ends where its limit or its text's size stops it.
  const start = path.length - pageLength(path.slice(-limit).reverse(), limit);
  const items = await pageOf(tree, path.slice(start), read);
  return {
    items,
    nextCursor: start > 0 ? encodeCursor('branch', { i: String(path[start]!._id) }) : null,
    activeLeafId: active ? String(active._id) : null,
  };
}

/** A page of the branch of one of the user's chats (as `branchPage`): 404 for another's chat. */
export async function ownedBranchPage(
  userId: string,
  chatId: ObjectIdString,
  options: { limit?: number; cursor?: string },
): Promise<Page<BranchMessage>> {
  return branchPage(await findOwnedChat(userId, chatId), options);
}

/** Where the active branch of one of the user's chats ends: a message id, or null when it has none. */
export async function activeLeafIdOf(
  userId: string,
  chatId: ObjectIdString,
): Promise<string | null> {
  const chat = await findOwnedChat(userId, chatId);
  const leaf = (await Tree.load(chat._id)).activeLeaf(chat);
  return leaf ? String(leaf._id) : null;
}

/**
 * The parent of one of the user's messages in the chat: its id, null for a first message, or
 * undefined when the chat holds no such message. By `_id` alone, the rest checked here.
 */
export async function parentOfMessage(
  userId: string,
  chatId: ObjectIdString,
  messageId: ObjectIdString,
): Promise<string | null | undefined> {
  const message = await Message.collection.findOne<
    Pick<MessageDoc, 'chatId' | 'userId' | 'parentId'>
  >({ _id: new Types.ObjectId(messageId) }, { projection: { chatId: 1, userId: 1, parentId: 1 } });
  if (!message || String(message.chatId) !== chatId || String(message.userId) !== userId)
    return undefined;
  return message.parentId ? String(message.parentId) : null;
}

/** A page of every message of every branch, oldest first, after the cursor. */
export async function treePage(
  chat: ChatDoc,
  options: { limit?: number; cursor?: string },
): Promise<Page<BranchMessage>> {
  const limit = options.limit ?? config().PAGE_SIZE_MAX;
  const tree = await Tree.load(chat._id);
  let start = 0;
  if (options.cursor) {
    // Another chat's tree cursor would read as a time here: a page that skips, or looks like the end.
    const c = decodeCursor(options.cursor, 'tree', { t: 'time', i: 'id' }, [String(chat._id)]);
    const t = c.t;
    start = tree.nodes.findIndex(
      (n) => n.createdAt.getTime() > t || (n.createdAt.getTime() === t && String(n._id) > c.i),
    );
    if (start < 0) start = tree.nodes.length;
  }
  const end = start + pageLength(tree.nodes.slice(start, start + limit), limit);
  const slice = tree.nodes.slice(start, end);
  const items = await pageOf(tree, slice);
  const more = end < tree.nodes.length;
  const last = slice.at(-1);
  return {
    items,
    nextCursor:
      more && last
        ? encodeCursor('tree', { t: last.createdAt.getTime(), i: String(last._id) }, [
            String(chat._id),
          ])
        : null,
  };
}

/** PATCH activeLeafId: the branch moves to the newest message at or below the one given. */
export async function switchBranch(
  userId: string,
  chatId: ObjectIdString,
  messageId: string,
  /**
   * The other changes of the same PATCH, made once the leaf is found and before the branch moves:
   * one they refuse (a cap) leaves the branch where it was.
   */
  beforeSwitch?: () => Promise<unknown>,
): Promise<ChatDoc> {
  const chat = await findOwnedChat(userId, chatId);
  const leaf = (await Tree.load(chat._id)).newestLeafBelow(messageId);
  if (!leaf) throw notFound('Message');
  await beforeSwitch?.();
  // The turns kept for the next send were the old branch's (chat-context.ts).
  await inChatTurn(chat._id, () =>
    Chat.updateOne({ _id: chat._id }, { $set: { activeLeafId: leaf._id }, $unset: CLEAR_CONTEXT }),
  );
  // A deletion of that branch may have removed the leaf since it was read. The deletion looks at
  // the pointer once it has removed its messages (branch-edit.service.ts deleteBranch): either it
  // sees this write, or this sees the leaf gone; the chat never points at a deleted message.
  if (!(await messageStillThere(leaf._id))) {
    // Back to the branch the chat showed: without a pointer it would show its newest message,
    // which may be on any branch. That one is checked after the write, as above: a deletion that
    // takes it meanwhile either sees this write or this sees it gone (then the newest it is).
    const shown = chat.activeLeafId ?? null;
    await forgetRemovedMessages(chat._id, [leaf._id], shown);
    if (shown && !(await messageStillThere(shown))) await forgetRemovedMessages(chat._id, [shown]);
    throw notFound('Message');
  }
  return { ...chat, activeLeafId: leaf._id, context: null };
}

/**
 * The active-leaf change of a send: the new reply, once the chat has branched (it has a pointer,
 * or this send names its parent). A chat that never branched keeps none, so its branch stays its
 * newest message whatever wrote it, exactly as before branches existed.
 */
export function branchedAfter(
  chat: Pick<ChatDoc, 'activeLeafId'>,
  parentId: string | null | undefined,
  replyId: Types.ObjectId,
): { activeLeafId?: Types.ObjectId } {
  return chat.activeLeafId || parentId !== undefined ? { activeLeafId: replyId } : {};
}
