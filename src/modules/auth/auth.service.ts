import { Types } from 'mongoose';
import { config } from '../../lib/config.js';
import { takeBack, takeBackIfCut } from '../../lib/db/insert.js';
import { retryWhileDatabaseAway } from '../../lib/db/write-lock-retry.js';
import { AppError, invalidCredentials, unauthenticated } from '../../lib/errors.js';
import { sessionCredential } from '../../lib/http/request-auth.js';
import { logger } from '../../lib/logger.js';
import * as users from '../users/index.js';
import { toUserJson, type UserDoc } from '../users/index.js';
import type { AuthResultJson } from './auth.schemas.js';
import { RefreshClaim } from './refresh-claim.model.js';
import { insertSession, inSessionsTurn, Session, type SessionDoc } from './session.model.js';
import {
  hashToken,
  newRefreshToken,
  parseRefreshToken,
  signAccessToken,
  successorRefreshToken,
} from './tokens.js';
import { applyAdminEmails, auditNewAccount, roleForEmail } from '../admin/index.js';

/** The published AuthResult, plus the refresh token the controller puts in the cookie. */
export type IssuedTokens = AuthResultJson & { refreshToken: string; refreshExpiresAt: Date };

const wrongEmailOrPassword = () => invalidCredentials('Email or password is incorrect');
const accountDisabled = () =>
  new AppError('ACCOUNT_DISABLED', 'This account is disabled; contact the administrator');

async function openSession(
  user: UserDoc,
  userAgent: string,
  sessionId = new Types.ObjectId(),
): Promise<IssuedTokens> {
  const { REFRESH_TOKEN_TTL_DAYS, ACCESS_TOKEN_TTL_SECONDS } = config();
  const refreshToken = newRefreshToken(String(sessionId));
  const refreshExpiresAt = new Date(Date.now() + REFRESH_TOKEN_TTL_DAYS * 86_400_000);
  // One that landed unanswered would count against the session cap, a session nobody holds.
  await takeBackIfCut(
    insertSession({
      _id: sessionId,
      userId: user._id,
      refreshTokenHash: hashToken(refreshToken),
      expiresAt: refreshExpiresAt,
      userAgent: userAgent.slice(0, 200),
    }),
    () => takeBack('a session', () => Session.deleteOne({ _id: sessionId })),
  );
  // A login that checked the password just before the account was deleted or disabled, or its
  // password changed, must not leave a session (and tokens) behind for it: the account is read
  // again after the insert. A password change revokes the other sessions after it writes the new
  // hash (and before: users/user-hooks.ts), so this read sees the new hash, or that revocation
  // comes after the insert.
  const current = await users.findLoginState(user._id);
  const passwordChanged = current !== null && current.passwordHash !== user.passwordHash;
  if (!current || current.disabled || passwordChanged) {
    await Session.deleteOne({ _id: sessionId });
    if (!current) throw unauthenticated('Account no longer exists');
    throw current.disabled ? accountDisabled() : wrongEmailOrPassword();
  }
  await endSessionsPastCap(user._id, sessionId);
  return {
    user: toUserJson(user),
    accessToken: signAccessToken({ userId: String(user._id), sessionId: String(sessionId) }),
    tokenType: 'Bearer',
    expiresIn: ACCESS_TOKEN_TTL_SECONDS,
    refreshToken,
    refreshExpiresAt,
  };
}

/**
 * A user has at most MAX_SESSIONS_PER_USER live sessions: a login past it revokes the ones used
 * least recently (opened or refreshed longest ago), so logging in over and over cannot grow the
 * sessions collection without end, while the devices in use keep theirs. A revoked session's tabs
 * get 401 on their next request and refresh, and log in again. Best effort: the login has
 * succeeded, and sessions a failure left over are ended by the next login.
 */
