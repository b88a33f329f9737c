/** Public entry of the AI SDK (useChat) module. */
export { aiSdkRoutes } from './ai-sdk.routes.js';
export { deleteUserChatLinks } from './ai-sdk.service.js';
