import type { Types } from '../../lib/db/mongoose.js';
import { Chat, inChatTurn, type ChatDoc } from './chat.model.js';

/**
 * Noted on the chat before a branch deletion removes anything (branch-edit.service.ts deleteBranch).
 * A send that read the chat before this and writes it after finds the count moved. A deletion that
 * never ends (it failed, or its process died, after removing messages but before its last look at
 * the chat's pointers) stays under way for good: the chat may still name what it removed, and only
 * the sends' check (messageStillThere) finds that out, so they go on making it.
 */
export async function beginBranchDeletion(chatId: Types.ObjectId): Promise<void> {
  await inChatTurn(chatId, () =>
    Chat.collection.updateOne({ _id: chatId }, { $inc: { 'branchDeletions.begun': 1 } }),
  );
}

/** Noted once the deletion has removed its messages and left the chat naming none of them. */
export async function endBranchDeletion(chatId: Types.ObjectId): Promise<void> {
  await inChatTurn(chatId, () =>
    Chat.collection.updateOne({ _id: chatId }, { $inc: { 'branchDeletions.ended': 1 } }),
  );
}

/**
 * For a plain send that takes the chat's kept turns (which name the message it answers): the
 * branch deletions begun when it read the chat, or null when one was under way then. When its
 * write of the chat finds the same number begun (unchangedSince), no deletion can have removed
 * that message unseen, and the send needs no read of it: a deletion begun after that write finds
 * the send's messages in its passes, and one that ended before the read left no kept turns naming
 * anything it removed (forgetRemovedMessages). Otherwise the send checks (messageStillThere).
 */
export function deletionsBegunWhenRead(chat: Pick<ChatDoc, 'branchDeletions'>): number | null {
  const marks = chat.branchDeletions;
  if (!marks) return 0;
  return marks.begun > (marks.ended ?? 0) ? null : marks.begun;
}

/** Whether the chat as it was before the send's write shows no deletion begun since its read. */
export const unchangedSince = (
  seen: number | null,
  before: Pick<ChatDoc, 'branchDeletions'> | null,
): boolean => seen !== null && (before?.branchDeletions?.begun ?? 0) === seen;
