import { beforeAll, describe, expect, it } from 'vitest';
import { User } from '../../src/modules/users/user.model.js';
import { useTestApp } from '../helpers/app.js';
import { expectError, NO_TIGHT_LIMITS } from '../helpers/auth.js';
import { createUser, type TestUser } from '../helpers/users.js';

const ctx = useTestApp({ ...NO_TIGHT_LIMITS, PAGE_SIZE_MAX: '2' });
let root: TestUser;

beforeAll(async () => {
  root = await createUser({ label: 'lists-root' });
  await User.updateOne({ _id: root.id }, { $set: { role: 'admin' } });
  for (let i = 0; i < 4; i += 1) await createUser({ label: `lists-member${i}` });
});

describe('the admin lists and reports at their edges', () => {
  it('when the accounts or the audit are listed without limit, then a page holds PAGE_SIZE_MAX entries, as with a larger limit, and the Link cursor leads on', async () => {
    for (const path of ['/api/admin/users', '/api/admin/users?limit=50']) {
      const res = await ctx.request().get(path).set(root.auth);
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(2);
      expect(res.headers.link).toMatch(/rel="next"/);
    }
    // Three changes recorded in the audit: its first page holds two.
    const target = (await User.findOne({ _id: { $ne: root.id } }).lean())!;
    for (const budget of [1000, 2000, 3000])
      expect(
        (
          await ctx
            .request()
            .patch(`/api/admin/users/${String(target._id)}`)
            .set(root.auth)
            .send({ tokenBudgetPerDay: budget })
        ).status,
      ).toBe(200);
    const audit = await ctx.request().get('/api/admin/audit').set(root.auth);
    expect(audit.status).toBe(200);
    expect(audit.body).toHaveLength(2);
  });

  it('when the accounts or the audit are asked for a limit not in decimal digits, then 400 on limit, as the chats lists answer', async () => {
    for (const path of ['/api/admin/users', '/api/admin/audit'])
      for (const limit of ['0x2', '2e0', '%202', '2.0']) {
        const res = await ctx.request().get(`${path}?limit=${limit}`).set(root.auth);
        expectError(res, 400, 'VALIDATION_FAILED');
        expect(res.body.error.details).toEqual([
          { path: 'limit', message: 'Expected a whole number in decimal digits, given once' },
        ]);
      }
  });

  it('when the accounts are searched with a control character, then 400 on q, as the chats search answers', async () => {
    for (const q of ['a\u0000b', '\u0007', 'line\nbreak', 'del\u007f']) {
      const res = await ctx.request().get('/api/admin/users').query({ q }).set(root.auth);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.details[0].path).toBe('q');
    }
  });

  it('when a usage report ends on a day before 1970 (year 0000 is an ISO date), then 400 on to, never a malformed from', async () => {
    for (const path of ['/api/admin/usage?to=0000-01-01', '/api/usage?to=0000-01-01']) {
      const res = await ctx.request().get(path).set(root.auth);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.details[0].path).toBe('to');
    }
    // A day written another way is told how to write it, and only that.
    const misspelt = await ctx.request().get('/api/usage?from=12/01/2026').set(root.auth);
    expectError(misspelt, 400, 'VALIDATION_FAILED');
    expect(misspelt.body.error.details).toEqual([
      { path: 'from', message: 'Use a calendar date as YYYY-MM-DD' },
    ]);
    const recent = await ctx.request().get('/api/usage?to=1970-01-31').set(root.auth);
    expect(recent.status).toBe(200);
    expect(recent.body.from).toBe('1970-01-02');
  });
});
