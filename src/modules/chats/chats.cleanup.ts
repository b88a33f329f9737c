import { Types } from '../../lib/db/mongoose.js';
import { Generation } from './generation/generation.model.js';
import { Chat } from './chat.model.js';
import { ChatSlot } from './chat-slot.model.js';
import { Message } from './message.model.js';

/** Removes everything a user owns in the chats feature (called when an account is deleted). */
export async function deleteUserContent(userId: string): Promise<void> {
  const owner = new Types.ObjectId(userId);
  await Message.deleteMany({ userId: owner });
  await Chat.deleteMany({ userId: owner });
  await Generation.deleteMany({ userId: owner });
  await ChatSlot.deleteMany({ userId: owner });
}
