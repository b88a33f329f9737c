import type { Types } from '../../src/lib/db/mongoose.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { UsageEntry, type UsageEntryDoc } from '../../src/modules/usage/usage.model.js';

type Where = { userId?: Types.ObjectId | string | null; chatId?: Types.ObjectId | string | null };

/** The ledger entries the filter names. */
export const ledgerEntries = (where: Where) => UsageEntry.find(where).lean<UsageEntryDoc[]>();

/** The charges replies hold (message.model.ts `charge`), as the ledger entries they stand for. */
export async function chargesOnReplies(where: Where): Promise<UsageEntryDoc[]> {
  const replies = await Message.find({ ...where, charge: { $ne: null } }).lean();
  return replies.map((reply) => ({
    _id: reply._id,
    userId: reply.userId,
    chatId: reply.chatId,
    kind: 'reply',
    createdAt: reply.createdAt,
    ...reply.charge!,
  }));
}

/**
 * Every model call's charge the filter names, oldest first, wherever it is kept: the ledger's
 * entries and the replies' own charges. Totals and budgets sum exactly these.
 */
export async function chargesWhere(where: Where): Promise<UsageEntryDoc[]> {
  const [ledger, held] = await Promise.all([ledgerEntries(where), chargesOnReplies(where)]);
  return [...ledger, ...held].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}
