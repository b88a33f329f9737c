import { z } from 'zod';

/** For routes that take no query parameters: any (`?email[$ne]=`) is refused rather than ignored. */
export const NoQuery = z.strictObject({});
