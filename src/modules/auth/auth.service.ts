import { Types } from 'mongoose';
import { config } from '../../lib/config.js';
import { AppError, unauthenticated } from '../../lib/errors.js';
import { deleteUserContent } from '../chats/chats.cleanup.js';
import { User, toUserJson, type UserJson } from '../users/user.model.js';
import { burnPasswordCheck, hashPassword, verifyPassword } from './passwords.js';
import { Session } from './session.model.js';
import { hashToken, newRefreshToken, parseRefreshToken, signAccessToken } from './tokens.js';

const DUPLICATE_KEY = 11000;

export interface IssuedTokens {
  user: UserJson;
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
  refreshExpiresAt: Date;
}

const invalidCredentials = () => new AppError('INVALID_CREDENTIALS', 'Email or password is incorrect');
const normaliseEmail = (email: string) => email.trim().toLowerCase();

async function openSession(user: Parameters<typeof toUserJson>[0], userAgent: string): Promise<IssuedTokens> {
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
  return {
    user: toUserJson(user),
    accessToken: signAccessToken({ userId: String(user._id), sessionId: String(sessionId) }),
    tokenType: 'Bearer',
    expiresIn: ACCESS_TOKEN_TTL_SECONDS,
    refreshToken,
    refreshExpiresAt,
  };
}

export async function signup(input: { email: string; password: string; name?: string }, userAgent: string) {
  const passwordHash = await hashPassword(input.password);
  try {
    const user = await User.create({ email: input.email, name: input.name ?? '', passwordHash });
    return await openSession(user, userAgent);
  } catch (error) {
    if ((error as { code?: number }).code === DUPLICATE_KEY) {
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
  return openSession(user, userAgent);
}

/**
 * Rotates the refresh token. The compare-and-set on the stored hash lets exactly one of two
 * parallel refreshes win; a token that was already rotated is a replay and revokes the session.
 */
export async function refresh(refreshToken: string | undefined) {
  const parsed = refreshToken ? parseRefreshToken(refreshToken) : null;
  if (!parsed || !refreshToken) throw unauthenticated('Refresh token missing or invalid');
  const now = new Date();
  const presented = hashToken(refreshToken);
  const next = newRefreshToken(parsed.sessionId);
  const session = await Session.findOneAndUpdate(
    { _id: parsed.sessionId, refreshTokenHash: presented, revokedAt: null, expiresAt: { $gt: now } },
    { $set: { refreshTokenHash: hashToken(next), previousRefreshTokenHash: presented } },
    { returnDocument: 'after' },
  ).lean();
  if (!session) {
    await Session.updateOne({ _id: parsed.sessionId, revokedAt: null }, { $set: { revokedAt: now } });
    throw unauthenticated('Refresh token is no longer valid; log in again');
  }
  const user = await User.findById(session.userId).lean();
  if (!user) throw unauthenticated('Account no longer exists');
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
  const user = await User.findByIdAndUpdate(userId, { $set: { name } }, { returnDocument: 'after' }).lean();
  if (!user) throw unauthenticated('Account no longer exists');
  return toUserJson(user);
}

async function requirePassword(userId: string, password: string) {
  const user = await User.findById(userId).lean();
  if (!user) throw unauthenticated('Account no longer exists');
  if (!(await verifyPassword(password, user.passwordHash))) throw invalidCredentials();
  return user;
}

export async function changePassword(userId: string, sessionId: string, current: string, next: string) {
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
  await User.deleteOne({ _id: userId });
  await Session.deleteMany({ userId });
}
