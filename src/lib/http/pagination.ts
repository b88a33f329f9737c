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

/**
 * The query parameters of every paginated list: a page size clamped to PAGE_SIZE_MAX, and a cursor.
 * `textMax`: the lists of messages, whose pages also end by the size of their text (PAGE_BYTES_MAX,
 * as the setting writes it).
 */
export function pageParams(pageSizeMax: number, textMax?: string) {
  const limit = z
    .preprocess(
      // Only decimal digits (a sign, for min's message) are a page size: Number() would also read
      // `0x3`, `1e0`, ` 3`, `3.0` or an empty value, which a client sends only by mistake. Anything
      // else, like the parameter given twice (`limit=1&limit=2`, an array), fails the type check.
      (value) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value),
      z
        .number({
          error: (issue) =>
            issue.code === 'invalid_type'
              ? 'Expected a whole number in decimal digits, given once'
              : undefined,
        })
        // One message for a value past the largest safe integer, not this one and max's below.
        .int({ abort: true })
        .min(1)
        // What .int() enforces anyway (safe integers), published so clients and fuzzers know it.
        .max(Number.MAX_SAFE_INTEGER)
        .transform((n) => Math.min(n, pageSizeMax)),
    )
    .optional()
    .describe(
      `Page size in decimal digits (\`0x3\`, \`1e0\`, \`3.0\` or spaces are a 400), clamped to ${pageSizeMax} (also the default)` +
        (textMax === undefined
          ? ''
          : `. A page also ends once its messages' text reaches ${textMax} (UTF-8; the first message always goes in, so a longer one is a page of its own): a page shorter than \`limit\` is not the last, follow the Link header`),
    );
  const cursor = z
    .string()
    .max(200)
    .optional()
    .describe(
      "Opaque cursor from the Link header of this list's previous page, read with the same query (another list's, or one of another filter, search or chat: 400)",
    );
  return { limit, cursor };
}
