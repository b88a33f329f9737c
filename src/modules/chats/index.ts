/**
 * The chats module's public entry: the only file other modules, app.ts and server.ts import.
 * Chats, messages, exchanges (a user message and its reply) and the generation of replies.
 */
import type { InterruptibleWork } from '../../lib/shutdown.js';
import { subscribeToUsers } from '../users/index.js';
import { deleteUserContent } from './chats.cleanup.js';
import { abortAllGenerations, runningGenerations, stopPoller } from './generation/registry.js';

export { chatRoutes } from './chats.routes.js';
export { compatRoutes } from './compat.routes.js';

// The exchange path, for modules that speak other protocols (/v1, the AI SDK stream): the same
// limits, leases, storage and generation runner as POST /api/chats/:id/messages.
export { beginExchange, type Exchange, type ExchangeTarget } from './exchange.service.js';
export { checkMessageRate, takeGenerationSlot } from './exchange.limits.js';
export { clientGoneSignal } from './exchange.controller.js';
export { runGeneration, type GenerationResult } from './generation/generation.runner.js';
export { deleteChat, findOwnedChat, insertChat, newChatDoc } from './chats.service.js';
export type { ChatDoc } from './chat.model.js';
export type { MessageDoc } from './message.model.js';

/** The replies being generated in this process: graceful shutdown waits for them, then cuts them. */
export const generations: InterruptibleWork = {
  running: runningGenerations,
  cutAll: abortAllGenerations,
  stop: stopPoller,
};

// An account's chats, messages and generation leases go with it (see users/user-hooks.ts).
subscribeToUsers('chats', { removeData: deleteUserContent });
