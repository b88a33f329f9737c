import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { config } from '../../lib/config.js';
import { Types } from '../../lib/db/mongoose.js';

/** Every key starts with this, so leaked keys are recognisable (secret scanners, logs). */
export const KEY_PREFIX = 'sgpt_';
/** 32 random bytes, base64url: 256 bits, 43 characters. */
const KEY_PATTERN = /^sgpt_[A-Za-z0-9_-]{43}$/;
/** Characters of the key shown in lists: the prefix and 6 of the random ones (36 of its 256 bits). */
const SHOWN = KEY_PREFIX.length + 6;

let derived: { secret: string; key: Buffer } | undefined;

/**
 * The HMAC key for API keys, derived with a label from API_KEY_HASH_SECRET (or JWT_SECRET), so the
 * stored hashes are useless without the server secret and unrelated to the token signatures.
 */
function hashingKey(): Buffer {
  const secret = config().apiKeyHashSecret;
  if (derived?.secret !== secret) {
    derived = {
      secret,
      key: createHmac('sha256', secret).update('sigmagpt:api-key-hash:v1').digest(),
    };
  }
  return derived.key;
}

export function newKey(): { key: string; prefix: string } {
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, SHOWN) };
}

/** True for anything shaped like one of our keys (checked before any database work). */
export const looksLikeKey = (value: string) => KEY_PATTERN.test(value);

export const hashKey = (key: string) =>
  createHmac('sha256', hashingKey()).update(`key:${key}`).digest('base64url');

/**
 * A key's stored `_id`: the first 12 bytes of its keyed hash. A request's key is then found by
 * `_id` alone, the one lookup every backend serves from its primary key (the embedded FerretDB
 * scans the whole collection for a filter on any other field, such as `hash`). It is also the
 * key's id in the API; like the hash, it tells nothing about the key without the server secret.
 */
export const keyIdOf = (hash: string) =>
  new Types.ObjectId(Buffer.from(hash, 'base64url').subarray(0, 12));

/**
 * A fingerprint of the account's password hash: a key remembers the one it was created under, and
 * stops working when they differ (the password was changed). The bcrypt hash itself is not copied.
 */
export const passwordStamp = (passwordHash: string) =>
  createHmac('sha256', hashingKey()).update(`password:${passwordHash}`).digest('base64url');

export function sameStamp(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
