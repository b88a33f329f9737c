import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { expectError } from '../helpers/auth.js';
import { useUpstream, upstreamEnv } from '../helpers/chat-app.js';
import { createUser, type TestUser } from '../helpers/users.js';

const upstream = await useUpstream();
const ctx = useTestApp({
  ...upstreamEnv(upstream),
  CHAT_WRITES_PER_MINUTE: '1000',
  SEARCHES_PER_MINUTE: '1000',
  TITLES: 'off',
});
let user: TestUser;
let chatId: string;

beforeAll(async () => {
  user = await createUser({ label: 'cursor' });
  chatId = (await ctx.request().post('/api/chats').set(user.auth).send({})).body.id;
});

const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const id = '0123456789abcdef01234567';

describe('cursors whose time is not a date', () => {
  it.each([1e300, -1e300, 8.64e15 + 1, 1.5])(
    "when a cursor carries t=%s, then 400 VALIDATION_FAILED on cursor for chats and a chat's tree",
    async (t) => {
      const lists = [
        ctx
          .request()
          .get('/api/chats')
          .query({ cursor: cursor({ k: 'chats', p: false, t, i: id }) }),
        ctx
          .request()
          .get(`/api/chats/${chatId}/messages`)
          .query({ view: 'tree', cursor: cursor({ k: 'tree', t, i: id }) }),
      ];
      for (const list of lists) {
        const res = await list.set(user.auth);
        expectError(res, 400, 'VALIDATION_FAILED');
        expect(res.body.error.details).toEqual([{ path: 'cursor', message: 'Invalid cursor' }]);
      }
    },
  );
});

describe("another list's cursor", () => {
  it("when a chat list's cursor is given to a chat's messages, then 400 VALIDATION_FAILED on cursor, not an empty page", async () => {
    for (let i = 0; i < 2; i += 1)
      await ctx
        .request()
        .post('/api/chats')
        .set(user.auth)
        .send({ title: `list ${i}` });
    const page = await ctx.request().get('/api/chats').query({ limit: 1 }).set(user.auth);
    const next = /cursor=([^&>]+)/.exec(String(page.headers.link))![1]!;
    const res = await ctx
      .request()
      .get(`/api/chats/${chatId}/messages`)
      .query({ cursor: decodeURIComponent(next) })
      .set(user.auth);
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.details).toEqual([{ path: 'cursor', message: 'Invalid cursor' }]);
  });
});

describe('cursors of the right shape for another list', () => {
  // The keys of a branch's page (a message id), of the tree's (a time and an id), of the chat
  // list's: each list's own shape, but named for another list.
  const foreign = [
    { path: () => '/api/chats', shape: { p: false, t: 0, i: id }, of: 'tree' },
    { path: () => `/api/chats/${chatId}/messages?view=tree`, shape: { t: 0, i: id }, of: 'branch' },
    { path: () => `/api/chats/${chatId}/messages`, shape: { i: id }, of: 'tree' },
    { path: () => `/api/chats/${chatId}/messages`, shape: { i: id }, of: undefined },
  ];
  it.each(foreign)(
    'when a cursor of $of (keys $shape) is given to $path, then 400 VALIDATION_FAILED on cursor',
    async ({ path, shape, of }) => {
      const res = await ctx
        .request()
        .get(path())
        .query({ cursor: cursor({ k: of, ...shape }) })
        .set(user.auth);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.message).toMatch(
        of ? 'The cursor belongs to another list' : /^The cursor is invalid/,
      );
      expect(res.body.error.details).toEqual([{ path: 'cursor', message: 'Invalid cursor' }]);
    },
  );
});

describe('a cursor made before an upgrade', () => {
  it('when a chat list cursor without the digest of its query (as earlier versions made them) is given, then 400 on cursor, saying to read the first page again', async () => {
    const res = await ctx
      .request()
      .get('/api/chats')
      .query({ cursor: cursor({ k: 'chats', p: false, t: Date.now(), i: id }) })
      .set(user.auth);
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.message).toMatch(/earlier version of the server.*first page again/);
    expect(res.body.error.details).toEqual([{ path: 'cursor', message: 'Invalid cursor' }]);
  });
});

