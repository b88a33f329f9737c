import { z } from 'zod';

/** What a field that is missing is told: zod's own message ("expected string, received undefined") reads as a wrong type. */
export const MISSING_FIELD = 'Required';
z.config({
  customError: (issue) =>
    issue.code === 'invalid_type' && issue.input === undefined ? MISSING_FIELD : undefined,
});

/** For routes that take no query parameters: any (`?email[$ne]=`) is refused rather than ignored. */
export const NoQuery = z.strictObject({});

/**
 * The `Idempotency-Key` request header as routes document it (the handlers check it themselves:
 * chats' idempotency.service parseIdempotencyKey); `repeat` says what a repeat answers with,
 * `after` what the route adds.
 */
export const idempotencyKeyHeader = (repeat: string, after = '') =>
  z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\x20-\x7e]+$/)
    .optional()
    .describe(
      `Any printable ASCII string up to 200 characters, new for each request. A repeat with the same key, path and body (kept 24 h) ${repeat}; the same key with another body is a 409${after}`,
    );
