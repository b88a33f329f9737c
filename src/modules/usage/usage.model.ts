import mongoose, { Schema, type Types } from '../../lib/db/mongoose.js';

/**
 * What one model call cost. A stored reply holds its own call's charge (message.model.ts `charge`,
 * written with its final state), so the common exchange needs no ledger write of its own; every
 * other call has a ledger entry, and a reply's charge moves into the ledger before the reply is
 * deleted. Totals and budgets sum both (usage.service.ts).
 */
export interface Charge {
  model: string;
  /** UTC day of the call, "YYYY-MM-DD". */
  day: string;
  promptTokens: number;
  completionTokens: number;
  /** prompt + completion, stored so a budget check is one single-field sum. */
  totalTokens: number;
  /** true when the provider reported no usage and the tokens were counted here. */
  estimated: boolean;
}

/**
 * One model call's tokens: an append-only ledger. Totals are sums over these entries, never
 * counters updated in place: FerretDB runs `$inc` as read-modify-write and loses increments
 * under concurrency, whereas inserts are never lost. `_id` is the call's own id (the assistant
 * message of a reply), so recording a call twice is refused by the primary key.
 */
export interface UsageEntryDoc extends Charge {
  _id: Types.ObjectId;
  /** null once the account is deleted: the tokens stay in the totals, unlinked from anyone. */
  userId: Types.ObjectId | null;
  /** null once the chat is deleted (or for calls that belong to no chat). */
  chatId: Types.ObjectId | null;
  /** What the call was for: `reply` (answers, regenerations, continuations), `title`. */
  kind: string;
  createdAt: Date;
}

/** A charge's fields, as a ledger entry and a reply holding a charge both declare them. */
export const chargeFields = {
  model: { type: String, required: true },
  day: { type: String, required: true },
  promptTokens: { type: Number, required: true },
  completionTokens: { type: Number, required: true },
  totalTokens: { type: Number, required: true },
  estimated: { type: Boolean, required: true },
} as const;

const usageSchema = new Schema<UsageEntryDoc>(
  {
    userId: { type: Schema.Types.ObjectId, default: null },
    chatId: { type: Schema.Types.ObjectId, default: null },
    kind: { type: String, required: true },
    ...chargeFields,
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// A user's day (budgets, /api/usage) and everyone's days (the admin totals).
usageSchema.index({ userId: 1, day: 1 });
usageSchema.index({ day: 1 });
usageSchema.index({ chatId: 1 });

export const UsageEntry = mongoose.model<UsageEntryDoc>('UsageEntry', usageSchema, 'usage');
