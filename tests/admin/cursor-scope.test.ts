import { beforeAll, describe, expect, it } from 'vitest';
import { User } from '../../src/modules/users/user.model.js';
import { useTestApp } from '../helpers/app.js';
import { expectError, NO_TIGHT_LIMITS } from '../helpers/auth.js';
import { createUser, type TestUser } from '../helpers/users.js';

const ctx = useTestApp({ ...NO_TIGHT_LIMITS });
let root: TestUser;
let newestAdmin: TestUser;

beforeAll(async () => {
  root = await createUser({ label: 'scope-root' });
  await User.updateOne({ _id: root.id }, { $set: { role: 'admin' } });
  for (let i = 0; i < 2; i += 1) await createUser({ label: `scope-member${i}` });
  newestAdmin = await createUser({ label: 'scope-admin2' });
  await User.updateOne({ _id: newestAdmin.id }, { $set: { role: 'admin' } });
  await createUser({ label: 'scope-newest' });
});

const nextCursor = (res: { headers: Record<string, string> }) =>
  decodeURIComponent(/[?&]cursor=([^&>]+)/.exec(String(res.headers.link))![1]!);

describe("an admin list's cursor given to the same list with another filter", () => {
  it('when the accounts cursor of the unfiltered list is given with role=admin, then 400 VALIDATION_FAILED on cursor (as the description says), not a page that skips an administrator', async () => {
    // Newest first: scope-newest, scope-admin2 | scope-member1, …
    const page = await ctx.request().get('/api/admin/users').query({ limit: 2 }).set(root.auth);
    expect(page.status).toBe(200);
    expect(page.body.map((u: { email: string }) => u.email)).toContain(newestAdmin.email);
    const res = await ctx
      .request()
      .get('/api/admin/users')
      .query({ role: 'admin', cursor: nextCursor(page) })
      .set(root.auth);
    // Today: 200 with [root] alone, the newer administrator skipped.
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.details[0].path).toBe('cursor');
  });

  it("when the audit's cursor of the whole log is given with userId, then 400 VALIDATION_FAILED on cursor", async () => {
    for (const budget of [1000, 2000, 3000])
      expect(
        (
          await ctx
            .request()
            .patch(`/api/admin/users/${newestAdmin.id}`)
            .set(root.auth)
            .send({ tokenBudgetPerDay: budget })
        ).status,
      ).toBe(200);
    const page = await ctx.request().get('/api/admin/audit').query({ limit: 1 }).set(root.auth);
    expect(page.status).toBe(200);
    const res = await ctx
      .request()
      .get('/api/admin/audit')
      .query({ userId: root.id, cursor: nextCursor(page) })
      .set(root.auth);
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.details[0].path).toBe('cursor');
  });
});

describe('an accounts search of only spaces', () => {
  it('when q is blank after trimming, then it is no search: the same accounts, and the unfiltered list’s cursor goes on with it (and back)', async () => {
    const emails = (res: { body: { email: string }[] }) => res.body.map((u) => u.email);
    const first = await ctx.request().get('/api/admin/users').query({ limit: 2 }).set(root.auth);
    const blank = await ctx
      .request()
      .get('/api/admin/users')
      .query({ q: '   ', limit: 2 })
      .set(root.auth);
    expect(blank.status).toBe(200);
    expect(emails(blank)).toEqual(emails(first));
    const next = await ctx
      .request()
      .get('/api/admin/users')
      .query({ limit: 2, cursor: nextCursor(first) })
      .set(root.auth);
    for (const [q, cursor] of [
      ['   ', nextCursor(first)],
      [undefined, nextCursor(blank)],
    ]) {
      const res = await ctx
        .request()
        .get('/api/admin/users')
        .query({ q, limit: 2, cursor })
        .set(root.auth);
      expect(res.status).toBe(200);
      expect(emails(res)).toEqual(emails(next));
    }
  });
});
