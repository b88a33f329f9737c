import mongoose, { Schema, type Types } from '../../lib/db/mongoose.js';

/**
 * A personal API key. Only a keyed hash of the key is stored (`hash`, unique: the lookup on every
 * /v1 request). `slot` caps the keys per user across instances the way generation leases cap
 * streams: (userId, slot) is unique, so two concurrent creations can never both take the last one.
 * `passwordStamp` ties the key to the password it was created under: a password change stops it.
 */
export interface ApiKeyDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  slot: number;
  name: string;
  /** The first characters of the key, shown in lists so a user can tell keys apart. */
  prefix: string;
  hash: string;
  passwordStamp: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
}

const apiKeySchema = new Schema<ApiKeyDoc>(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    slot: { type: Number, required: true },
    name: { type: String, required: true },
    prefix: { type: String, required: true },
    hash: { type: String, required: true },
    passwordStamp: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, default: null },
    lastUsedAt: { type: Date, default: null },
  },
  { versionKey: false },
);
apiKeySchema.index({ hash: 1 }, { unique: true });
apiKeySchema.index({ userId: 1, slot: 1 }, { unique: true });

export const ApiKey = mongoose.model<ApiKeyDoc>('ApiKey', apiKeySchema, 'api_keys');
