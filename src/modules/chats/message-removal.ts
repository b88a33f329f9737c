import type { Types } from '../../lib/db/mongoose.js';
import { entryOf, moveIntoLedger } from '../usage/index.js';
import { Message, type MessageDoc } from './message.model.js';

/**
 * What the ledger entries of deleted replies still name: `chat` when the chat goes too, `user`
 * (and so the chat) when the account goes.
 */
export interface Unlink {
  chat?: boolean;
  user?: boolean;
}

/** Which messages: a chat's (or some of them, by id), or all of a user's. */
export type MessageScope =
  { chatId: Types.ObjectId; _id?: { $in: Types.ObjectId[] } } | { userId: Types.ObjectId };

type ChargedReply = Pick<MessageDoc, '_id' | 'userId' | 'chatId' | 'createdAt'> &
  Required<Pick<MessageDoc, 'charge'>>;

/** Puts the charges of the replies in scope into the ledger; returns their ids. */
async function moveCharges(scope: MessageScope, unlink: Unlink): Promise<Types.ObjectId[]> {
  const charged = await Message.collection
    .find<ChargedReply>(
      { ...scope, charge: { $ne: null } },
      { projection: { userId: 1, chatId: 1, createdAt: 1, charge: 1 } },
    )
    .toArray();
  await moveIntoLedger(
    charged.map((reply) =>
      entryOf(
        {
          id: reply._id,
          userId: unlink.user ? null : reply.userId,
          chatId: unlink.user || unlink.chat ? null : reply.chatId,
          at: reply.createdAt,
        },
        reply.charge,
      ),
    ),
  );
  return charged.map((reply) => reply._id);
}

/**
 * Deletes messages without losing what their replies cost: a reply's charge (message.model.ts)
 * goes into the ledger first, under the reply's id. A reply that is still streaming may get its
 * charge between the read and the delete, so the delete leaves charged replies it did not read,
 * and a second pass moves those (a reply is charged once, so none is left after it). A streaming
 * reply deleted before its final write finds nothing to write and records its call in the ledger
 * itself (generation.runner.ts). Until the delete lands, the moved tokens are counted on both
 * sides: a budget can refuse a moment early, never late.
 */
export async function deleteMessages(scope: MessageScope, unlink: Unlink = {}): Promise<void> {
  const moved = await moveCharges(scope, unlink);
  await Message.collection.deleteMany({
    ...scope,
    $or: [{ charge: null }, { _id: { $in: moved } }],
  });
  const late = await moveCharges(scope, unlink);
  if (late.length > 0) await Message.collection.deleteMany({ _id: { $in: late } });
}
