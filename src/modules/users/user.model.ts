import type { z } from 'zod';
import mongoose, { Schema, type Types } from '../../lib/db/mongoose.js';
import { documentKey, writeInTurn } from '../../lib/db/writes-in-turn.js';
import type { UserSchema } from './users.schemas.js';

export type Role = 'user' | 'admin';

export interface UserDoc {
  _id: Types.ObjectId;
  email: string;
  name: string;
  passwordHash: string;
  role: Role;
  /** A disabled account cannot log in; its sessions were ended when it was disabled. */
  disabled: boolean;
  /** Tokens per UTC day; null: TOKEN_BUDGET_PER_DAY applies; 0: unlimited. */
  tokenBudgetPerDay: number | null;
  /**
   * Set while the owner's deletion of the account runs (accounts.ts beginDeletion): nothing may
   * make it an administrator meanwhile. A deletion refused before anything was removed clears it;
   * one whose process died leaves it only until then.
   */
  deletingUntil?: Date | null;
  /**
   * When the owner's deletion, past its checks, began removing the account (beginDeletion): from
   * then it is finished whatever fails, in the background if need be (unfinished-deletions.ts).
   */
  deletionCommittedAt?: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const userSchema = new Schema<UserDoc>(
  {
    email: { type: String, required: true, unique: true },
    name: { type: String, default: '' },
    passwordHash: { type: String, required: true },
    role: { type: String, enum: ['user', 'admin'], default: 'user' },
    disabled: { type: Boolean, default: false },
    tokenBudgetPerDay: { type: Number, default: null },
    deletingUntil: { type: Date },
    deletionCommittedAt: { type: Date },
  },
  { timestamps: true, versionKey: false },
);
// Every instance's sweep of unfinished deletions reads the few accounts with this mark each
// minute: through this index on MongoDB, not over every account.
userSchema.index({ deletionCommittedAt: 1 });

export const User = mongoose.model<UserDoc>('User', userSchema);

/**
 * Every update of an account goes through here: on the embedded database, this process's updates
 * of one account go one after another (writeInTurn), so an administrator's disabling and the
 * user's own rename at the same moment both land.
 */
export const inUserTurn = <T>(userId: unknown, write: () => PromiseLike<T>): Promise<T> =>
  writeInTurn(documentKey('users', userId), write);

/** The only shape of a user that leaves the server: never a hash, never a token. */
export function toUserJson(
  user: Pick<UserDoc, '_id' | 'email' | 'name' | 'createdAt'> & { role?: Role },
): UserJson {
  return {
    id: String(user._id),
    email: user.email,
    name: user.name,
    // Accounts stored before roles existed read as users.
    role: user.role ?? 'user',
    createdAt: user.createdAt.toISOString(),
  };
}

/** The published response schema is the wire type: a mapper that drifts from it fails to compile. */
export type UserJson = z.infer<typeof UserSchema>;
