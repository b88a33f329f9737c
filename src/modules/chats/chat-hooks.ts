import type { Types } from '../../lib/db/mongoose.js';

/**
 * What other modules keep per chat goes with the chat (the AI SDK module's links to it): each
 * subscribes here, so the chats module imports none of them (as users/user-hooks.ts does for
 * accounts).
 */
const forgetters = new Map<string, (chatId: Types.ObjectId) => Promise<void>>();

/** Subscribes a module (by name, so subscribing twice replaces rather than doubles). */
export function subscribeToChatDeletion(
  module: string,
  forget: (chatId: Types.ObjectId) => Promise<void>,
): void {
  forgetters.set(module, forget);
}

/** Called by a chat's deletion once the chat is gone: every subscriber forgets it, in turn. */
export async function forgetDeletedChat(chatId: Types.ObjectId): Promise<void> {
  for (const forget of forgetters.values()) await forget(chatId);
}
