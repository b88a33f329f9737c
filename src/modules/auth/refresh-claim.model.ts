import mongoose, { Schema, type Types } from '../../lib/db/mongoose.js';
import { isDuplicateKey } from '../../lib/db/duplicate-key.js';

/**
 * One document per refresh token that has been exchanged, keyed by the token's hash. Inserting it
 * is the compare-and-set of rotation: a duplicate `_id` is refused atomically by MongoDB and by
 * FerretDB alike, whereas FerretDB's findAndModify is not atomic (two parallel refreshes both won).
 */
interface RefreshClaimDoc {
  _id: string;
  sessionId: Types.ObjectId;
  createdAt: Date;
}

const refreshClaimSchema = new Schema<RefreshClaimDoc>(
  {
    _id: String,
    sessionId: { type: Schema.Types.ObjectId, required: true, index: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export const RefreshClaim = mongoose.model<RefreshClaimDoc>(
  'RefreshClaim',
  refreshClaimSchema,
  'refresh_claims',
);

/** Longer than any request can take; once the session holds the next hash, old claims are not needed. */
const CLAIM_KEEP_MS = 60_000;

/** True for the one caller that exchanges this token first; false for every later or parallel one. */
export async function claimRefreshToken(
  tokenHash: string,
  sessionId: Types.ObjectId,
  now = new Date(),
): Promise<boolean> {
  try {
    await RefreshClaim.create({ _id: tokenHash, sessionId, createdAt: now });
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
  // Rotation detects later replays by the hash alone, so claims only matter during the race.
  // Best effort: a failure here must not fail a refresh whose claim already stands.
  await RefreshClaim.deleteMany({
    sessionId,
    createdAt: { $lt: new Date(now.getTime() - CLAIM_KEEP_MS) },
  }).catch(() => undefined);
  return true;
}

/** Gives a claimed token back when its rotation could not be written, so the client can retry with it. */
export async function releaseRefreshClaim(tokenHash: string): Promise<void> {
  await RefreshClaim.deleteOne({ _id: tokenHash }).catch(() => undefined);
}
