import mongoose, { Schema, type Types } from '../../lib/db/mongoose.js';

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
export function toUserJson(user: Pick<UserDoc, '_id' | 'email' | 'name' | 'createdAt'>) {
  return {
    id: String(user._id),
    email: user.email,
    name: user.name,
    createdAt: user.createdAt.toISOString(),
  };
}

export type UserJson = ReturnType<typeof toUserJson>;
