import { AppError, invalidCredentials, unauthenticated } from '../../lib/errors.js';
import { isDuplicateKey } from '../../lib/db/duplicate-key.js';
import { Types } from '../../lib/db/mongoose.js';
import { checkUserRate } from '../../lib/rate-limit/user-rate.js';
import { config } from '../../lib/config.js';
import { logger } from '../../lib/logger.js';
import { burnPasswordCheck, hashPassword, verifyPassword } from './passwords.js';
import { renewSession, runUserHooks, type RenewedRefresh } from './user-hooks.js';
import { beginDeletion } from './accounts.js';
import { finishDeletion, finishInBackground } from './unfinished-deletions.js';
import {
  User,
  inUserTurn,
  toUserJson,
  type Role,
  type UserDoc,
  type UserJson,
} from './user.model.js';

const normaliseEmail = (email: string) => email.trim().toLowerCase();

/**
 * A new account; EMAIL_TAKEN (409) when the email is registered already. `_id` is chosen by the
 * caller, so that it can take the account back should its insert land unanswered (auth.service
 * signup).
 */
export async function createUser(input: {
  _id: Types.ObjectId;
  email: string;
  password: string;
  name?: string;
  role?: Role;
}): Promise<UserDoc> {
  const passwordHash = await hashPassword(input.password);
  try {
    return await User.create({
      _id: input._id,
      email: input.email,
      name: input.name ?? '',
      passwordHash,
      role: input.role ?? 'user',
    });
  } catch (error) {
    if (isDuplicateKey(error)) {
      throw new AppError('EMAIL_TAKEN', 'An account with this email already exists');
    }
    throw error;
  }
}

/**
 * Removes an account its sign-up failed to tell its client of (the database away), unless
 * `inUse` finds it in use by now (its owner logged in with it meanwhile).
 */
export async function takeBackNewAccount(
  _id: Types.ObjectId,
  inUse: () => Promise<boolean>,
): Promise<void> {
  await inUserTurn(_id, async () => {
    if (!(await inUse())) await User.deleteOne({ _id });
  });
}

/**
 * The user with this email and password, or null. An unknown email costs one bcrypt compare as
 * well, so the time taken does not tell which accounts exist.
 */
export async function checkCredentials(email: string, password: string): Promise<UserDoc | null> {
  // A login's reads and writes go straight through the driver: besides bcrypt's compare, they are
  // most of what a login costs the main thread, which shares the cores with bcrypt's threads.
  const user = await User.collection.findOne<UserDoc>({ email: normaliseEmail(email) });
  if (!user) {
    await burnPasswordCheck(password);
    return null;
  }
  return (await verifyPassword(password, user.passwordHash)) ? user : null;
}

export async function findUser(userId: string): Promise<UserDoc | null> {
  return User.findById(userId).lean<UserDoc>();
}

/** What a login checks again once its session is stored: the account is there, enabled, same password. */
export async function findLoginState(
  userId: UserDoc['_id'],
): Promise<Pick<UserDoc, 'disabled' | 'passwordHash'> | null> {
  return User.collection.findOne<Pick<UserDoc, 'disabled' | 'passwordHash'>>(
    { _id: userId },
    { projection: { _id: 0, disabled: 1, passwordHash: 1 } },
  );
}

export async function userExists(userId: UserDoc['_id']): Promise<boolean> {
  return (await User.exists({ _id: userId })) !== null;
}

export async function getUser(userId: string): Promise<UserJson> {
  const user = await findUser(userId);
  if (!user) throw unauthenticated('Account no longer exists');
  return toUserJson(user);
}

/**
 * Writes to the account and its credentials that no password check brakes (a rename, a refresh of
 * the session, an API key made or deleted): ACCOUNT_WRITES_PER_MINUTE per user, so one account,
 * or one stolen access token, cannot write as fast as its connections allow.
 */
export async function checkAccountWriteRate(userId: string): Promise<void> {
  const { ACCOUNT_WRITES_PER_MINUTE: max } = config();
  await checkUserRate(
    'account-writes',
    userId,
    max,
    60_000,
    `At most ${max} account changes per minute; try again shortly`,
  );
}

export async function updateName(userId: string, name: string): Promise<UserJson> {
  await checkAccountWriteRate(userId);
  const user = await inUserTurn(userId, () =>
    User.findByIdAndUpdate(userId, { $set: { name } }, { returnDocument: 'after' }).lean<UserDoc>(),
  );
  if (!user) throw unauthenticated('Account no longer exists');
  return toUserJson(user);
}

async function requirePassword(userId: string, password: string) {
  const user = await findUser(userId);
  if (!user) throw unauthenticated('Account no longer exists');
  // The account is known here, so the message can say which secret was wrong.
  if (!(await verifyPassword(password, user.passwordHash)))
    throw invalidCredentials('The password is incorrect');
  return user;
}

/** Changes the password and ends every other session of the user (the auth module's hook). */
export async function changePassword(
  userId: string,
  sessionId: string,
  current: string,
  next: string,
): Promise<RenewedRefresh | undefined> {
  const user = await findUser(userId);
  if (!user) throw unauthenticated('Account no longer exists');
  if (!(await verifyPassword(current, user.passwordHash))) {
    // A repeat of a change whose answer was lost (the database went away after the new hash was
    // stored): the caller proves the current password all the same. Its remaining steps run
    // again, each finding done what was done, rather than a 401 for the password it just set.
    if (current === next || !(await verifyPassword(next, user.passwordHash)))
      throw invalidCredentials('The password is incorrect');
    await runUserHooks('passwordChanged', userId, sessionId);
    return renewSession(userId, sessionId);
  }
  const passwordHash = await hashPassword(next);
  // The other sessions end before the new password is stored and again after it (see the hook).
  await runUserHooks('passwordChanged', userId, sessionId);
  await inUserTurn(userId, () => User.updateOne({ _id: userId }, { $set: { passwordHash } }));
  await runUserHooks('passwordChanged', userId, sessionId);
  return renewSession(userId, sessionId);
}

/**
 * Deletes the account and everything the modules keep for it, in the steps of UserHooks. Refused
 * or failed before it is committed (beginDeletion), nothing was removed and the owner may retry;
 * once committed, it is finished even when a step fails (unfinished-deletions.ts).
 */
export async function deleteAccount(userId: string, password: string): Promise<void> {
  const user = await requirePassword(userId, password);
  await beginDeletion(user._id);
  try {
    await finishDeletion(user);
  } catch (error) {
    // Its first step ended every session: an error would ask the owner for a retry they could
    // not make, logged out, with the account half removed. It goes on without them.
    logger.warn(
      { err: (error as Error).message },
      'account deletion failed; finishing it in the background',
    );
    finishInBackground(user);
  }
}
