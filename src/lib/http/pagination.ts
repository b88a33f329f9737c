import type { Request, Response } from 'express';
import { z } from 'zod';

/** One page of a keyset-paginated list; `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** How a paginated list's answer names its next page, for the OpenAPI description (setNextLink). */
export const NEXT_PAGE_HEADER = {
  Link: 'The next page, when there is one: `<path?…&cursor=…>; rel="next"`',
};

/** GitHub-style pagination: the next page's URL keeps every parameter of this one but the cursor. */
export function setNextLink(
  req: Request,
  res: Response,
  nextCursor: string | null,
  path = `${req.baseUrl}${req.path}`,
): void {
  if (!nextCursor) return;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(req.query)) {
    if (key !== 'cursor' && typeof value === 'string') params.set(key, value);
  }
  params.set('cursor', nextCursor);
  res.set('Link', `<${path.replace(/\/$/, '')}?${params.toString()}>; rel="next"`);
}

/** The query parameters of every paginated list: a page size clamped to PAGE_SIZE_MAX, and a cursor. */
export function pageParams(pageSizeMax: number) {
  const limit = z.coerce
    // A word (`limit=abc`) or the parameter twice (`limit=1&limit=2`) reads as NaN: say what is wanted.
    .number({
      error: (issue) =>
        issue.code === 'invalid_type' ? 'Expected a whole number, given once' : undefined,
    })
    // One message for a value past the largest safe integer, not this one and max's below.
    .int({ abort: true })
    .min(1)
    // What .int() enforces anyway (safe integers), published so clients and fuzzers know it.
    .max(Number.MAX_SAFE_INTEGER)
    .transform((n) => Math.min(n, pageSizeMax))
    .optional()
    .describe(`Page size, clamped to ${pageSizeMax} (also the default)`);
  const cursor = z
    .string()
    .max(200)
    .optional()
    .describe(
      "Opaque cursor from the Link header of this list's previous page, read with the same query (another list's, or one of another filter, search or chat: 400)",
    );
  return { limit, cursor };
}
