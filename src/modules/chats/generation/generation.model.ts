import mongoose, { Schema, type Types } from '../../../lib/db/mongoose.js';

/**
 * A lease on one of a user's generation slots. The unique (userId, slot) index is what caps
 * concurrent replies across every instance; `expiresAt` lets a crashed instance's leases lapse,
 * and `token` identifies one holder so a late release cannot free a lease someone took over.
 */
export interface GenerationDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  slot: number;
  token: string;
  chatId: Types.ObjectId;
  instanceId: string;
  expiresAt: Date;
  stopRequested: boolean;
  /** Since when its reply has waited for a reader (its client left); null or absent: it is read. */
  waitingSince?: Date | null;
  /**
   * With `stopRequested`: asked only to give its slot up to a new send of its user, which the
   * holder does only while the reply still waits for a reader (reply-detach.ts).
   */
  yieldOnly?: boolean;
}

const generationSchema = new Schema<GenerationDoc>(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    slot: { type: Number, required: true },
    token: { type: String, required: true },
    chatId: { type: Schema.Types.ObjectId, required: true },
    instanceId: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    stopRequested: { type: Boolean, default: false },
    waitingSince: { type: Date, default: null },
    yieldOnly: { type: Boolean },
  },
  { versionKey: false },
);
generationSchema.index({ userId: 1, slot: 1 }, { unique: true });
generationSchema.index({ instanceId: 1, stopRequested: 1 });
generationSchema.index({ userId: 1, chatId: 1 });

export const Generation = mongoose.model<GenerationDoc>(
  'Generation',
  generationSchema,
  'generations',
);
