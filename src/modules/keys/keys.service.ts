import { config } from '../../lib/config.js';
import { isDuplicateKey } from '../../lib/db/duplicate-key.js';
import { insertThroughSchema, takeBack, takeBackIfCut } from '../../lib/db/insert.js';
import { Types } from '../../lib/db/mongoose.js';
import { AppError, notFound, unauthenticated } from '../../lib/errors.js';
import { keyCredential } from '../../lib/http/request-auth.js';
import { logger } from '../../lib/logger.js';
import { checkAccountWriteRate, credentialsEnded, findUser, type UserDoc } from '../users/index.js';
import { ApiKey, type ApiKeyDoc } from './key.model.js';
import { serverScansFilters } from '../../lib/db/connection.js';
import { hashKey, keyIdOf, looksLikeKey, newKey, passwordStamp, sameStamp } from './key.secret.js';

const DAY_MS = 86_400_000;

/** The only shape of a key that leaves the server after its creation: never the key or its hash. */
export function toKeyJson(key: Omit<ApiKeyDoc, 'hash' | 'passwordStamp' | 'slot' | 'userId'>) {
  return {
    id: String(key._id),
    name: key.name,
    prefix: key.prefix,
    createdAt: key.createdAt.toISOString(),
    expiresAt: key.expiresAt?.toISOString() ?? null,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
  };
}

export type KeyJson = ReturnType<typeof toKeyJson>;

/**
 * Why the account may not use its keys at all, or null when it may. A disabled account is refused
 * here; the lookup runs on every request, so disabling stops its keys at once on every instance
 * (and enabling the account again brings them back).
 */
function accountRefusal(user: Pick<UserDoc, '_id' | 'disabled'>): KeyRefusal | null {
  return user.disabled ? 'account-disabled' : null;
}

async function accountStamp(userId: string | Types.ObjectId): Promise<string> {
  const user = await findUser(String(userId));
  if (!user) throw unauthenticated('Account no longer exists');
  return passwordStamp(user.passwordHash);
}

/** Removes the user's keys that can never work again: expired, or made under an older password. */
async function purgeDeadKeys(userId: Types.ObjectId, stamp: string, now: Date): Promise<void> {
  await ApiKey.deleteMany({
    userId,
    $or: [{ expiresAt: { $lte: now } }, { passwordStamp: { $ne: stamp } }],
  });
}

/** Inserts the key into the first free slot of its user, or returns false when all are taken. */
async function insertIntoFreeSlot(key: Omit<ApiKeyDoc, 'slot'>): Promise<boolean> {
  const max = config().API_KEYS_PER_USER;
  const taken = new Set(
    (await ApiKey.find({ userId: key.userId }, { slot: 1 }).lean()).map((k) => k.slot),
  );
  for (let slot = 0; slot < max; slot += 1) {
    if (taken.has(slot)) continue;
    try {
      // One that landed unanswered would hold a slot with a key nobody was shown.
      await takeBackIfCut(insertThroughSchema(ApiKey, { ...key, slot }), () =>
        takeBack('an API key', () => ApiKey.deleteOne({ _id: key._id })),
      );
      return true;
    } catch (error) {
      // Another request took this slot in the meantime: try the next one.
      if (!isDuplicateKey(error)) throw error;
    }
  }
  return false;
}

/** Creates a key and returns it in full: the only time it is ever shown. */
export async function createKey(
  userId: string,
  input: { name: string; expiresInDays?: number },
): Promise<KeyJson & { key: string }> {
  await checkAccountWriteRate(userId);
  const owner = new Types.ObjectId(userId);
  const stamp = await accountStamp(owner);
  const { key, prefix } = newKey();
  const hash = hashKey(key);
  const now = new Date();
  const doc = {
    _id: keyIdOf(hash),
    userId: owner,
    name: input.name,
    prefix,
    hash,
    passwordStamp: stamp,
    createdAt: now,
    expiresAt: input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * DAY_MS) : null,
    lastUsedAt: null,
  };
  let stored = await insertIntoFreeSlot(doc);
  if (!stored) {
    await purgeDeadKeys(owner, stamp, now);
    stored = await insertIntoFreeSlot(doc);
  }
  if (!stored) {
    const max = config().API_KEYS_PER_USER;
    throw new AppError('TOO_MANY_KEYS', `At most ${max} API keys per account; delete one first`);
  }
  return { ...toKeyJson(doc), key };
}

