import { beforeAll, describe, expect, it } from 'vitest';
import { User } from '../../src/modules/users/user.model.js';
import { useTestApp } from '../helpers/app.js';
import { createUser, type TestUser } from '../helpers/users.js';

const ctx = useTestApp({});
let user: TestUser;
let root: TestUser;
beforeAll(async () => {
  user = await createUser({ label: 'clock-dates' });
  root = await createUser({ label: 'clock-root' });
  await User.updateOne({ _id: root.id }, { $set: { role: 'admin' } });
});

/** Each range as a client may write it, and the answer it gets: a day range, or 400 naming it. */
const cases: [query: string, status: 200 | 400][] = [
  ['from=2026-12-07T00:00:00%2B05:00', 400],
  ['to=2026-12-07T00:00:00Z', 400],
  ['from=2026-12-07&to=2026-12-06', 400],
  ['from=9999-12-31&to=9999-12-31', 200],
  ['to=9999-12-31', 200],
  ['from=9999-12-31', 400],
  ['to=1970-01-01', 200],
  ['from=1970-01-01&to=1970-01-01', 200],
  ['to=1970-01-05', 200],
  ['from=2026-12-07&from=2026-12-01', 400],
  ['from[]=2026-12-07', 400],
  ['from=2025-12-07&to=2026-12-07', 200],
  ['from=2025-12-06&to=2026-12-07', 400],
  ['from=2024-02-29&to=2024-02-29', 200],
  ['from=2025-02-29', 400],
  ['from=+002026-12-07', 400],
  ['from=20261207', 400],
  ['from=2026-W49-1', 400],
  ['from=', 400],
  ['to=', 400],
];

describe('usage date ranges', () => {
  for (const base of ['/api/usage', '/api/admin/usage']) {
    it.each(cases)(
      `when ${base} is asked for %s, then %i: a range of days, or 400 VALIDATION_FAILED (never a 500)`,
      async (q, status) => {
        const res = await ctx
          .request()
          .get(`${base}?${q}`)
          .set((base.includes('admin') ? root : user).auth);
        expect(res.status).toBe(status);
        if (status === 200) expect(res.body.from <= res.body.to).toBe(true);
        else expect(res.body.error.code).toBe('VALIDATION_FAILED');
      },
    );
  }
});
