import type supertest from 'supertest';
import { expect } from 'vitest';

/**
 * The ids of each page of a list from `url` on, as `as` reads them, following the Link header to
 * its end: to check paging skips and repeats nothing.
 */
export async function idPages(
  request: () => ReturnType<typeof supertest.agent>,
  as: { auth: { Authorization: string } },
  url: string,
): Promise<string[][]> {
  const seen: string[][] = [];
  let next: string | undefined = url;
  while (next) {
    const res = await request().get(next).set(as.auth).buffer(true);
    expect(res.status).toBe(200);
    seen.push((res.body as { id: string }[]).map((item) => item.id));
    const link: string | undefined = res.headers.link;
    next = link?.slice(1, link.indexOf('>'));
  }
  return seen;
}
