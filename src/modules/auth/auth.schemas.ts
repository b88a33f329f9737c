import { z } from 'zod';
import { displayName, offeredPassword, password, UserSchema } from '../users/index.js';

// The published pattern is the one z.email() checks (after trimming and lower-casing).
export const email = z
  .string()
  .max(254)
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'Invalid email address' }))
  .meta({ pattern: z.regexes.email.source });

export const SignupBody = z.strictObject({ email, password, name: displayName.optional() });
export const LoginBody = z.strictObject({ email: z.string().max(254), password: offeredPassword });
export const AuthResult = z
  .object({
    user: UserSchema,
    accessToken: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int().describe('Seconds until the access token expires'),
  })
  .meta({ id: 'AuthResult' });

export type AuthResultJson = z.infer<typeof AuthResult>;
