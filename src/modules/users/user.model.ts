import type { z } from 'zod';
import mongoose, { Schema, type Types } from '../../lib/db/mongoose.js';
import type { UserSchema } from './users.schemas.js';

export interface UserDoc {
  _id: Types.ObjectId;
  email: string;
  name: string;
  passwordHash: string;
  createdAt: Date;
  updatedAt: Date;
}

const userSchema = new Schema<UserDoc>(
  {
    email: { type: String, required: true, unique: true },
    name: { type: String, default: '' },
    passwordHash: { type: String, required: true },
  },
  { timestamps: true, versionKey: false },
);

export const User = mongoose.model<UserDoc>('User', userSchema);

/** The only shape of a user that leaves the server: never a hash, never a token. */
export function toUserJson(user: Pick<UserDoc, '_id' | 'email' | 'name' | 'createdAt'>): UserJson {
  return {
    id: String(user._id),
    email: user.email,
    name: user.name,
    createdAt: user.createdAt.toISOString(),
  };
}

/** The published response schema is the wire type: a mapper that drifts from it fails to compile. */
export type UserJson = z.infer<typeof UserSchema>;
