import type { z } from 'zod';
import type { BranchMessage } from '../chats/index.js';
import type { StoredUiMessage } from './ai-sdk.schemas.js';

/** A stored message as useChat holds it: its text as one text part, the rest in `metadata`. */
export const toUiMessage = (message: BranchMessage): z.infer<typeof StoredUiMessage> => ({
  id: String(message._id),
  role: message.role,
  parts: [{ type: 'text', text: message.content }],
  metadata: {
    chatId: String(message.chatId),
    parentId: message.parentId ? String(message.parentId) : null,
    createdAt: message.createdAt.toISOString(),
    status: message.status,
    stopReason: message.stopReason ?? null,
    siblingIds: message.siblingIds,
  },
});
