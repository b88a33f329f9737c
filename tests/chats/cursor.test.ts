import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { expectError } from '../helpers/auth.js';
import { createUser, type TestUser } from '../helpers/users.js';

const ctx = useTestApp();
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
      expect(res.body.error.message).toBe(
        of ? 'The cursor belongs to another list' : 'The cursor is invalid',
      );
      expect(res.body.error.details).toEqual([{ path: 'cursor', message: 'Invalid cursor' }]);
    },
  );
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
