/** Public entry of the API keys module. */
export { keyRoutes } from './keys.routes.js';
export { authenticateApiKey, keyOf } from './keys.middleware.js';
export { deleteUserKeys } from './keys.service.js';
export type { KeyIdentity } from './keys.service.js';
