import { Types } from 'mongoose';
import { config } from '../../lib/config.js';
import { AppError, unauthenticated } from '../../lib/errors.js';
import { deleteUserContent } from '../chats/chats.cleanup.js';
import { User, toUserJson, type UserJson } from '../users/user.model.js';
import { burnPasswordCheck, hashPassword, verifyPassword } from './passwords.js';
import { claimRefreshToken, RefreshClaim, releaseRefreshClaim } from './refresh-claim.model.js';
import { Session } from './session.model.js';
import { hashToken, newRefreshToken, parseRefreshToken, signAccessToken } from './tokens.js';
import { isDuplicateKey } from '../../lib/db/duplicate-key.js';
import { forgetUserUsage } from '../usage/index.js';
import { applyAdminEmails, roleForEmail } from '../admin/index.js';

export interface IssuedTokens {
  user: UserJson;
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
  refreshExpiresAt: Date;
}

const invalidCredentials = () =>
  new AppError('INVALID_CREDENTIALS', 'Email or password is incorrect');
const accountDisabled = () =>
  new AppError('ACCOUNT_DISABLED', 'This account is disabled; contact the administrator');
const normaliseEmail = (email: string) => email.trim().toLowerCase();

/** Revoked sessions are kept a day (a replayed token still meets its session), expired ones not at all. */
const ENDED_SESSION_KEEP_MS = 86_400_000;

/**
 * Each login clears the user's ended sessions, so the collection stays bounded per user even where
 * the server has no TTL indexes (FerretDB).
 */
async function forgetEndedSessions(userId: Types.ObjectId, now = Date.now()) {
  await Session.deleteMany({
    userId,
    $or: [
      { expiresAt: { $lte: new Date(now) } },
      { revokedAt: { $lte: new Date(now - ENDED_SESSION_KEEP_MS) } },
    ],
  });
}

async function openSession(
  user: Parameters<typeof toUserJson>[0],
  userAgent: string,
): Promise<IssuedTokens> {
  const { REFRESH_TOKEN_TTL_DAYS, ACCESS_TOKEN_TTL_SECONDS } = config();
  const sessionId = new Types.ObjectId();
  const refreshToken = newRefreshToken(String(sessionId));
  const refreshExpiresAt = new Date(Date.now() + REFRESH_TOKEN_TTL_DAYS * 86_400_000);
  await Session.create({
    _id: sessionId,
    userId: user._id,
    refreshTokenHash: hashToken(refreshToken),
    expiresAt: refreshExpiresAt,
    userAgent: userAgent.slice(0, 200),
  });
  await forgetEndedSessions(user._id);
  // A login that checked the password just before the account was deleted (or disabled) must not
  // leave a session (and tokens) behind for it.
  const current = await User.findById(user._id, { disabled: 1 }).lean();
  if (!current || current.disabled) {
    await Session.deleteOne({ _id: sessionId });
    throw current ? accountDisabled() : unauthenticated('Account no longer exists');
  }
  return {
    user: toUserJson(user),
    accessToken: signAccessToken({ userId: String(user._id), sessionId: String(sessionId) }),
    tokenType: 'Bearer',
    expiresIn: ACCESS_TOKEN_TTL_SECONDS,
    refreshToken,
    refreshExpiresAt,
  };
}

export async function signup(
  input: { email: string; password: string; name?: string },
  userAgent: string,
) {
  const passwordHash = await hashPassword(input.password);
  try {
    const user = await User.create({
      email: input.email,
      name: input.name ?? '',
      passwordHash,
      role: roleForEmail(input.email),
    });
    return await openSession(user, userAgent);
  } catch (error) {
    if (isDuplicateKey(error)) {
      throw new AppError('EMAIL_TAKEN', 'An account with this email already exists');
    }
    throw error;
  }
}

export async function login(input: { email: string; password: string }, userAgent: string) {
  const user = await User.findOne({ email: normaliseEmail(input.email) }).lean();
  if (!user) {
    await burnPasswordCheck(input.password);
    throw invalidCredentials();
  }
  if (!(await verifyPassword(input.password, user.passwordHash))) throw invalidCredentials();
  // Only after the password: the answer must not tell a stranger that an account is disabled.
  if (user.disabled) throw accountDisabled();
  return openSession({ ...user, role: await applyAdminEmails(user) }, userAgent);
}

/**
 * Rotates the refresh token. Only the current token of an open session is exchanged, and only once
 * (claimRefreshToken lets exactly one of two parallel refreshes win); presenting a token that was
 * already rotated is a replay and revokes the session.
 */
