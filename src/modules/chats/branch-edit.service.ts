import { config } from '../../lib/config.js';
import { Types } from '../../lib/db/mongoose.js';
import { AppError, notFound } from '../../lib/errors.js';
import type { ObjectIdString } from '../../lib/http/ids.js';
import { characterCount, cutCharacters } from '../../lib/text.js';
import { beginBranchDeletion, endBranchDeletion } from './branch-deletions.js';
import { Tree, withContent } from './branch.tree.js';
import { Chat, inChatTurn, type ChatDoc } from './chat.model.js';
import { CLEAR_CONTEXT } from './chat-context.js';
import {
  chatStillOwned,
  forgetRemovedMessages,
  removeLeftovers,
  removeUnfinishedChat,
} from './chats.cleanup.js';
import { ensureRoom, forgetKnownRoom, textBytes } from './chats.quota.js';
import { checkChatWriteRate, createChat, findOwnedChat, newChatBytes } from './chats.service.js';
import { insertMessages, Message, type NewMessageDoc } from './message.model.js';
import { deleteMessages } from './message-removal.js';

const streaming = () =>
  new AppError(
    'MESSAGE_STREAMING',
    'A reply on that branch is still being generated; wait for it to end or stop it first',
  );

/**
 * "Title (fork)", within the title limit, counted in characters as the limit is. A long title is
 * cut before the suffix, which stays whole; a limit with no room for even one character of the
 * title beside "… (fork)" keeps the title alone, cut to it.
 */
function forkTitle(title: string): string {
  const suffix = ' (fork)';
  const max = config().MAX_TITLE_CHARS;
  if (characterCount(title) + suffix.length <= max) return `${title}${suffix}`;
  const room = max - suffix.length - 1;
  if (room < 1) return cutCharacters(title, max);
  return `${cutCharacters(title, room).trimEnd()}…${suffix}`;
}

/**
 * A new chat holding a copy of the branch from the root to `messageId` (its leaf and active end),
 * with the original's model and system prompt. Counted as a chat write and against the caps.
 */
export async function forkChat(
  userId: string,
  chatId: ObjectIdString,
  messageId: string,
  /** The new chat's id (an Idempotency-Key names it). */
  id = new Types.ObjectId(),
): Promise<ChatDoc> {
  const source = await findOwnedChat(userId, chatId);
  const tree = await Tree.load(source._id);
  if (!tree.get(messageId)) throw notFound('Message');
  const path = tree.pathTo(messageId);
  if (path.some((n) => n.status === 'streaming')) throw streaming();
  await checkChatWriteRate(userId);
  const messages = await withContent(path);
  // A deletion of the branch since the tree was read: a copy of what is left would be cut short.
  if (messages.length < path.length) throw notFound('Message');
  // A continue that claimed an answer since the tree was read: a copy would stay `streaming` with
  // no generation behind it (later settled as interrupted, a call charged that was never made).
  if (messages.some((m) => m.status === 'streaming')) throw streaming();
  const input = {
    title: forkTitle(source.title),
    model: source.model,
    systemPrompt: source.systemPrompt,
  };
  await ensureRoom(userId, {
    chats: 1,
    messages: messages.length,
    bytes: newChatBytes(input) + messages.reduce((sum, m) => sum + textBytes(m.content), 0),
  });
  const ids = new Map(messages.map((m) => [String(m._id), new Types.ObjectId()]));
  const copies: NewMessageDoc[] = messages.map((m) => ({
    _id: ids.get(String(m._id))!,
    chatId: id,
    userId: new Types.ObjectId(userId),
    parentId: m.parentId ? (ids.get(String(m.parentId)) ?? null) : null,
    role: m.role,
    content: m.content,
    bytes: textBytes(m.content),
    status: m.status,
    model: m.model,
    finishReason: m.finishReason,
    usage: m.usage,
    error: m.error,
    stopReason: m.stopReason ?? null,
    ttftMs: m.ttftMs,
    durationMs: m.durationMs,
    createdAt: m.createdAt,
  }));
  const leafId = copies.at(-1)?._id ?? null;
  let chat: ChatDoc | null = null;
  try {
    // The copies first, then the chat that makes them reachable, pointing at the copied leaf: a
    // failure in between (the database away) leaves only messages nobody sees, which the clean-up
    // below removes, never a "(fork)" chat holding part of the branch, or none of it. Its
    // lastMessageAt is its creation time, not its copied question's: the list puts the chat just
    // made first, as the user expects to find it, not among chats of the original's day.
    if (copies.length > 0) await insertMessages(copies);
    chat = await createChat(userId, input, undefined, id, undefined, leafId);
    // The account deleted meanwhile: nothing of the copy stays.
    if (!(await chatStillOwned(chat.userId, chat._id))) {
      await removeLeftovers(chat.userId, chat._id);
      throw notFound('Chat');
    }
    return chat;
  } catch (error) {
    // A half-made copy is not left behind, also when the database is still away: retried until
    // it answers. By the copies' own ids: a repeat with the same Idempotency-Key that took the
    // key over copies under the same chat id.
    await removeUnfinishedChat(chat, [...ids.values()]);
    throw error;
  }
}

