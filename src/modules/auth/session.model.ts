import { insertThroughSchema, type Insertable } from '../../lib/db/insert.js';
import mongoose, { Schema, type Types } from '../../lib/db/mongoose.js';
import { ensureTtlIndex } from '../../lib/db/ttl.js';
import { documentKey, writeInTurn } from '../../lib/db/writes-in-turn.js';

/**
 * A login. Access tokens name it (`sid`), so revoking it here rejects them at once on every
 * instance. Only a hash of the current refresh token is kept; the previous one is remembered to
 * recognise a late second tab (within the grace period) or a replay (after it), which revokes
 * the whole session.
 */
export interface SessionDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  refreshTokenHash: string;
  previousRefreshTokenHash: string | null;
  /** When the current refresh token replaced the previous one (the grace period starts here). */
  rotatedAt: Date | null;
  expiresAt: Date;
  revokedAt: Date | null;
  userAgent: string;
  createdAt: Date;
  updatedAt: Date;
}

const sessionSchema = new Schema<SessionDoc>(
  {
    userId: { type: Schema.Types.ObjectId, required: true, index: true },
    refreshTokenHash: { type: String, required: true },
    previousRefreshTokenHash: { type: String, default: null },
    rotatedAt: { type: Date, default: null },
    expiresAt: { type: Date, required: true },
    revokedAt: { type: Date, default: null },
    userAgent: { type: String, default: '' },
  },
  { timestamps: true, versionKey: false },
);

export const Session = mongoose.model<SessionDoc>('Session', sessionSchema);

/** A new session: what a login knows; the rotation and revocation fields start empty. */
export type NewSessionDoc = Insertable<
  Omit<SessionDoc, 'createdAt' | 'updatedAt'>,
  'previousRefreshTokenHash' | 'rotatedAt' | 'revokedAt' | 'userAgent'
>;

/** The one write path of a new session (see insertThroughSchema), with its timestamps. */
export function insertSession(session: NewSessionDoc): Promise<SessionDoc> {
  const now = new Date();
  return insertThroughSchema(Session, { ...session, createdAt: now, updatedAt: now });
}

/**
 * Every update of a user's sessions goes through here: on the embedded database, this process's
 * updates of them go one after another (writeInTurn), so a refresh's rotation written at the same
 * moment as a logout (or a password change's revocation) can never undo it.
 */
export const inSessionsTurn = <T>(userId: unknown, write: () => PromiseLike<T>): Promise<T> =>
  writeInTurn(documentKey('sessions of user', userId), write);

/**
 * MongoDB drops expired sessions itself (this TTL index); ended-sessions.ts sweeps them, and the
 * long-revoked ones, on every backend.
 */
export const initSessions = () => ensureTtlIndex(Session, 'expiresAt');
