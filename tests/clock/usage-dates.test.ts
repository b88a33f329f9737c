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

const cases = [
  'from=2026-12-07T00:00:00%2B05:00',
  'to=2026-12-07T00:00:00Z',
  'from=2026-12-07&to=2026-12-06',
  'from=9999-12-31&to=9999-12-31',
  'to=9999-12-31',
  'from=9999-12-31',
  'to=1970-01-01',
  'from=1970-01-01&to=1970-01-01',
  'to=1970-01-05',
  'from=2026-12-07&from=2026-12-01',
  'from[]=2026-12-07',
  'from=2025-12-07&to=2026-12-07',
  'from=2025-12-06&to=2026-12-07',
  'from=2024-02-29&to=2024-02-29',
  'from=2025-02-29',
  'from=+002026-12-07',
  'from=20261207',
  'from=2026-W49-1',
  'from=',
  'to=',
];

describe('usage date ranges', () => {
  for (const base of ['/api/usage', '/api/admin/usage']) {
    for (const q of cases) {
      it(`${base}?${q} answers 200 or a 400 JSON error, never 500`, async () => {
        const res = await ctx
          .request()
          .get(`${base}?${q}`)
          .set((base.includes('admin') ? root : user).auth);
        expect([200, 400]).toContain(res.status);
        if (res.status === 200) {
          expect(res.body.from <= res.body.to).toBe(true);
        } else expect(res.body.error.code).toBe('VALIDATION_FAILED');
      });
    }
  }
});
