import { z } from 'zod';
import { NOT_BLANK } from '../../lib/text.js';

export const CreateKeyBody = z.strictObject({
  // Measured before trimming, as the other texts are: the published maxLength bounds what the
  // client sends.
  name: z.string().max(100).regex(NOT_BLANK, 'Name the key (e.g. the app that will use it)').trim(),
  expiresInDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .optional()
    .describe('Days until the key stops working; without it the key does not expire'),
});

export const KeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe('The first characters of the key, to tell keys apart'),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso
    .datetime()
    .nullable()
    .describe('Updated at most once a minute (API_KEY_LAST_USED_INTERVAL_SECONDS)'),
});

export const CreatedKeySchema = KeySchema.extend({
  key: z.string().describe('The key itself (`sgpt_…`): shown only in this response, store it now'),
});

export const KeyIdParams = z.object({ id: z.string() });

export type CreateKeyInput = z.infer<typeof CreateKeyBody>;
