import mongoose, { Schema, type Types } from '../../lib/db/mongoose.js';

/**
 * One document per refresh token exchanged, keyed by the token's hash: how earlier versions let
 * exactly one of two parallel refreshes win. Rotation no longer needs it (the successor token is
 * derived from the presented one, so parallel refreshes agree), and nothing writes it any more;
 * the model stays so that account deletion still clears claims stored by those versions.
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
