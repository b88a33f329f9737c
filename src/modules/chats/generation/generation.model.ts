import mongoose, { Schema, type Types } from '../../../lib/db/mongoose.js';
import type { Credential } from '../../../lib/http/request-auth.js';

/**
 * A lease on one of a user's generation slots. The unique (userId, slot) index is what caps
 * concurrent replies across every instance; `expiresAt` lets a crashed instance's leases lapse,
 * and `token` identifies one holder so a late release cannot free a lease someone took over.
 * Only its holder writes it: requests from other instances are flags (generation-flag.model.ts).
 */
export interface GenerationDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  slot: number;
  token: string;
  chatId: Types.ObjectId;
  instanceId: string;
  expiresAt: Date;
  /** Since when its reply has waited for a reader (its client left); null or absent: it is read. */
  waitingSince?: Date | null;
  /**
   * The session or API key the reply was asked for with: when that one ends and the account goes
   * on (a logout, a deleted key), the reply is stopped. Absent on a lease taken before it was kept.
   */
  startedBy?: Credential | null;
}

const generationSchema = new Schema<GenerationDoc>(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    slot: { type: Number, required: true },
    token: { type: String, required: true },
    chatId: { type: Schema.Types.ObjectId, required: true },
    instanceId: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    waitingSince: { type: Date, default: null },
    startedBy: { type: String, default: null },
  },
  { versionKey: false },
);
generationSchema.index({ userId: 1, slot: 1 }, { unique: true });
generationSchema.index({ userId: 1, chatId: 1 });

export const Generation = mongoose.model<GenerationDoc>(
  'Generation',
  generationSchema,
  'generations',
);
