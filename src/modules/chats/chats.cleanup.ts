import { Types } from '../../lib/db/mongoose.js';
import { takeBack } from '../../lib/db/insert.js';
import { forgetChatUsage, unlinkLateEntry } from '../usage/index.js';
import { userExists } from '../users/index.js';
import { Generation } from './generation/generation.model.js';
import { Chat, inChatTurn, type ChatDoc } from './chat.model.js';
import { ChatDeletion } from './chat-deletion.model.js';
import { CLEAR_CONTEXT } from './chat-context.js';
import { ChatSlot } from './chat-slot.model.js';
import { IdempotencyKey } from './idempotency.model.js';
import { releaseChatSlot } from './chats.quota.js';
import { endReplies } from './chats.service.js';
import { deleteMessages } from './message-removal.js';
import { Message } from './message.model.js';
import { ReplyReader } from './reply-reader.model.js';

/**
 * Removes everything a user owns in the chats feature (called when an account is deleted, and once
 * more after the account is gone, for what a request in flight wrote meanwhile).
 */
export async function deleteUserContent(userId: string): Promise<void> {
  const owner = new Types.ObjectId(userId);
  await deleteMessages({ userId: owner }, { user: true });
  await Chat.deleteMany({ userId: owner });
  await Generation.deleteMany({ userId: owner });
  await ChatSlot.deleteMany({ userId: owner });
  await IdempotencyKey.deleteMany({ userId: owner });
  await ReplyReader.deleteMany({ userId: owner });
  // Its chat deletions under way: what they would still remove went above.
  await ChatDeletion.deleteMany({ userId: owner });
}

/**
 * The first step of deleting an account: its messages go, then its replies being generated are
 * stopped and waited for. As when a chat is deleted (deleteChat), a stopped reply's final write
 * then finds nothing, so its stream ends with `error` NOT_FOUND rather than `done` for a reply of
 * an account just deleted, and its call goes into the ledger (generation.runner.ts), which the
 * next step unlinks from the account.
 */
export async function removeMessagesAndEndReplies(userId: string): Promise<void> {
  try {
    await deleteMessages({ userId: new Types.ObjectId(userId) }, { user: true });
  } finally {
    // Stopped even when the messages could not all go (the deletion fails and is retried): the
    // replies do not go on streaming, and costing, for an account being deleted.
    await endReplies(userId);
  }
}

/**
 * The later steps of deleting an account (before and after the user document goes): a reply
 * admitted after the first step's stop (a new chat's first message has no earlier message to
 * find gone) is stopped as the first step stops them, its messages gone first, before its lease
 * and chat go: nobody could stop it once the account is gone. Then everything of the user goes.
 * Not for an exchange's own leftovers (removeLeftovers): its own lease would be among those it
 * waits for.
 */
export async function endRepliesAndDeleteUserContent(userId: string): Promise<void> {
  await removeMessagesAndEndReplies(userId);
  await deleteUserContent(userId);
}

/** Whether the chat and its owner's account both still exist: a deletion may have raced a write. */
export async function chatStillOwned(
  userId: Types.ObjectId,
  chatId: Types.ObjectId,
): Promise<boolean> {
  const [chat, user] = await Promise.all([
    Chat.exists({ _id: chatId, userId }),
    userExists(userId),
  ]);
  return chat !== null && user;
}

/**
 * Removes what a write that raced a deletion left behind: the deleted chat's messages and the link
 * from the usage ledger to it (a reply that ended after its chat was deleted, perhaps stopped only
 * by a poll on another instance, records its tokens after the deletion unlinked the chat's), or,
 * when the account is the one gone, everything of the user again.
 */
export async function removeLeftovers(
  userId: Types.ObjectId,
  chatId: Types.ObjectId,
): Promise<void> {
  if (await userExists(userId)) {
    await deleteMessages({ chatId }, { chat: true });
    await ReplyReader.deleteMany({ chatId });
    await forgetChatUsage(chatId);
  } else await deleteUserContent(String(userId));
}

