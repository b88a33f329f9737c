/** Public entry of the API keys module: key management routes and the /v1 authentication. */
import { subscribeToUsers } from '../users/index.js';
import { deleteUserKeys } from './keys.service.js';

export { keyRoutes } from './keys.routes.js';
export { authenticateApiKey, keyOf } from './keys.middleware.js';
export type { KeyIdentity } from './keys.service.js';

// A key is a way into the account: it goes in the first step of a deletion (lockOut), with the
// sessions, so nothing new is written through /v1 while the account's data is removed, and with
// them when an administrator signs the account out. A key made by a request that raced either is
// taken by the step after (sweep, afterSignedOut), or by the request itself, which checks its
// session again once its key is stored (keys.controller.ts). A password change needs no hook:
// each key carries a stamp of the password it was made under, so the lookup refuses it at once on
// every instance (and says why); GET /api/keys removes such keys, POST /api/keys when it needs a
// slot.
subscribeToUsers('keys', {
  lockOut: deleteUserKeys,
  sweep: deleteUserKeys,
  signedOut: deleteUserKeys,
  afterSignedOut: deleteUserKeys,
});
