import { createHmac } from 'node:crypto';
import { config } from '../../lib/config.js';
import { isDuplicateKey } from '../../lib/db/duplicate-key.js';
import { Types } from '../../lib/db/mongoose.js';
import { insertLoginNetwork, LoginNetwork, loginNetworks } from './login-network.model.js';

/** How many networks an account remembers (the most recently used), and for how long. */
export const KNOWN_NETWORKS_KEPT = 10;
export const KNOWN_NETWORK_DAYS = 90;

// Keyed with the secret that outlives a JWT_SECRET rotation (API_KEY_HASH_SECRET, which defaults
// to JWT_SECRET): a rotation must not forget every owner's networks. Ids stored before were keyed
// with JWT_SECRET: the same unless API_KEY_HASH_SECRET was set (legacyNetworkId).
const networkIdWith = (secret: string, userId: string, network: string) =>
  createHmac('sha256', secret).update(`login-network|${userId}|${network}`).digest('base64url');
const networkId = (userId: string, network: string) =>
  networkIdWith(config().apiKeyHashSecret, userId, network);
/**
 * The id a server before that change stored, keyed with JWT_SECRET: only when the two secrets
 * differ (a deployment that set API_KEY_HASH_SECRET), read beside the new one and moved to it at
 * the next login from there, so an upgrade forgets no owner's networks.
 */
const legacyNetworkId = (userId: string, network: string) => {
  const { jwtSecret, apiKeyHashSecret } = config();
  return jwtSecret === apiKeyHashSecret ? undefined : networkIdWith(jwtSecret, userId, network);
};

/** Whether the owner logged in from this network within the last KNOWN_NETWORK_DAYS. */
export async function isKnownNetwork(
  userId: string,
  network: string,
  now = new Date(),
): Promise<boolean> {
  const since = now.getTime() - KNOWN_NETWORK_DAYS * 86_400_000;
  // By `_id` alone, its age checked here: the embedded FerretDB scans the whole collection for
  // any other filter, which made a login for an existing account slower than one for an unknown
  // email by a scan (the difference told which emails have accounts).
  const legacy = legacyNetworkId(userId, network);
  const found = await Promise.all(
    [networkId(userId, network), ...(legacy === undefined ? [] : [legacy])].map((_id) =>
      loginNetworks().findOne({ _id }, { projection: { lastLoginAt: 1 } }),
    ),
  );
  return found.some((known) => known !== null && known.lastLoginAt.getTime() > since);
}

/** Notes a network the password was just proved from; only the most recent few are kept. */
export async function rememberLoginNetwork(
  userId: string,
  network: string,
  now = new Date(),
): Promise<void> {
  const _id = networkId(userId, network);
  const userIdObject = new Types.ObjectId(userId);
  // Through the driver: this is the last command of every login (see checkCredentials).
  const seen = await loginNetworks().updateOne({ _id }, { $set: { lastLoginAt: now } });
  // A network noted before only moved up the list: nothing to prune (the common login).
  if (seen.matchedCount > 0) return;
  const legacy = legacyNetworkId(userId, network);
  if (legacy !== undefined) await loginNetworks().deleteOne({ _id: legacy });
  try {
    await insertLoginNetwork({ _id, userId: userIdObject, lastLoginAt: now });
  } catch (error) {
    // A parallel login from the same network noted it first.
    if (!isDuplicateKey(error)) throw error;
  }
  const older = await LoginNetwork.find({ userId: userIdObject }, { _id: 1 })
    .sort({ lastLoginAt: -1, _id: 1 })
    .skip(KNOWN_NETWORKS_KEPT)
    .lean();
  if (older.length > 0) await LoginNetwork.deleteMany({ _id: { $in: older.map((n) => n._id) } });
}

export async function forgetLoginNetworks(userId: string): Promise<void> {
  await LoginNetwork.deleteMany({ userId: new Types.ObjectId(userId) });
}
