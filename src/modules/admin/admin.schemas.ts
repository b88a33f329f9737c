import { z } from 'zod';
import { config, MAX_TOKEN_BUDGET } from '../../lib/config.js';
import { objectIdParam } from '../../lib/http/ids.js';
import { BudgetSchema, rangeFields, TokenTotalsSchema, UsageReportSchema } from '../usage/index.js';
import { pageParams } from '../../lib/http/pagination.js';
import { searchQuery } from '../../lib/http/schemas.js';

const objectId = (what: string) =>
  z
    .string()
    .regex(/^[0-9a-fA-F]{24}$/, `Not a ${what} id`)
    .describe(`${what} id`);
const role = z.enum(['user', 'admin']);

export const UserIdParams = z.object({ id: objectIdParam('User').describe('User id') });

export function adminSchemas(c = config()) {
  const { limit, cursor } = pageParams(c.PAGE_SIZE_MAX);
  return {
    UsersQuery: z.strictObject({
      q: searchQuery('Case-insensitive text searched in emails and names'),
      role: role.optional(),
      disabled: z
        .enum(['true', 'false'])
        .optional()
        .transform((v) => (v === undefined ? undefined : v === 'true'))
        .describe('true: only disabled accounts; false: only active ones'),
      limit,
      cursor,
    }),
    AuditQuery: z.strictObject({
      userId: objectId('User').optional().describe('Only changes made by or to this user'),
      limit,
      cursor,
    }),
  };
}

export const AdminUsageQuery = z.strictObject({
  ...rangeFields,
  userId: objectId('User').optional().describe("Only this user's calls"),
});

/** How many users the admin usage report names: those with the most tokens in its range. */
export const USAGE_REPORT_USERS = 100;

export const AdminUsageReportSchema = UsageReportSchema.extend({
  byUser: z
    .array(
      TokenTotalsSchema.extend({
        userId: z
          .string()
          .nullable()
          .describe('null: the calls of accounts deleted since, together'),
        email: z.string().nullable().describe('null when the account no longer exists'),
      }),
    )
    .describe(
      `The users with the most tokens in the range (at most ${USAGE_REPORT_USERS}), most first`,
    ),
  serviceBudget: BudgetSchema.describe(
    "SERVICE_TOKEN_BUDGET_PER_DAY (null: none) and every user's tokens of today together: past it, every model call is refused 429 QUOTA_EXCEEDED",
  ),
});

export const UpdateUserBody = z
  .strictObject({
    tokenBudgetPerDay: z
      .number()
      .int('Must be a whole number of tokens')
      .min(0, 'Must not be negative')
      .max(MAX_TOKEN_BUDGET, `At most ${MAX_TOKEN_BUDGET} tokens a day`)
      .nullable()
      .optional()
      .describe('Tokens per UTC day for this user; 0 = unlimited; null = TOKEN_BUDGET_PER_DAY'),
    disabled: z
      .boolean()
      .optional()
      .describe('true ends every session and stops running replies at once'),
    role,
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'Name at least one field to change')
  // The refinement above, published (zod cannot derive it from a function).
  .meta({ minProperties: 1 });

const AccountFieldsSchema = z.object({
  role: role.optional(),
  disabled: z.boolean().optional(),
  tokenBudgetPerDay: z.number().int().nullable().optional(),
});

export const AdminUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role,
  disabled: z.boolean(),
  tokenBudgetPerDay: z
    .number()
    .int()
    .nullable()
    .describe("The user's own daily limit; null when TOKEN_BUDGET_PER_DAY applies"),
  createdAt: z.iso.datetime(),
  usageToday: TokenTotalsSchema.describe('Tokens of the current UTC day'),
  budget: BudgetSchema,
});

export const AuditEntrySchema = z.object({
  id: z.string(),
  action: z.enum(['user.update', 'user.promote', 'user.signOut']),
  actor: z.object({
    kind: z
      .enum(['admin', 'cli', 'config'])
      .describe('admin: through this API; cli: `npm run admin`; config: ADMIN_EMAILS at login'),
    id: z.string().nullable(),
    email: z.string().nullable().describe('null for cli/config, or once the account is deleted'),
  }),
  target: z.object({ id: z.string(), email: z.string().nullable() }),
  before: AccountFieldsSchema.describe('The changed fields before the change'),
  after: AccountFieldsSchema.describe('The same fields after it'),
  requestId: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
