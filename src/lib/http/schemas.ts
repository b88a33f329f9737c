import { z } from 'zod';

/** What a field that is missing is told: zod's own message ("expected string, received undefined") reads as a wrong type. */
export const MISSING_FIELD = 'Required';
z.config({
  customError: (issue) =>
    issue.code === 'invalid_type' && issue.input === undefined ? MISSING_FIELD : undefined,
});

/** For routes that take no query parameters: any (`?email[$ne]=`) is refused rather than ignored. */
export const NoQuery = z.strictObject({});
