import { z } from 'zod';

const utf8Bytes = (value: string) => Buffer.byteLength(value, 'utf8');

const MAX_BYTES_NOTE =
  'At most 72 bytes in UTF-8 (bcrypt reads no more): 72 ASCII characters, fewer when others are used.';

/**
 * No control character (C0, DEL, C1) in a new password: no keyboard types one, a browser's password
 * field drops line breaks, so a password set with one through the API could not be typed at a
 * login form; and bcrypt reads a password as a string ended by NUL, so every password of NULs
 * only hashes alike (8 NULs would be logged into with one). Passwords offered at a login are not
 * held to it: one set before this rule still logs in.
 */
// eslint-disable-next-line no-control-regex -- the control characters are what it matches
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f-\u009f]*$/;

/**
 * bcrypt reads at most 72 bytes: longer passwords are refused rather than silently cut. The
 * minimum counts characters (code points) so that it is exactly the published `minLength`; the
 * byte bound has no JSON Schema keyword, so it is published as `maxLength` (which it implies) plus
 * the description and `x-maxBytes`.
 */
export const password = z
  .string()
  .min(8, 'Password must be at least 8 characters')
  .refine((v) => utf8Bytes(v) <= 72, 'Password must be at most 72 bytes (UTF-8)')
  .regex(
    NO_CONTROL_CHARACTERS,
    'Password must not contain control characters (such as NUL, a tab or a line break)',
  )
  .meta({ maxLength: 72, description: MAX_BYTES_NOTE, 'x-maxBytes': 72 });

/**
 * A password offered to be checked (login, change, delete). bcrypt would compare only its first
 * 72 bytes, so a longer one could match a stored 72-byte password: refuse it instead.
 */
export const offeredPassword = z
  .string()
  .min(1, 'Password is required')
  .refine((v) => utf8Bytes(v) <= 72, 'Password must be at most 72 bytes (UTF-8)')
  .meta({ maxLength: 72, description: MAX_BYTES_NOTE, 'x-maxBytes': 72 });

// Lengths are checked before trimming: the documented maxLength bounds what the client sends.
export const displayName = z.string().max(100).trim();

export const UpdateMeBody = z.strictObject({ name: displayName });
export const ChangePasswordBody = z
  .strictObject({
    currentPassword: offeredPassword,
    newPassword: password,
  })
  // A change ends every other session and revokes every API key: a form sent again by mistake
  // with the same password would do all that for nothing.
  .refine((b) => b.newPassword !== b.currentPassword, {
    message: 'The new password is the current one; choose another',
    path: ['newPassword'],
  });
export const DeleteMeBody = z.strictObject({ password: offeredPassword });

// Response shapes are named components (`meta({ id })`), so generated clients get one type each.
export const UserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(['user', 'admin']).describe('`admin` may call /api/admin'),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'User' });
