import mongoose, { Schema, type Types } from '../../lib/db/mongoose.js';

/**
 * A chat's deletion, stored before anything of the chat is removed and removed once all of it is
 * (chat-deletion.ts): a deletion whose instance stopped, or whose database stayed away, is found
 * here and finished by any instance's sweep. A collection of its own, holding only the deletions
 * under way, so the sweep's read stays small where the embedded FerretDB scans (a filter on the
 * chats would read them all).
 */
export interface ChatDeletionDoc {
  /** The chat's id: a repeated deletion of the chat finds its record taken. */
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  committedAt: Date;
}

const chatDeletionSchema = new Schema<ChatDeletionDoc>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true, index: true },
    committedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export const ChatDeletion = mongoose.model<ChatDeletionDoc>(
  'ChatDeletion',
  chatDeletionSchema,
  'chat_deletions',
);
