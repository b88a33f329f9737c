import type { z } from 'zod';
import type { ChatDoc } from './chat.model.js';
import type { BranchMessageSchema, ChatSchema, MessageSchema } from './chats.schemas.js';
import type { MessageDoc } from './message.model.js';

/** The wire types are the published response schemas: a mapper that drifts from them fails to compile. */
export type ChatJson = z.infer<typeof ChatSchema>;
export type MessageJson = z.infer<typeof MessageSchema>;
export type BranchMessageJson = z.infer<typeof BranchMessageSchema>;

/** The only shape of a chat that leaves the server. */
export function toChatJson(chat: ChatDoc): ChatJson {
  return {
    id: String(chat._id),
    title: chat.title,
    pinned: chat.pinned,
    archived: chat.archived,
    model: chat.model,
    systemPrompt: chat.systemPrompt,
    createdAt: chat.createdAt.toISOString(),
    updatedAt: chat.updatedAt.toISOString(),
    lastMessageAt: chat.lastMessageAt.toISOString(),
    ...(chat.activeLeafId ? { activeLeafId: String(chat.activeLeafId) } : {}),
  };
}

/** The only shape of a message that leaves the server (timing and owner stay internal). */
export function toMessageJson(message: MessageDoc): MessageJson {
  return {
    id: String(message._id),
    chatId: String(message.chatId),
    parentId: message.parentId ? String(message.parentId) : null,
    role: message.role,
    content: message.content,
    status: message.status,
    model: message.model ?? null,
    finishReason: message.finishReason ?? null,
    usage: message.usage
      ? {
          promptTokens: message.usage.promptTokens,
          completionTokens: message.usage.completionTokens,
          totalTokens: message.usage.totalTokens,
        }
      : null,
    error: message.error ? { code: message.error.code, message: message.error.message } : null,
    stopReason: message.stopReason ?? null,
    createdAt: message.createdAt.toISOString(),
  };
}

/** A message of a branch read, with its siblings. */
export const toBranchMessageJson = (
  message: MessageDoc & { siblingIds: string[] },
): BranchMessageJson => ({
  ...toMessageJson(message),
  siblingIds: message.siblingIds,
});