async function endSessionsPastCap(userId: Types.ObjectId, opened: Types.ObjectId): Promise<void> {
  try {
    const readAt = new Date();
    const past = await Session.find(
      { userId, _id: { $ne: opened }, revokedAt: null, expiresAt: { $gt: readAt } },
      { _id: 1 },
    )
      .sort({ updatedAt: -1, _id: -1 })
      .skip(config().MAX_SESSIONS_PER_USER - 1)
      .lean();
    if (past.length === 0) return;
    const ids = past.map((session) => session._id);
    await inSessionsTurn(userId, () =>
      Session.updateMany(
        // Not one refreshed since it was read: it is in use again (a refresh sets updatedAt).
        { _id: { $in: ids }, revokedAt: null, updatedAt: { $lte: readAt } },
        { $set: { revokedAt: new Date() } },
      ),
    );
    // The replies of those it ended stop with them, as a logout's do (revokeSession); not those
    // of one refreshed meanwhile, which goes on. Read by `_id` alone and checked in code (the
    // embedded FerretDB scans the collection for any other filter).
    const after = await Session.find({ _id: { $in: ids } }, { revokedAt: 1 }).lean();
    await users.credentialsEnded(
      String(userId),
      after.filter((s) => s.revokedAt !== null).map((s) => sessionCredential(String(s._id))),
    );
  } catch (error) {
    logger.warn({ err: (error as Error).message }, 'could not end the sessions past the cap');
  }
}

export async function signup(
  input: { email: string; password: string; name?: string },
  userAgent: string,
) {
  const userId = new Types.ObjectId();
  const sessionId = new Types.ObjectId();
  // Answered 503, the client signs up again: the account must not be there to answer it 409
  // EMAIL_TAKEN, whichever step the outage cut (the account's insert landing unanswered
  // included). Taken back with its own session, but kept once another session holds it: its
  // owner may have logged in with it while the take-back waited for the database.
  return takeBackIfCut(
    (async () => {
      const user = await users.createUser({
        ...input,
        _id: userId,
        role: roleForEmail(input.email),
      });
      await auditNewAccount(user);
      return openSession(user, userAgent, sessionId);
    })(),
    () =>
      takeBack('a new account', async () => {
        await Session.deleteOne({ _id: sessionId });
        await users.takeBackNewAccount(
          userId,
          async () => (await Session.exists({ userId })) !== null,
        );
      }),
  );
}

export async function login(input: { email: string; password: string }, userAgent: string) {
  const user = await users.checkCredentials(input.email, input.password);
  if (!user) throw wrongEmailOrPassword();
  // Only after the password: the answer must not tell a stranger that an account is disabled.
  if (user.disabled) throw accountDisabled();
  return openSession({ ...user, role: await applyAdminEmails(user) }, userAgent);
}

/**
 * A refresh refused because its session is over (revoked, expired, replayed, account gone): the
 * only refusal after which the client should drop its cookie. A token that merely fails to parse
 * says nothing about the session the browser's real cookie belongs to.
 */
export class SessionEndedError extends AppError {
  constructor(message = 'Refresh token is no longer valid; log in again') {
    super('UNAUTHENTICATED', message, { headers: { 'WWW-Authenticate': 'Bearer' } });
  }
}

/**
 * Rotates the refresh token. The current token of an open session is exchanged for its successor
 * (derived from it, so parallel refreshes agree on it). The token just replaced is accepted for
 * REFRESH_GRACE_SECONDS more and answered with that same successor: a second tab that sent the
 * old cookie a moment after the first is not a thief. Any other token of the session — the
 * previous one after the grace, or an older one — is a replay and revokes the session.
 */
