import mongoose, { Schema, type Types } from '../../lib/db/mongoose.js';
import type { AccountFields } from '../users/index.js';

/** Who made a change: an administrator through the API, the `npm run admin` script, or ADMIN_EMAILS. */
export type ActorKind = 'admin' | 'cli' | 'config';

/**
 * One administrative change, kept for operators. Only ids and the changed fields are stored (no
 * email, no name): what is personal is read from the users at display time, so a deleted
 * account leaves no personal data here.
 */
export interface AuditDoc {
  _id: Types.ObjectId;
  actorKind: ActorKind;
  actorId: Types.ObjectId | null;
  /** `user.signOut`: every session, API key and running reply ended (before and after are `{}`). */
  action: 'user.update' | 'user.promote' | 'user.signOut';
  targetId: Types.ObjectId;
  before: AccountFields;
  after: AccountFields;
  requestId: string | null;
  createdAt: Date;
}

const auditSchema = new Schema<AuditDoc>(
  {
    actorKind: { type: String, enum: ['admin', 'cli', 'config'], required: true },
    actorId: { type: Schema.Types.ObjectId, default: null },
    action: { type: String, enum: ['user.update', 'user.promote', 'user.signOut'], required: true },
    targetId: { type: Schema.Types.ObjectId, required: true },
    before: { type: Schema.Types.Mixed, required: true },
    after: { type: Schema.Types.Mixed, required: true },
    requestId: { type: String, default: null },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
auditSchema.index({ targetId: 1 });
auditSchema.index({ actorId: 1 });

export const AuditEntry = mongoose.model<AuditDoc>('AuditEntry', auditSchema, 'audit');