/**
 * Removes what a request that makes a chat (a new chat's first send, a fork) stored before it
 * failed, the database away: the messages it stored under ids of its own (`messageIds`), then
 * the chat and its place, when it got as far as storing the chat. Tried at once and, while the
 * database does not answer, again every second in the background until it does: a clean-up that
 * runs a moment after the failure usually meets the same outage, and the user would find, once
 * the database is back, a chat they were told was not made, holding none or part of what it was
 * made for and counted against their chats. The chat goes only as this request stored it (its
 * `createdAt`): a repeat that took the request's Idempotency-Key over makes one under the same
 * id, which stays. Resolves once the first try has settled; never fails.
 */
export function removeUnfinishedChat(
  chat: Pick<ChatDoc, '_id' | 'createdAt'> | null,
  messageIds: Types.ObjectId[] = [],
): Promise<void> {
  // What is still to remove: each step is done once, whichever try gets it done.
  let messagesLeft = messageIds.length > 0;
  let chatLeft = chat;
  let slotLeft: Types.ObjectId | null = null;
  const attempt = async () => {
    if (messagesLeft) {
      await Message.collection.deleteMany({ _id: { $in: messageIds } });
      messagesLeft = false;
    }
    if (chatLeft) {
      const { _id, createdAt } = chatLeft;
      const removed = await Chat.collection.deleteOne({ _id, createdAt });
      chatLeft = null;
      // Its place, once the chat that held it is gone (a repeat's chat keeps its own).
      if (removed.deletedCount > 0) slotLeft = _id;
    }
    if (slotLeft) {
      await releaseChatSlot(slotLeft);
      slotLeft = null;
    }
  };
  return takeBack(chat ? `an unfinished chat ${String(chat._id)}` : 'an unfinished chat', attempt);
}

/**
 * Unlinks a ledger entry that landed after its chat was deleted (see unlinkLateEntry). Asked once
 * the entry is in: a deletion that comes later unlinks it itself.
 */
export async function unlinkIfChatGone(
  entryId: Types.ObjectId,
  chatId: Types.ObjectId,
  userId: Types.ObjectId,
): Promise<void> {
  if (!(await Chat.exists({ _id: chatId }))) await unlinkLateEntry(entryId, userId);
}

/**
 * Whether a message that a write just pointed at is still there: the one an exchange stored itself
 * below, or a branch switch's new leaf. Asked once that write is made: a deletion of the branch
 * that removed the message later also finds the write (its pass for late children and its last
 * look at the chat's pointers, branch-edit.service.ts deleteBranch), so of the two, one always
 * sees the other. A plain send whose write of the chat finds no deletion begun since its read
 * need not ask (branch-deletions.ts). By `_id`: the one filter every backend serves by its key.
 */
export async function messageStillThere(messageId: Types.ObjectId): Promise<boolean> {
  return (
    (await Message.collection.findOne({ _id: messageId }, { projection: { _id: 1 } })) !== null
  );
}

/**
 * After a deletion raced an exchange, and one of them removed the exchange's messages: the chat's
 * active leaf and its kept turns (chat-context.ts) must not name any of them. The next send would
 * otherwise answer below a message that is gone and be given the deleted text. The leaf moves to
 * `nextLeaf` (what the deletion chose) or, without one, falls back to the newest message. Read and
 * written by `_id`.
 */
export async function forgetRemovedMessages(
  chatId: Types.ObjectId,
  removed: Types.ObjectId[],
  nextLeaf: Types.ObjectId | null = null,
): Promise<void> {
  const gone = new Set(removed.map(String));
  await inChatTurn(chatId, async () => {
    const chat = await Chat.collection.findOne<Pick<ChatDoc, 'activeLeafId' | 'context'>>(
      { _id: chatId },
      { projection: { activeLeafId: 1, 'context.leafId': 1 } },
    );
    const leafGone = chat?.activeLeafId != null && gone.has(String(chat.activeLeafId));
    const contextGone = chat?.context != null && gone.has(String(chat.context.leafId));
    if (!leafGone && !contextGone) return;
    const unset: Record<string, 1> = contextGone ? { ...CLEAR_CONTEXT } : {};
    if (leafGone && !nextLeaf) unset.activeLeafId = 1;
    await Chat.collection.updateOne(
      { _id: chatId },
      {
        ...(leafGone && nextLeaf ? { $set: { activeLeafId: nextLeaf } } : {}),
        ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}),
      },
    );
  });
}