export async function refresh(refreshToken: string | undefined) {
  const parsed = refreshToken ? parseRefreshToken(refreshToken) : null;
  if (!parsed || !refreshToken) throw unauthenticated('Refresh token missing or invalid');
  const now = new Date();
  const presented = hashToken(refreshToken);
  const rejected = async () => {
    await revokeSession(parsed.sessionId);
    return unauthenticated('Refresh token is no longer valid; log in again');
  };
  const session = await Session.findOne({
    _id: parsed.sessionId,
    revokedAt: null,
    expiresAt: { $gt: now },
  }).lean();
  if (!session || session.refreshTokenHash !== presented) throw await rejected();
  // Lost a race with a parallel refresh of the same token: that one wins, this one is refused
  // without revoking (a replay after the rotation is still caught by the hash check above).
  if (!(await claimRefreshToken(presented, session._id, now)))
    throw unauthenticated('Refresh token was already used');
  const next = newRefreshToken(parsed.sessionId);
  const rotated = await Session.updateOne(
    { _id: session._id, revokedAt: null },
    { $set: { refreshTokenHash: hashToken(next), previousRefreshTokenHash: presented } },
  ).catch(async (error: unknown) => {
    // Not rotated (database unreachable, say): the presented token is still the valid one.
    await releaseRefreshClaim(presented);
    throw error;
  });
  // Logged out between the read and the rotation: the new token must not be handed out.
  if (rotated.matchedCount !== 1) throw await rejected();
  const user = await User.findById(session.userId).lean();
  if (!user || user.disabled) throw unauthenticated('Account no longer exists or is disabled');
  return {
    user: toUserJson(user),
    accessToken: signAccessToken({ userId: String(user._id), sessionId: String(session._id) }),
    tokenType: 'Bearer' as const,
    expiresIn: config().ACCESS_TOKEN_TTL_SECONDS,
    refreshToken: next,
    refreshExpiresAt: session.expiresAt,
  };
}

export async function revokeSession(sessionId: string): Promise<void> {
  if (!Types.ObjectId.isValid(sessionId)) return;
  await Session.updateOne({ _id: sessionId, revokedAt: null }, { $set: { revokedAt: new Date() } });
}

/** The user and session behind an access token, or null when the session is gone or revoked. */
export async function activeSession(sessionId: string, userId: string) {
  return Session.findOne(
    { _id: sessionId, userId, revokedAt: null, expiresAt: { $gt: new Date() } },
    { _id: 1 },
  ).lean();
}

export async function getUser(userId: string): Promise<UserJson> {
  const user = await User.findById(userId).lean();
  if (!user) throw unauthenticated('Account no longer exists');
  return toUserJson(user);
}

export async function updateName(userId: string, name: string): Promise<UserJson> {
  const user = await User.findByIdAndUpdate(
    userId,
    { $set: { name } },
    { returnDocument: 'after' },
  ).lean();
  if (!user) throw unauthenticated('Account no longer exists');
  return toUserJson(user);
}

async function requirePassword(userId: string, password: string) {
  const user = await User.findById(userId).lean();
  if (!user) throw unauthenticated('Account no longer exists');
  // The account is known here, so the message can say which secret was wrong.
  if (!(await verifyPassword(password, user.passwordHash)))
    throw new AppError('INVALID_CREDENTIALS', 'The password is incorrect');
  return user;
}

export async function changePassword(
  userId: string,
  sessionId: string,
  current: string,
  next: string,
) {
  await requirePassword(userId, current);
  await User.updateOne({ _id: userId }, { $set: { passwordHash: await hashPassword(next) } });
  await Session.updateMany(
    { userId, _id: { $ne: sessionId }, revokedAt: null },
    { $set: { revokedAt: new Date() } },
  );
}

export async function deleteAccount(userId: string, password: string) {
  await requirePassword(userId, password);
  // Sessions first: from here on no token of this user is accepted anywhere.
  await Session.updateMany({ userId, revokedAt: null }, { $set: { revokedAt: new Date() } });
  await deleteUserContent(userId);
  await forgetUserUsage(userId);
  await User.deleteOne({ _id: userId });
  const sessionIds = (await Session.find({ userId }, { _id: 1 }).lean()).map((s) => s._id);
  await RefreshClaim.deleteMany({ sessionId: { $in: sessionIds } });
  await Session.deleteMany({ userId });
}
