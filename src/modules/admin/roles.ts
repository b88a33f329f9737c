import { config } from '../../lib/config.js';
import { AppError } from '../../lib/errors.js';
import type { Types } from '../../lib/db/mongoose.js';
import { promoteToAdmin, type Role } from '../users/index.js';
import type { ActorKind } from './audit.model.js';
import { recordAudit, recordAuditOfDone, withdrawAudit } from './audit.service.js';

/** Sign-up: an address listed in ADMIN_EMAILS starts as an administrator. */
export const roleForEmail = (email: string): Role =>
  config().adminEmails.includes(email.trim().toLowerCase()) ? 'admin' : 'user';

/** Sign-up: an account that started as an administrator (ADMIN_EMAILS) is in the audit too. */
export async function auditNewAccount(user: { _id: Types.ObjectId; role?: Role }): Promise<void> {
  if (user.role !== 'admin') return;
  // The account exists by then (a retry of the sign-up would find its email taken).
  await recordAuditOfDone({
    actorKind: 'config',
    action: 'user.promote',
    targetId: user._id,
    before: {},
    after: { role: 'admin' },
  });
}

/** Makes a user an administrator (recorded in the audit); false when they already were one. */
export async function promote(
  user: { _id: Types.ObjectId; role?: Role },
  actorKind: ActorKind,
): Promise<boolean> {
  if (user.role === 'admin') return false;
  // The entry first, as for every change (admin.service.ts updateUser): taken back when nothing
  // changed, so a promotion is never stored without one.
  const entry = await recordAudit({
    actorKind,
    action: 'user.promote',
    targetId: user._id,
    before: { role: user.role ?? 'user' },
    after: { role: 'admin' },
  });
  let promoted = false;
  try {
    promoted = await promoteToAdmin(user._id);
  } finally {
    if (!promoted) await withdrawAudit(entry);
  }
  return promoted;
}

/**
 * Login: an address listed in ADMIN_EMAILS is made an administrator, so adding an address to the
 * list takes effect at that user's next login. Returns the role the user has now.
 */
export async function applyAdminEmails(user: {
  _id: Types.ObjectId;
  email: string;
  role?: Role;
}): Promise<Role> {
  if (user.role === 'admin' || roleForEmail(user.email) !== 'admin') return user.role ?? 'user';
  try {
    await promote(user, 'config');
  } catch (error) {
    // A login while the owner deletes the account: it stays what it was.
    if (error instanceof AppError && error.code === 'ACCOUNT_BEING_DELETED')
      return user.role ?? 'user';
    throw error;
  }
  return 'admin';
}
