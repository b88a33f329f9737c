/** Public entry of the chats module: what other modules may use. */
export { beginExchange, type Exchange, type ExchangeTarget } from './exchange.service.js';
export { checkMessageRate, takeGenerationSlot } from './exchange.limits.js';
export { clientGoneSignal } from './exchange.controller.js';
export { runGeneration, type GenerationResult } from './generation.runner.js';
export { deleteChat, findOwnedChat, insertChat, newChatDoc } from './chats.service.js';
export type { ChatDoc } from './chat.model.js';
export type { MessageDoc } from './message.model.js';
