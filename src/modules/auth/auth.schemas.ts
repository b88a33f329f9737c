import { z } from 'zod';
import { displayName, offeredPassword, password, UserSchema } from '../users/index.js';

export const email = z
  .string()
  .max(254)
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'Invalid email address' }));

export const SignupBody = z.strictObject({ email, password, name: displayName.optional() });
export const LoginBody = z.strictObject({ email: z.string().max(254), password: offeredPassword });
export const AuthResult = z.object({
  user: UserSchema,
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().describe('Seconds until the access token expires'),
});

export type AuthResultJson = z.infer<typeof AuthResult>;
