import mongoose, { Schema, type Types } from '../../lib/db/mongoose.js';

/**
 * That a reader on another instance follows a reply, and until when it said so (reply-follower.ts
 * renews it while it polls); the generating instance keeps a reply whose own client left going
 * while it is in the future (reply-detach.ts).
 *
 * Kept apart from the reply's message: the embedded FerretDB runs an update as a read and a write
 * of the whole document, not atomically, so a reader's heartbeat written to the message could put
 * back the text and status it read over a checkpoint or the final write that landed in between.
 * The message has one writer while it streams; this document has the readers.
 */
export interface ReplyReaderDoc {
  /** The reply's id. */
  _id: Types.ObjectId;
  chatId: Types.ObjectId;
  userId: Types.ObjectId;
  until: Date;
}

const replyReaderSchema = new Schema<ReplyReaderDoc>(
  {
    chatId: { type: Schema.Types.ObjectId, required: true, index: true },
    userId: { type: Schema.Types.ObjectId, required: true, index: true },
    until: { type: Date, required: true },
  },
  { versionKey: false },
);

/**
 * How often a reader renews its heartbeat: well within the grace, so the generating instance never
 * sees it lapse while the reader is there. A lapsed heartbeat's client therefore left between
 * `grace − this` and `grace` before.
 */
export const heartbeatEveryMs = (graceMs: number) => Math.max(250, Math.min(graceMs / 3, 10_000));

export const ReplyReader = mongoose.model<ReplyReaderDoc>(
  'ReplyReader',
  replyReaderSchema,
  'reply_readers',
);

/**
 * Removes the heartbeats that have lapsed (a reader that left mid-reply; one that saw the reply
 * end removes its own). A lapsed one means the same as none (reply-detach.ts), and the generating
 * instances read this collection for their followers every RESUME_POLL_MS (remote-followers.ts),
 * which the embedded FerretDB does by scanning it: it is kept to the readers of now.
 */
export async function forgetLapsedReaders(now = new Date()): Promise<number> {
  const { deletedCount } = await ReplyReader.collection.deleteMany({ until: { $lt: now } });
  return deletedCount;
}

/**
 * Removes the heartbeat left on an answer by the readers of its earlier generation, as a continue
 * claims it (the same message, generated again): a reader whose client left before that
 * generation ended keeps its heartbeat until it lapses, and the new generation would take it for
 * a reader of its own (remote-followers.ts), so that, left by its client, it would not wait for
 * one nor give its slot to a new send. A reader that still follows renews it at its next poll. A
 * failure leaves it to lapse, as before.
 */
export async function forgetEarlierReaders(answerId: Types.ObjectId): Promise<void> {
  await ReplyReader.collection.deleteOne({ _id: answerId }).catch(() => undefined);
}
