/**
 * The users module's public entry: accounts, their credentials and profile, and the hooks other
 * modules subscribe to for what happens to an account (see user-hooks.ts).
 */
export { userRoutes } from './users.routes.js';
export { passwordGate } from './password-gate.js';
export {
  passwordBrakes,
  passwordChecksPerIp,
  rememberNetworkOf,
  targetByEmail,
} from './password-brake.js';
export { subscribeToUsers, type UserHooks } from './user-hooks.js';
export {
  checkAccountWriteRate,
  checkCredentials,
  createUser,
  findLoginState,
  findUser,
  takeBackNewAccount,
  userExists,
} from './users.service.js';
export {
  startUnfinishedDeletionSweep,
  stopUnfinishedDeletionSweep,
} from './unfinished-deletions.js';
export { toUserJson, type Role, type UserDoc, type UserJson } from './user.model.js';
export {
  ACCOUNTS_LOCK,
  accountBeingDeleted,
  countActiveAdmins,
  credentialsEnded,
  emailsOf,
  endAccessOf,
  findAccount,
  findAccountByEmail,
  isBeingDeleted,
  listAccounts,
  promoteToAdmin,
  setAccountFields,
  signOutEverywhere,
  type Account,
  type AccountFields,
} from './accounts.js';
export { displayName, offeredPassword, password, UserSchema } from './users.schemas.js';
