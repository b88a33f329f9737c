import mongoose, { Schema, type Types } from '../../lib/db/mongoose.js';

/**
 * One of a user's MAX_CHATS_PER_USER numbered chat places; a chat is stored only once it holds one.
 * The `_id` is `<userId>#<n>`, so claiming a place is an insert that MongoDB and FerretDB alike
 * refuse for a place already taken: the cap holds exactly however many requests race (a count
 * before the insert would let them all through, and FerretDB loses `$inc` updates).
 */
export interface ChatSlotDoc {
  _id: string;
  userId: Types.ObjectId;
  n: number;
  chatId: Types.ObjectId;
  createdAt: Date;
}

const chatSlotSchema = new Schema<ChatSlotDoc>(
  {
    _id: String,
    userId: { type: Schema.Types.ObjectId, required: true, index: true },
    n: { type: Number, required: true },
    chatId: { type: Schema.Types.ObjectId, required: true, index: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export const ChatSlot = mongoose.model<ChatSlotDoc>('ChatSlot', chatSlotSchema, 'chat_slots');