describe('a branch named with the tree view', () => {
  it('when leafId is given with view=tree, then 400 VALIDATION_FAILED on leafId, not the tree with leafId ignored', async () => {
    const res = await ctx
      .request()
      .get(`/api/chats/${chatId}/messages`)
      .query({ view: 'tree', leafId: id })
      .set(user.auth);
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.details).toEqual([
      { path: 'leafId', message: '`leafId` pages one branch; `view=tree` holds every branch' },
    ]);
  });
});

/** The cursor of a response's `Link: <…&cursor=…>; rel="next"`. */
const nextCursor = (res: { headers: Record<string, string> }) =>
  decodeURIComponent(/[?&]cursor=([^&>]+)/.exec(String(res.headers.link))![1]!);

describe("a cursor of the same list's other query", () => {
  const send = async (who: TestUser, chat: string, content: string) => {
    upstream.script({ chunks: ['ok'] });
    const res = await ctx
      .request()
      .post(`/api/chats/${chat}/messages`)
      .set(who.auth)
      .send({ content, stream: false });
    expect(res.status).toBe(201);
  };

  it("when a chat's tree cursor is given to another chat's tree, then 400 VALIDATION_FAILED on cursor, not an empty page that looks like the end", async () => {
    const older = (await ctx.request().post('/api/chats').set(user.auth).send({})).body.id;
    await send(user, older, 'first question of the older chat');
    const newer = (await ctx.request().post('/api/chats').set(user.auth).send({})).body.id;
    await send(user, newer, 'one');
    await send(user, newer, 'two');
    const page = await ctx
      .request()
      .get(`/api/chats/${newer}/messages`)
      .query({ view: 'tree', limit: 2 })
      .set(user.auth);
    expect(page.body).toHaveLength(2);
    const res = await ctx
      .request()
      .get(`/api/chats/${older}/messages`)
      .query({ view: 'tree', cursor: nextCursor(page) })
      .set(user.auth);
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.details).toEqual([{ path: 'cursor', message: 'Invalid cursor' }]);
    // Its own chat still takes it.
    const own = await ctx
      .request()
      .get(`/api/chats/${newer}/messages`)
      .query({ view: 'tree', cursor: nextCursor(page) })
      .set(user.auth);
    expect(own.status).toBe(200);
    expect(own.body).toHaveLength(2);
  });

  it("when a chat list's cursor is given to the list with another filter, another search or another user, then 400 VALIDATION_FAILED on cursor, not a page that skips chats", async () => {
    const lister = await createUser({ label: 'lister' });
    const other = await createUser({ label: 'other' });
    const made = async (who: TestUser, title: string, archived = false) => {
      const id = (await ctx.request().post('/api/chats').set(who.auth).send({ title })).body.id;
      if (archived)
        await ctx.request().patch(`/api/chats/${id}`).set(who.auth).send({ archived: true });
    };
    for (const title of ['plan a', 'plan b', 'plan c']) await made(lister, title);
    for (const title of ['old x', 'old y']) await made(lister, title, true);
    for (const title of ['plan of another', 'plan of another too']) await made(other, title);

    const list = (who: TestUser, query: Record<string, string>) =>
      ctx.request().get('/api/chats').query(query).set(who.auth);
    const active = nextCursor(await list(lister, { limit: '1' }));
    const archived = nextCursor(await list(lister, { archived: 'true', limit: '1' }));
    const searched = nextCursor(await list(lister, { q: 'plan', limit: '1' }));
    const misused = [
      list(lister, { archived: 'true', cursor: active }),
      list(lister, { cursor: archived }),
      list(lister, { cursor: searched }),
      list(lister, { q: 'plan', cursor: active }),
      list(lister, { q: 'pla', cursor: searched }),
      list(other, { cursor: active }),
      list(other, { q: 'plan', cursor: searched }),
    ];
    for (const res of await Promise.all(misused)) {
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.details).toEqual([{ path: 'cursor', message: 'Invalid cursor' }]);
    }
    // Each list goes on with its own cursor, to the end.
    const titles = (res: { body: { title: string }[] }) => res.body.map((c) => c.title);
    expect(titles(await list(lister, { archived: 'true', cursor: archived }))).toEqual(['old x']);
    expect(titles(await list(lister, { q: 'plan', cursor: searched }))).toEqual([
      'plan b',
      'plan a',
    ]);
    expect(titles(await list(lister, { cursor: active }))).toEqual(['plan b', 'plan a']);
  });
});
