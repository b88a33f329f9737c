import { z } from 'zod';
import { AppError } from '../../lib/errors.js';
import { addDays, dayOf, daysBetween } from './days.js';

/** Longest range one report covers. */
export const MAX_REPORT_DAYS = 366;
export const DEFAULT_REPORT_DAYS = 30;

/**
 * A calendar day as YYYY-MM-DD. zod's ISO date is exactly the days that exist (leap years
 * included), and is published as `format: date`, so the check and the description are one; no
 * usage is older than 1970.
 */
const day = z.iso
  .date('Use a calendar date as YYYY-MM-DD')
  // Year 0000 is an ISO date too, but a range before it has days JavaScript writes otherwise.
  .refine((d) => !/^\d{4}-/.test(d) || d >= '1970-01-01', 'Use a day from 1970-01-01 on');

export const rangeFields = {
  from: day
    .optional()
    .describe(
      `First UTC day, inclusive (default: ${DEFAULT_REPORT_DAYS - 1} days before \`to\`). Not after \`to\`, and the range covers at most ${MAX_REPORT_DAYS} days: otherwise a 400`,
    ),
  to: day.optional().describe('Last UTC day, inclusive (default: today)'),
};

/**
 * Fills in the defaults, then checks the range: `from` ≤ `to`, at most MAX_REPORT_DAYS days.
 * Checked here rather than in the schema because the defaults depend on today.
 */
export function resolveRange(
  query: { from?: string; to?: string },
  now = new Date(),
): { from: string; to: string } {
  const to = query.to ?? dayOf(now);
  const from = query.from ?? addDays(to, -(DEFAULT_REPORT_DAYS - 1));
  const span = daysBetween(from, to);
  const problem =
    span < 0
      ? '`from` is after `to`'
      : span >= MAX_REPORT_DAYS
        ? `At most ${MAX_REPORT_DAYS} days per request`
        : null;
  if (problem)
    throw new AppError('VALIDATION_FAILED', 'The request is invalid', {
      details: [{ path: 'from', message: problem }],
    });
  return { from, to };
}

export const UsageQuery = z.strictObject(rangeFields);

const tokens = z.number().int().min(0);
export const TokenTotalsSchema = z.object({
  promptTokens: tokens,
  completionTokens: tokens,
  totalTokens: tokens,
  calls: tokens.describe('Model calls'),
  estimatedCalls: tokens.describe(
    'Calls whose tokens were counted by the server because the provider reported none',
  ),
});

export const BudgetSchema = z.object({
  limit: z
    .number()
    .int()
    .nullable()
    .describe('Tokens (prompt + completion) per UTC day; null when unlimited'),
  used: tokens.describe('Tokens used today (UTC)'),
  resetsAt: z.iso.datetime().describe('When `used` starts again from 0 (next 00:00 UTC)'),
});

export const UsageReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  total: TokenTotalsSchema,
  byDay: z
    .array(TokenTotalsSchema.extend({ day: z.string() }))
    .describe('Days with calls, oldest first'),
  byModel: z
    .array(TokenTotalsSchema.extend({ model: z.string() }))
    .describe('Models used, most tokens first'),
});

export const MyUsageSchema = UsageReportSchema.extend({ budget: BudgetSchema });
