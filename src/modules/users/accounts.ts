import { withLock } from '../../lib/db/lock.js';
import { Types } from '../../lib/db/mongoose.js';
import { AppError } from '../../lib/errors.js';
import type { Credential } from '../../lib/http/request-auth.js';
import { runUserHooks } from './user-hooks.js';
import { inUserTurn, User, type Role, type UserDoc } from './user.model.js';

/**
 * What operators see and change of an account (never its password hash): read by the admin and
 * usage modules through the users module's public entry.
 */
export type Account = Pick<
  UserDoc,
  | '_id'
  | 'email'
  | 'name'
  | 'role'
  | 'disabled'
  | 'tokenBudgetPerDay'
  | 'createdAt'
  | 'deletingUntil'
  | 'deletionCommittedAt'
>;

/** The fields of an account an administrator can change. */
export interface AccountFields {
  role?: Role;
  disabled?: boolean;
  tokenBudgetPerDay?: number | null;
}

const ACCOUNT_FIELDS = {
  email: 1,
  name: 1,
  role: 1,
  disabled: 1,
  tokenBudgetPerDay: 1,
  createdAt: 1,
  deletingUntil: 1,
  deletionCommittedAt: 1,
} as const;

const oid = (id: string | Types.ObjectId) => new Types.ObjectId(String(id));

/** Callers pass ids that were checked where the request came in (or come from the database). */
export async function findAccount(id: string | Types.ObjectId): Promise<Account | null> {
  // Read under every message's generation slot: straight through the driver.
  return User.collection.findOne<Account>({ _id: oid(id) }, { projection: ACCOUNT_FIELDS });
}

export async function findAccountByEmail(email: string): Promise<Account | null> {
  return User.findOne({ email: email.trim().toLowerCase() }, ACCOUNT_FIELDS).lean<Account>();
}

/** Regex-escaped so the search text is matched literally (RE2-safe). */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Newest accounts first, `limit` of them older than `beforeId`; `q` matches email or name. */
export async function listAccounts(options: {
  q?: string;
  role?: Role;
  disabled?: boolean;
  beforeId?: string;
  limit: number;
}): Promise<Account[]> {
  const filter: Record<string, unknown> = {};
  if (options.q) {
    const pattern = { $regex: literal(options.q), $options: 'i' };
    filter.$or = [{ email: pattern }, { name: pattern }];
  }
  // Accounts stored before roles existed have no role field: they are users.
  if (options.role) filter.role = options.role === 'admin' ? 'admin' : { $ne: 'admin' };
  if (options.disabled !== undefined) filter.disabled = options.disabled ? true : { $ne: true };
  if (options.beforeId) filter._id = { $lt: oid(options.beforeId) };
  return User.find(filter, ACCOUNT_FIELDS).sort({ _id: -1 }).limit(options.limit).lean<Account[]>();
}

