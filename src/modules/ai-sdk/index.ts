/** Public entry of the AI SDK (useChat) module. */
import { subscribeToUsers } from '../users/index.js';
import { deleteUserChatLinks } from './ai-sdk.service.js';

export { aiSdkRoutes } from './ai-sdk.routes.js';

// The links from useChat ids to the account's chats go with the account (see users/user-hooks.ts).
subscribeToUsers('ai-sdk', { removeData: deleteUserChatLinks, sweep: deleteUserChatLinks });
