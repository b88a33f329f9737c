/** Public entry of the AI SDK (useChat) module. */
import { subscribeToChatDeletion } from '../chats/index.js';
import { subscribeToUsers } from '../users/index.js';
import { deleteChatLinksTo, deleteUserChatLinks } from './ai-sdk.service.js';

export { aiSdkRoutes } from './ai-sdk.routes.js';

// The links from useChat ids to the account's chats go with the account (see users/user-hooks.ts).
subscribeToUsers('ai-sdk', { removeData: deleteUserChatLinks, sweep: deleteUserChatLinks });
// …and a link goes with the chat it names.
subscribeToChatDeletion('ai-sdk', deleteChatLinksTo);
