import mongoose, { Schema } from '../../../lib/db/mongoose.js';

export type FlagKind = 'stop' | 'yield';

/**
 * A request, from any instance, to the instance holding a generation lease: `stop` its reply (POST
 * /stop, an account deleted or disabled), or `yield`: give its slot up to a new send of its user,
 * which the holder does only while the reply still waits for a reader (reply-detach.ts).
 *
 * Kept apart from the lease: the embedded FerretDB applies an update as a read and a write of the
 * whole document, so a flag written to the lease while its holder renewed it, or noted that its
 * reply waits, was lost (or the holder's write was). A flag is only inserted (its `_id`, kind and
 * token, makes a repeat a no-op) and deleted, and the lease keeps one writer: its holder.
 */
export interface GenerationFlagDoc {
  /** `${kind}:${token}`. */
  _id: string;
  kind: FlagKind;
  token: string;
  /** The instance holding the lease: the one whose stop poll reads the flag. */
  instanceId: string;
  at: Date;
}

const generationFlagSchema = new Schema<GenerationFlagDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    token: { type: String, required: true },
    instanceId: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
generationFlagSchema.index({ instanceId: 1 });
generationFlagSchema.index({ token: 1 });

export const GenerationFlag = mongoose.model<GenerationFlagDoc>(
  'GenerationFlag',
  generationFlagSchema,
  'generation_flags',
);
