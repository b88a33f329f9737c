import type { Collection } from 'mongodb';
import { insertThroughSchema } from '../../lib/db/insert.js';
import mongoose, { Schema, type Types } from '../../lib/db/mongoose.js';

/**
 * A network (IPv4 /24, IPv6 /48) the account's owner has proved the password from: the owner's
 * failed logins from there have a budget of their own (password-brake.ts). The `_id` is a keyed
 * hash of the user id and the network, so the collection does not list where people live.
 */
export interface LoginNetworkDoc {
  _id: string;
  userId: Types.ObjectId;
  lastLoginAt: Date;
}

const loginNetworkSchema = new Schema<LoginNetworkDoc>(
  {
    _id: String,
    userId: { type: Schema.Types.ObjectId, required: true, index: true },
    lastLoginAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export const LoginNetwork = mongoose.model<LoginNetworkDoc>(
  'LoginNetwork',
  loginNetworkSchema,
  'login_networks',
);

/** The collection through the driver, typed with the entries' string `_id`. */
export const loginNetworks = () =>
  LoginNetwork.collection as unknown as Collection<LoginNetworkDoc>;

/** The one write path of a new entry (see insertThroughSchema). */
export const insertLoginNetwork = (doc: LoginNetworkDoc): Promise<LoginNetworkDoc> =>
  insertThroughSchema(LoginNetwork, doc);
