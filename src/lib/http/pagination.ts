import type { Request, Response } from 'express';

/** One page of a keyset-paginated list; `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

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