/** The emails of the accounts that still exist among `ids`. */
export async function emailsOf(ids: (string | Types.ObjectId)[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const users = await User.find({ _id: { $in: ids.map(oid) } }, { email: 1 }).lean();
  return new Map(users.map((u) => [String(u._id), u.email]));
}

/** Active administrators other than `exceptId`. */
export async function countActiveAdmins(exceptId: Types.ObjectId): Promise<number> {
  return User.countDocuments({ _id: { $ne: exceptId }, role: 'admin', disabled: { $ne: true } });
}

/**
 * Role and disabled changes, and an administrator's deletion of their account, run one at a time
 * across instances (a lock in the database): two administrators demoting each other, or one
 * leaving while the other demotes them, cannot leave the service without an active one.
 */
export const ACCOUNTS_LOCK = 'admin:accounts';

/** How long a deletion keeps its account from being promoted, at most (see beginDeletion). */
const DELETION_MARK_MS = 15 * 60_000;

/**
 * Whether the owner's deletion of the account is running (beginDeletion, not yet ended); once
 * committed, until it is finished, however long the database keeps it waiting.
 */
export const isBeingDeleted = (
  account: Pick<UserDoc, 'deletingUntil' | 'deletionCommittedAt'>,
  now = new Date(),
) =>
  account.deletionCommittedAt != null ||
  (account.deletingUntil != null && account.deletingUntil > now);

export const accountBeingDeleted = () =>
  new AppError(
    'ACCOUNT_BEING_DELETED',
    'The owner of this account is deleting it; it cannot be made an administrator',
  );

const lastAdmin = () =>
  new AppError(
    'LAST_ADMIN',
    'This is the last active administrator; promote another one before deleting this account',
  );

/**
 * The account, if an active administrator, gives up the role (under ACCOUNTS_LOCK), refused for
 * the last one.
 */
async function leaveIfActiveAdmin(id: Types.ObjectId): Promise<void> {
  const user = await User.findById(id, { role: 1, disabled: 1 }).lean();
  if (user?.role !== 'admin' || user.disabled) return;
  if ((await countActiveAdmins(id)) === 0) throw lastAdmin();
  await inUserTurn(id, () => User.updateOne({ _id: id }, { $set: { role: 'user' } }));
  await runUserHooks('leftAdministrators', String(id));
}

/**
 * The owner's deletion begins, before anything of the account is removed, under ACCOUNTS_LOCK:
 * the account is marked as being deleted, so no administrator, `npm run admin` or ADMIN_EMAILS
 * can make it an administrator meanwhile (409 ACCOUNT_BEING_DELETED), and then, read again, an
 * active administrator gives up the role: the last one is refused (409 LAST_ADMIN) and keeps it,
 * unmarked, with nothing removed. So another administrator's stepping down never counts on an
 * account that is going, and the deletion never meets LAST_ADMIN once its data is gone.
 *
 * The mark before the read: `npm run admin` and ADMIN_EMAILS promote without the lock, so a
 * promotion landing between a read and the mark would go unseen; promoteToAdmin is refused once
 * the mark is there, and one that landed before it is what the read finds.
 *
 * Once the account may go, the deletion is committed (`deletionCommittedAt`), before anything is
 * removed: its first step ends every session, so from then its owner could not ask again, and
 * whatever fails is finished in the background (unfinished-deletions.ts).
 */
export async function beginDeletion(id: Types.ObjectId): Promise<void> {
  await withLock(ACCOUNTS_LOCK, async () => {
    const deletingUntil = new Date(Date.now() + DELETION_MARK_MS);
    const marked = await inUserTurn(id, () =>
      User.updateOne({ _id: id }, { $set: { deletingUntil } }),
    );
    if (marked.matchedCount === 0) return;
    try {
      await leaveIfActiveAdmin(id);
      await inUserTurn(id, () =>
        User.updateOne({ _id: id }, { $set: { deletionCommittedAt: new Date() } }),
      );
    } catch (error) {
      await abandonDeletion(id).catch(() => undefined);
      throw error;
    }
  });
}

/**
 * A deletion refused or failed before it was committed: the account (a plain user by then) may be
 * promoted again, and is not finished in the background (a commit whose answer was lost).
 */
async function abandonDeletion(id: Types.ObjectId): Promise<void> {
  await inUserTurn(id, () =>
    User.updateOne({ _id: id }, { $set: { deletingUntil: null, deletionCommittedAt: null } }),
  );
}

/**
 * An account that is an active administrator after all (its deletion's mark lapsed, or it was
 * enabled meanwhile) gives up the role again under ACCOUNTS_LOCK, refused when it is the last one.
 */
async function leaveAdministrators(id: Types.ObjectId): Promise<void> {
  await withLock(ACCOUNTS_LOCK, () => leaveIfActiveAdmin(id));
}

/**
 * Deletes the account's document, unless it is an active administrator by then (see
 * leaveAdministrators): the service always keeps an active administrator.
 */
export async function deleteAccountDocument(id: Types.ObjectId): Promise<void> {
  for (;;) {
    const result = await inUserTurn(id, () =>
      User.deleteOne({ _id: id, $or: [{ role: { $ne: 'admin' } }, { disabled: true }] }),
    );
    if (result.deletedCount === 1) return;
    if (!(await User.exists({ _id: id }))) return;
    await leaveAdministrators(id);
  }
}

export async function setAccountFields(id: Types.ObjectId, fields: AccountFields): Promise<void> {
  await inUserTurn(id, () => User.updateOne({ _id: id }, { $set: fields }));
}

/**
 * Makes the account an administrator; false when it already was one (or is gone), 409
 * ACCOUNT_BEING_DELETED while its owner deletes it.
 */
export async function promoteToAdmin(id: Types.ObjectId): Promise<boolean> {
  const now = new Date();
  const result = await inUserTurn(id, () =>
    User.updateOne(
      {
        _id: id,
        role: { $ne: 'admin' },
        deletionCommittedAt: null,
        $or: [{ deletingUntil: null }, { deletingUntil: { $lte: now } }],
      },
      { $set: { role: 'admin' } },
    ),
  );
  if (result.modifiedCount === 1) return true;
  const user = await User.findById(id, {
    role: 1,
    deletingUntil: 1,
    deletionCommittedAt: 1,
  }).lean();
  if (user && user.role !== 'admin' && isBeingDeleted(user, now)) throw accountBeingDeleted();
  return false;
}

/**
 * The account was just disabled: every module ends the ways in it keeps (sessions, running
 * replies), through the `disabled` hook. Its data stays, for when it is enabled again.
 */
export async function endAccessOf(userId: string): Promise<void> {
  await runUserHooks('disabled', userId);
}

/**
 * Some ways into the account ended (sessions, API keys) while it goes on: what they started ends
 * too (their running replies), through the `credentialsEnded` hook.
 */
export async function credentialsEnded(userId: string, credentials: Credential[]): Promise<void> {
  if (credentials.length > 0) await runUserHooks('credentialsEnded', userId, credentials);
}

/**
 * Every way into the account ends (sessions, API keys, running replies), through the `signedOut`
 * hook; the account stays enabled, so its owner logs in again and makes new keys.
 */
export async function signOutEverywhere(userId: string): Promise<void> {
  await runUserHooks('signedOut', userId);
  await runUserHooks('afterSignedOut', userId);
}
