import type { ChatDoc } from './chat.model.js';
import type { MessageDoc } from './message.model.js';

/** The only shape of a chat that leaves the server. */
export function toChatJson(chat: ChatDoc) {
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
  };
}

/** The only shape of a message that leaves the server (timing and owner stay internal). */
export function toMessageJson(message: MessageDoc) {
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
    createdAt: message.createdAt.toISOString(),
  };
}

export type ChatJson = ReturnType<typeof toChatJson>;
export type MessageJson = ReturnType<typeof toMessageJson>;