/**
 * Deletes a message and everything below it. When the active branch ran through it, the branch
 * moves to the newest remaining sibling (to the newest message below it), else to the parent.
 */
export async function deleteBranch(
  userId: string,
  chatId: ObjectIdString,
  messageId: string,
): Promise<void> {
  const chat = await findOwnedChat(userId, chatId);
  // Before the tree is read: a plain send that reads the chat from now on, or writes it after
  // this, checks that the message it answers is still there; one that wrote it before stored its
  // messages before the read, and they are deleted with the branch (branch-deletions.ts).
  await beginBranchDeletion(chat._id);
  const { tree, node, ids } = await branchToDelete(userId, chat._id, messageId).catch(
    async (refusal: unknown) => {
      // Nothing removed: the sends to this chat need not go on checking.
      await endBranchDeletion(chat._id);
      throw refusal;
    },
  );
  const gone = new Set(ids.map(String));
  const active = tree.activeLeaf(chat);
  let set: { activeLeafId: Types.ObjectId } | null = null;
  let unset = false;
  if (!active || gone.has(String(active._id))) {
    const parentId = node.parentId ? String(node.parentId) : null;
    const sibling = tree
      .childrenOf(parentId)
      .filter((n) => !gone.has(String(n._id)))
      .at(-1);
    const next = sibling ? tree.newestLeafBelow(sibling._id) : tree.get(parentId);
    if (next) set = { activeLeafId: next._id };
    else unset = true;
  }
  // The pointer moves first: a failure in between leaves a branch to delete again, never a chat
  // pointing at nothing (which would fall back to its newest message anyway).
  // The turns kept for the next send (chat-context.ts) end at the active leaf: they go with it.
  // A branch off the active one leaves them as they are (none of its messages is on the path).
  if (set || unset)
    await inChatTurn(chat._id, () =>
      Chat.updateOne(
        { _id: chat._id },
        set
          ? { $set: set, $unset: CLEAR_CONTEXT }
          : { $unset: { activeLeafId: 1, ...CLEAR_CONTEXT } },
      ),
    );
  await deleteMessages({ chatId: chat._id, _id: { $in: ids } });
  // Once more, level by level, for exchanges that stored themselves below the branch while this
  // ran: they would be left without a parent. An exchange checks its parent once its messages are
  // in and its chat written (chats.cleanup.ts messageStillThere) unless it wrote the chat before
  // this deletion began (branch-deletions.ts), so one that found it still there is found here;
  // those found may have pointed the chat at themselves.
  const late: Types.ObjectId[] = [];
  let below = ids;
  for (let level = 0; level < LATE_LEVELS && below.length > 0; level += 1) {
    const found = await Message.find({ chatId: chat._id, parentId: { $in: below } }, { _id: 1 })
      .limit(config().MAX_TREE_MESSAGES)
      .lean<{ _id: Types.ObjectId }[]>();
    below = found.map((m) => m._id);
    if (below.length > 0) await deleteMessages({ chatId: chat._id, _id: { $in: below } });
    late.push(...below);
  }
  // Also when none was late: a branch switch that read the tree before this removed the branch may
  // have pointed the chat into it meanwhile (branch.service.ts switchBranch checks the other order).
  const stillActive = active && !gone.has(String(active._id)) ? active._id : null;
  await forgetRemovedMessages(chat._id, [...ids, ...late], set?.activeLeafId ?? stillActive);
  // The room they took is free at once here, as a deleted chat's is (chats.quota.ts).
  forgetKnownRoom(userId);
  // Only once the chat names none of them. A deletion that fails before this stays under way for
  // good: the chat may still name what it removed, so sends to it keep checking.
  await endBranchDeletion(chat._id);
}

/** The message to delete and its subtree, unless the deletion is refused. */
async function branchToDelete(userId: string, chatId: Types.ObjectId, messageId: string) {
  const tree = await Tree.load(chatId);
  const node = tree.get(messageId);
  if (!node) throw notFound('Message');
  const ids = tree.subtreeIds(node._id);
  if (ids.some((id) => tree.get(id)?.status === 'streaming')) throw streaming();
  await checkChatWriteRate(userId);
  return { tree, node, ids };
}

/**
 * How deep the pass for late children goes: each exchange below a deleted message checks its own
 * parent, so this only has to reach the exchanges that checked before their parent went, a few
 * levels at most (a question and its reply, and a follow-up sent meanwhile).
 */
const LATE_LEVELS = 8;