export async function refresh(refreshToken: string | undefined) {
  const parsed = refreshToken ? parseRefreshToken(refreshToken) : null;
  if (!parsed || !refreshToken) throw unauthenticated('Refresh token missing or invalid');
  const now = new Date();
  const presented = hashToken(refreshToken);
  const next = successorRefreshToken(refreshToken);
  const nextHash = hashToken(next);
  const rejected = async () => {
    await revokeSession(parsed.sessionId);
    return new SessionEndedError();
  };
  const session = await Session.findOne({
    _id: parsed.sessionId,
    revokedAt: null,
    expiresAt: { $gt: now },
  }).lean();
  if (!session) throw await rejected();
  const graceMs = config().REFRESH_GRACE_SECONDS * 1000;
  // The presented token is the one replaced last, within the grace.
  const justReplaced =
    session.previousRefreshTokenHash === presented &&
    session.rotatedAt !== null &&
    now.getTime() - session.rotatedAt.getTime() <= graceMs;
  const justRotated = justReplaced && session.refreshTokenHash === nextHash;
  // The token a password change just replaced (renewRefreshToken), within the grace: a refresh
  // another tab sent with it while the change's answer was on its way. Refused, but not a replay:
  // the session goes on, and the browser holds the new cookie by now, so not a 401 either (which
  // a client takes for the session's end): the tab refreshes again.
  if (justReplaced && !justRotated)
    throw new AppError(
      'REFRESH_COOKIE_REPLACED',
      'A password change has just replaced this refresh cookie; refresh again with the new one',
    );
  if (session.refreshTokenHash !== presented && !justRotated) throw await rejected();
  // Counted once the token is known good (a refused one is a 401 and revokes, not a 429); one
  // over the limit keeps the session and its token as they were.
  await users.checkAccountWriteRate(String(session.userId));
  // Read before the rotation, which is the refresh's last write to the database: a refresh that
  // fails after it (the database gone away) would leave the client with the cookie it had while
  // the session holds the successor, and that cookie would count as a replay once the grace is
  // over, logging the user out of every tab. Failing before it leaves the cookie current.
  const user = await users.findUser(String(session.userId));
  if (!user) throw new SessionEndedError('Account no longer exists');
  if (user.disabled) throw new SessionEndedError('This account is disabled');
  if (!justRotated) {
    // Idempotent: a parallel refresh of the same token writes the same values, so either order
    // works, and so does one sent again after the database lost its answer (it applied the
    // rotation, then the connection went). Sent again while the database is away, for as long as
    // the grace: answered 503, the client would keep the cookie it sent, which a session whose
    // rotation landed takes for a replay once the grace is over, logging out every tab.
    const rotated = await retryWhileDatabaseAway(
      'refresh token rotated',
      () =>
        inSessionsTurn(session.userId, () =>
          Session.updateOne(
            { _id: session._id, revokedAt: null, refreshTokenHash: { $in: [presented, nextHash] } },
            {
              $set: {
                refreshTokenHash: nextHash,
                previousRefreshTokenHash: presented,
                rotatedAt: now,
              },
            },
          ),
        ),
      { forMs: graceMs },
    );
    // Logged out (or replayed elsewhere) between the read and the rotation: hand out nothing.
    if (rotated.matchedCount !== 1) throw await rejected();
  } else if (!(await activeSession(String(session._id), String(session.userId)))) {
    // The grace answer writes nothing, so nothing above tells a logout (or a password change)
    // that ended the session after it was read: asked again, by `_id`, once the reads are done.
    throw await rejected();
  }
  return {
    user: toUserJson(user),
    accessToken: signAccessToken({ userId: String(user._id), sessionId: String(session._id) }),
    tokenType: 'Bearer' as const,
    expiresIn: config().ACCESS_TOKEN_TTL_SECONDS,
    refreshToken: next,
    refreshExpiresAt: session.expiresAt,
  };
}

/**
 * `sessionId` comes from a verified token (tokens.ts accepts only 24-hex ids), so it is not checked
 * again. The session's owner is read first (by `_id`), for its turn among the user's session
 * writes; a session that is gone has nothing to revoke.
 */
