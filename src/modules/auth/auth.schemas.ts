import { z } from 'zod';

const utf8Bytes = (value: string) => Buffer.byteLength(value, 'utf8');

/** bcrypt reads at most 72 bytes: longer passwords are refused rather than silently cut. */
export const password = z
  .string()
  .refine((v) => utf8Bytes(v) >= 8, 'Password must be at least 8 bytes')
  .refine((v) => utf8Bytes(v) <= 72, 'Password must be at most 72 bytes (UTF-8)');

/**
 * A password offered to be checked (login, change, delete). bcrypt would compare only its first
 * 72 bytes, so a longer one could match a stored 72-byte password: refuse it instead.
 */
export const offeredPassword = z
  .string()
  .min(1, 'Password is required')
  .refine((v) => utf8Bytes(v) <= 72, 'Password must be at most 72 bytes (UTF-8)');

export const email = z
  .string()
  .max(254)
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'Invalid email address' }));

// Lengths are checked before trimming: the documented maxLength bounds what the client sends.
export const displayName = z.string().max(100).trim();

/** These routes take no query parameters; any (`?email[$ne]=`) is refused rather than ignored. */
export const NoQuery = z.strictObject({});

export const SignupBody = z.strictObject({ email, password, name: displayName.optional() });
export const LoginBody = z.strictObject({ email: z.string().max(254), password: offeredPassword });
export const UpdateMeBody = z.strictObject({ name: displayName });
export const ChangePasswordBody = z.strictObject({
  currentPassword: offeredPassword,
  newPassword: password,
});
export const DeleteMeBody = z.strictObject({ password: offeredPassword });

export const UserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(['user', 'admin']).describe('`admin` may call /api/admin'),
  createdAt: z.iso.datetime(),
});

export const AuthResult = z.object({
  user: UserSchema,
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().describe('Seconds until the access token expires'),
});