/** The user's keys, newest first. Keys a password change revoked are removed on the way. */
export async function listKeys(userId: string): Promise<KeyJson[]> {
  const owner = new Types.ObjectId(userId);
  const stamp = await accountStamp(owner);
  const keys = await ApiKey.find({ userId: owner }).sort({ createdAt: -1, _id: -1 }).lean();
  const revoked = keys.filter((k) => !sameStamp(k.passwordStamp, stamp)).map((k) => k._id);
  if (revoked.length > 0) await ApiKey.deleteMany({ _id: { $in: revoked } });
  return keys.filter((k) => sameStamp(k.passwordStamp, stamp)).map(toKeyJson);
}

export async function deleteKey(userId: string, keyId: string): Promise<void> {
  if (!Types.ObjectId.isValid(keyId) || !/^[a-f0-9]{24}$/i.test(keyId)) throw notFound('API key');
  await checkAccountWriteRate(userId);
  const _id = new Types.ObjectId(keyId);
  const result = await ApiKey.deleteOne({ _id, userId: new Types.ObjectId(userId) });
  if (result.deletedCount !== 1) throw notFound('API key');
  // A /v1 completion the key streams stops with it (a key deleted because it leaked), named as
  // the lookup names it (an id written in capitals is the same key).
  await credentialsEnded(userId, [keyCredential(String(_id))]);
}

/** Removes every key of the user (the account is being deleted). */
export async function deleteUserKeys(userId: string): Promise<void> {
  await ApiKey.deleteMany({ userId: new Types.ObjectId(userId) });
}

export interface KeyIdentity {
  userId: string;
  keyId: string;
}

export type KeyRefusal =
  'unknown' | 'expired' | 'password-changed' | 'account-gone' | 'account-disabled';

/**
 * Looks the key up on every request, so a deleted or expired key, a deleted account or a changed
 * password stops it at once on every instance. `lastUsedAt` is written at most once per
 * API_KEY_LAST_USED_INTERVAL_SECONDS per key (a conditional update, so instances do not pile up).
 */
export async function identifyKey(
  key: string,
  now = new Date(),
): Promise<KeyIdentity | { refused: KeyRefusal }> {
  if (!looksLikeKey(key)) return { refused: 'unknown' };
  const hash = hashKey(key);
  // By `_id` alone (key.secret keyIdOf). Keys made before their `_id` came from their hash are
  // found by the hash, which the unique index serves on MongoDB (FerretDB scans for it).
  const found =
    (await ApiKey.collection.findOne<ApiKeyDoc>({ _id: keyIdOf(hash) })) ??
    (await ApiKey.findOne({ hash }).lean());
  if (found?.hash !== hash) return { refused: 'unknown' };
  if (found.expiresAt && found.expiresAt.getTime() <= now.getTime()) return { refused: 'expired' };
  const user = await findUser(String(found.userId));
  if (!user) return { refused: 'account-gone' };
  const refusal = accountRefusal(user);
  if (refusal) return { refused: refusal };
  if (!sameStamp(found.passwordStamp, passwordStamp(user.passwordHash)))
    return { refused: 'password-changed' };
  const interval = config().API_KEY_LAST_USED_INTERVAL_SECONDS * 1000;
  if (!found.lastUsedAt || now.getTime() - found.lastUsedAt.getTime() >= interval) {
    // Conditional where the database applies the filter atomically; where it would scan the
    // collection for it, by `_id` alone (a few instances may then write it within one interval).
    await ApiKey.updateOne(
      serverScansFilters()
        ? { _id: found._id }
        : {
            _id: found._id,
            $or: [
              { lastUsedAt: null },
              { lastUsedAt: { $lte: new Date(now.getTime() - interval) } },
            ],
          },
      { $set: { lastUsedAt: now } },
    ).catch((err: unknown) => logger.warn({ err }, 'could not record when an API key was used'));
  }
  return { userId: String(found.userId), keyId: String(found._id) };
}
