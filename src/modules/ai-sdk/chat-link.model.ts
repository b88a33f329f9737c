import { createHash } from 'node:crypto';
import mongoose, { Schema, Types } from '../../lib/db/mongoose.js';

/**
 * Which of the user's chats a `useChat` id names. The id is chosen by the browser, so it is only
 * meaningful per user: (userId, clientId) is unique, which also settles two first requests racing.
 */
export interface ChatLinkDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  clientId: string;
  chatId: Types.ObjectId;
  createdAt: Date;
}

const chatLinkSchema = new Schema<ChatLinkDoc>(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    clientId: { type: String, required: true },
    chatId: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
chatLinkSchema.index({ userId: 1, clientId: 1 }, { unique: true });
// A chat's deletion removes the links to it (ai-sdk.service deleteChatLinksTo).
chatLinkSchema.index({ chatId: 1 });

export const ChatLink = mongoose.model<ChatLinkDoc>(
  'ChatLink',
  chatLinkSchema,
  'ai_sdk_chat_links',
);

/**
 * A link's `_id`, from its user and useChat id: every useChat message finds its chat by `_id`
 * alone, which every backend serves from its primary key (the embedded FerretDB scans the whole
 * collection for a filter on other fields). Links stored before have ids of their own and are
 * found by their fields.
 */
export const linkIdOf = (userId: string, clientId: string) =>
  new Types.ObjectId(createHash('sha256').update(`${userId}:${clientId}`).digest().subarray(0, 12));
