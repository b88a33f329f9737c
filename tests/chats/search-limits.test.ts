import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { expectError } from '../helpers/auth.js';
import { createUser, type TestUser } from '../helpers/users.js';
import { insideOneWindow } from '../helpers/rate-windows.js';

const ctx = useTestApp({ SEARCHES_PER_MINUTE: '3' });
let user: TestUser;

beforeAll(async () => {
  user = await createUser({ label: 'searcher' });
});

const search = (who: TestUser, q: string) =>
  ctx.request().get('/api/chats').query({ q }).set(who.auth);

describe('searching chats is bounded', () => {
  it('when q carries a control character, then 400 VALIDATION_FAILED on q (never reaching the database)', async () => {
    for (const q of ['a\u0000b', '\u0007', 'line\nbreak', 'del\u007f']) {
      const res = await search(user, q);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.details).toEqual([{ path: 'q', message: expect.any(String) }]);
    }
  });

  it('when a user searches more often than SEARCHES_PER_MINUTE, then 429 RATE_LIMITED with Retry-After; plain lists and other users are not affected', async () => {
    await insideOneWindow(60, 8);
    const other = await createUser({ label: 'other' });
    const results = [];
    for (let i = 0; i < 4; i += 1) results.push(await search(user, `term ${i}`));
    expect(results.slice(0, 3).map((r) => r.status)).toEqual([200, 200, 200]);
    expectError(results[3]!, 429, 'RATE_LIMITED');
    expect(Number(results[3]!.headers['retry-after'])).toBeGreaterThan(0);
    expect((await ctx.request().get('/api/chats').set(user.auth)).status).toBe(200);
    expect((await search(other, 'term')).status).toBe(200);
  });

  it("when a search's cursor is invalid, then 400 VALIDATION_FAILED on cursor before the search is counted or run", async () => {
    await insideOneWindow(60, 5);
    const who = await createUser({ label: 'bad-cursor' });
    for (const cursor of [
      'not a cursor',
      'e30',
      Buffer.from('{"k":"chats"}').toString('base64url'),
    ]) {
      const res = await ctx.request().get('/api/chats').query({ q: 'term', cursor }).set(who.auth);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.details).toEqual([{ path: 'cursor', message: 'Invalid cursor' }]);
    }
    // None of the three took one of the user's SEARCHES_PER_MINUTE (3).
    expect((await search(who, 'term')).status).toBe(200);
  });
});

describe('a search of only spaces', () => {
  it('when q is blank after trimming, then it is no search: the whole list, its cursors, and none of the user’s SEARCHES_PER_MINUTE taken', async () => {
    await insideOneWindow(60, 8);
    const who = await createUser({ label: 'blank-search' });
    for (const title of ['one', 'two', 'three'])
      expect((await ctx.request().post('/api/chats').set(who.auth).send({ title })).status).toBe(
        201,
      );
    const list = await ctx.request().get('/api/chats').query({ limit: 2 }).set(who.auth);
    const cursor = decodeURIComponent(/[?&]cursor=([^&>]+)/.exec(String(list.headers.link))![1]!);
    const titles = (res: { body: { title: string }[] }) => res.body.map((c) => c.title);
    for (const q of ['', ' ', '   ', '\u00a0 ']) {
      const res = await ctx.request().get('/api/chats').query({ q, limit: 2 }).set(who.auth);
      expect(res.status).toBe(200);
      expect(titles(res)).toEqual(titles(list));
      const next = await ctx
        .request()
        .get('/api/chats')
        .query({ q, limit: 2, cursor })
        .set(who.auth);
      expect(next.status).toBe(200);
      expect(titles(next)).toEqual(['one']);
    }
    // Eight blank searches took none of the user's three.
    for (let i = 0; i < 3; i += 1) expect((await search(who, `term ${i}`)).status).toBe(200);
  });
});
