import { z } from 'zod';
import { NO_CONTROL_CHARACTERS } from '../text.js';

/** What a field that is missing is told: zod's own message ("expected string, received undefined") reads as a wrong type. */
export const MISSING_FIELD = 'Required';
z.config({
  customError: (issue) =>
    issue.code === 'invalid_type' && issue.input === undefined ? MISSING_FIELD : undefined,
});

/**
 * A list's `?q=` search text. Blank after trimming (`q=`, `q=%20%20`, what a cleared search box
 * sends) is no search, as if `q` were absent: the same list, the same cursors, no search counted.
 */
export const searchQuery = (description: string) =>
  z
    .string()
    .max(200)
    .regex(NO_CONTROL_CHARACTERS, 'Search text must not contain control characters')
    .trim()
    .transform((q) => q || undefined)
    .optional()
    .describe(`${description}. Blank (spaces only) is no search: the whole list`);

/** The query of a route that reads none (route.ts applies it to every such route): any parameter (`?email[$ne]=`) is refused rather than ignored. */
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
