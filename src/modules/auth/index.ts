/**
 * The auth module's public entry: sign-up, login, sessions and tokens, and `authenticate`, the
 * middleware behind every `auth: true` route.
 */
import { subscribeToUsers } from '../users/index.js';
import { forgetSessionsOf, renewRefreshToken, revokeSessionsOf } from './auth.service.js';

export { authRoutes } from './auth.routes.js';
export { authenticate } from './auth.middleware.js';
export { activeSession } from './auth.service.js';
export { initSessions } from './session.model.js';
export { startEndedSessionSweep, stopEndedSessionSweep } from './ended-sessions.js';

// A user's sessions end when the password changes, the account is disabled or the account goes
// (see users/user-hooks.ts).
subscribeToUsers('auth', {
  passwordChanged: (userId, keptSessionId) => revokeSessionsOf(userId, keptSessionId),
  sessionRenewed: renewRefreshToken,
  lockOut: (userId) => revokeSessionsOf(userId),
  sweep: forgetSessionsOf,
  disabled: (userId) => revokeSessionsOf(userId),
  signedOut: (userId) => revokeSessionsOf(userId),
});