export async function revokeSession(sessionId: string): Promise<void> {
  const _id = new Types.ObjectId(sessionId);
  const session = await Session.collection.findOne<Pick<SessionDoc, 'userId'>>(
    { _id },
    { projection: { userId: 1 } },
  );
  if (!session) return;
  await inSessionsTurn(session.userId, () =>
    Session.updateOne({ _id, revokedAt: null }, { $set: { revokedAt: new Date() } }),
  );
  // What the session asked for ends with it: a reply it streams (a stolen token's, when a replay
  // revoked it) stops, stored as it is, and can be read after logging in again.
  await users.credentialsEnded(String(session.userId), [sessionCredential(sessionId)]);
}

/**
 * Whether the session behind an access token is still open: not gone, not revoked, not expired,
 * and the token's user's. Read by `_id` alone and compared here, because every authenticated
 * request asks: the primary key serves that lookup on every backend, while the embedded FerretDB
 * scans the whole collection for a filter with any other field.
 */
export async function activeSession(sessionId: string, userId: string): Promise<boolean> {
  // Every authenticated request asks: straight through the driver (the id is checked where the
  // token is read), without the model's query casting.
  const session = await Session.collection.findOne<
    Pick<SessionDoc, 'userId' | 'revokedAt' | 'expiresAt'>
  >(
    { _id: new Types.ObjectId(sessionId) },
    { projection: { userId: 1, revokedAt: 1, expiresAt: 1 } },
  );
  return (
    session !== null &&
    session.userId.equals(userId) &&
    session.revokedAt == null &&
    session.expiresAt > new Date()
  );
}

/**
 * A new refresh token for a session that goes on (its password was changed from it), not derived
 * from the old one: a copy of the old token gets nothing. Within REFRESH_GRACE_SECONDS it is
 * refused without ending the session (another tab's refresh crossing the change); later it is a
 * replay, which ends it. Nothing for a session that has ended or is not the user's.
 */
export async function renewRefreshToken(
  userId: string,
  sessionId: string,
): Promise<{ token: string; expiresAt: Date } | undefined> {
  // By `_id` alone, checked in code: the embedded FerretDB scans the collection for any other filter.
  const session = await Session.collection.findOne<
    Pick<SessionDoc, 'userId' | 'revokedAt' | 'expiresAt' | 'refreshTokenHash'>
  >(
    { _id: new Types.ObjectId(sessionId) },
    { projection: { userId: 1, revokedAt: 1, expiresAt: 1, refreshTokenHash: 1 } },
  );
  if (!session || session.revokedAt !== null || String(session.userId) !== userId) return undefined;
  const token = newRefreshToken(sessionId);
  // The token it replaces is kept as the previous one, for the grace above (refresh).
  await inSessionsTurn(session.userId, () =>
    Session.updateOne(
      { _id: sessionId },
      {
        $set: {
          refreshTokenHash: hashToken(token),
          previousRefreshTokenHash: session.refreshTokenHash,
          rotatedAt: new Date(),
        },
      },
    ),
  );
  return { token, expiresAt: session.expiresAt };
}

/** Ends the user's sessions, all of them or all but one; their tokens are refused from now on. */
export async function revokeSessionsOf(userId: string, exceptSessionId?: string): Promise<void> {
  await inSessionsTurn(userId, () =>
    Session.updateMany(
      {
        userId,
        ...(exceptSessionId === undefined ? {} : { _id: { $ne: exceptSessionId } }),
        revokedAt: null,
      },
      { $set: { revokedAt: new Date() } },
    ),
  );
}

/** Removes every session of the user and its refresh claims (the account is gone). */
export async function forgetSessionsOf(userId: string): Promise<void> {
  const sessionIds = (await Session.find({ userId }, { _id: 1 }).lean()).map((s) => s._id);
  await RefreshClaim.deleteMany({ sessionId: { $in: sessionIds } });
  await Session.deleteMany({ userId });
}
