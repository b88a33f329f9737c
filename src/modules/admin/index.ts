/**
 * The admin module's public entry: the operator routes (accounts, usage, audit) and the roles that
 * ADMIN_EMAILS and `npm run admin` grant.
 */
import { Types } from '../../lib/db/mongoose.js';
import { subscribeToUsers } from '../users/index.js';
import { recordAuditOfDone } from './audit.service.js';

export { adminRoutes } from './admin.routes.js';
export { applyAdminEmails, auditNewAccount, promote, roleForEmail } from './roles.js';

// An administrator deleting their account gives up the role first (users' beginDeletion):
// the audit keeps that change of role, by the account itself, as it keeps every other. The role
// is given up by then (a retry of the deletion would not give it up again).
subscribeToUsers('admin', {
  leftAdministrators: (userId) =>
    recordAuditOfDone({
      actorKind: 'admin',
      actorId: userId,
      action: 'user.update',
      targetId: new Types.ObjectId(userId),
      before: { role: 'admin' },
      after: { role: 'user' },
    }),
});
