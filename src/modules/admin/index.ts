/**
 * The admin module's public entry: the operator routes (accounts, usage, audit) and the roles that
 * ADMIN_EMAILS and `npm run admin` grant.
 */
import { Types } from '../../lib/db/mongoose.js';
import { logger } from '../../lib/logger.js';
import { subscribeToUsers } from '../users/index.js';
import { recordAudit } from './audit.service.js';

export { adminRoutes } from './admin.routes.js';
export { applyAdminEmails, auditNewAccount, promote, roleForEmail } from './roles.js';

// An administrator deleting their account gives up the role first (users' leaveAdministrators):
// the audit keeps that change of role, by the account itself, as it keeps every other. The role
// is given up by then: an entry that cannot be written is logged rather than failing a deletion
// whose retry would not give it up again.
subscribeToUsers('admin', {
  leftAdministrators: (userId) =>
    recordAudit({
      actorKind: 'admin',
      actorId: userId,
      action: 'user.update',
      targetId: new Types.ObjectId(userId),
      before: { role: 'admin' },
      after: { role: 'user' },
    }).catch((error: unknown) =>
      logger.error({ err: error, userId, action: 'user.update' }, 'audit entry not written'),
    ),
});
