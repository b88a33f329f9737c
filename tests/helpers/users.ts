import bcrypt from 'bcrypt';
import { inject, vi } from 'vitest';
import mongoose, { Types } from '../../src/lib/db/mongoose.js';
import { config } from '../../src/lib/config.js';
import { Session } from '../../src/modules/auth/session.model.js';
import { hashToken, newRefreshToken, signAccessToken } from '../../src/modules/auth/tokens.js';
import { User, toUserJson, type UserJson } from '../../src/modules/users/user.model.js';
import { uniqueEmail } from './app.js';
import { PASSWORD, PASSWORD_HASH_COST } from './password.js';

export { PASSWORD };

/** A user with an open session, as a client holds it after logging in. */
export interface TestUser {
  id: string;
  email: string;
  password: string;
  /** The user as the API shows it. */
  user: UserJson;
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  auth: { Authorization: string };
}

/**
 * A user and a session inserted directly, for tests that are not about signing up: the same
 * documents and tokens sign-up makes, without a bcrypt hash per user (the hash of PASSWORD is made
 * once per run). A different `password` costs one hash. `db` is another connection (for server
 * processes that share a database); by default the file's own database.
 */
export async function createUser(
  options: {
    label?: string;
    email?: string;
    name?: string;
    password?: string;
    db?: mongoose.Connection;
  } = {},
): Promise<TestUser> {
  const password = options.password ?? PASSWORD;
  const passwordHash =
    password === PASSWORD
      ? inject('passwordHash')
      : await bcrypt.hash(password, PASSWORD_HASH_COST);
  const Users = (
    options.db ? (options.db.models.User ?? options.db.model(User.modelName, User.schema)) : User
  ) as typeof User;
  const doc = await Users.create({
    email: options.email ?? uniqueEmail(options.label),
    name: options.name ?? 'Test User',
    passwordHash,
  });
  const session = await openSession(String(doc._id), options.db);
  return { id: String(doc._id), email: doc.email, password, user: toUserJson(doc), ...session };
}

/** Another session of an existing user, as a second login would open it. */
export async function openSession(userId: string, db?: mongoose.Connection) {
  const Sessions = (
    db ? (db.models.Session ?? db.model(Session.modelName, Session.schema)) : Session
  ) as typeof Session;
  const sessionId = new Types.ObjectId();
  const refreshToken = newRefreshToken(String(sessionId));
  await Sessions.create({
    _id: sessionId,
    userId: new Types.ObjectId(userId),
    refreshTokenHash: hashToken(refreshToken),
    expiresAt: new Date(Date.now() + config().REFRESH_TOKEN_TTL_DAYS * 86_400_000),
    userAgent: 'test fixture',
  });
  const accessToken = signAccessToken({ userId, sessionId: String(sessionId) });
  return {
    sessionId: String(sessionId),
    accessToken,
    refreshToken,
    auth: { Authorization: `Bearer ${accessToken}` },
  };
}

/**
 * Fails, with `error`, every write that would commit an account's deletion (its
 * `deletionCommittedAt`, written after the password and last-administrator checks): nothing of the
 * account has gone yet. Other writes to accounts go through. `mockRestore()` puts it back.
 */
export function failDeletionCommit(error: Error) {
  const update = User.collection.updateOne.bind(User.collection);
  return vi
    .spyOn(User.collection, 'updateOne')
    .mockImplementation((filter, change, ...rest) =>
      (change as { $set?: { deletionCommittedAt?: unknown } }).$set?.deletionCommittedAt instanceof
      Date
        ? Promise.reject(error)
        : update(filter, change, ...rest),
    );
}
