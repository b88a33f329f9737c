import { describe, expect, it, vi } from 'vitest';
import { promote } from '../../src/modules/admin/roles.js';
import { User } from '../../src/modules/users/user.model.js';
import { subscribeToUsers } from '../../src/modules/users/user-hooks.js';
import { useTestApp } from '../helpers/app.js';
import { NO_TIGHT_LIMITS, PASSWORD } from '../helpers/auth.js';
import { createUser } from '../helpers/users.js';

const ctx = useTestApp({ ...NO_TIGHT_LIMITS });

describe('a deletion racing a promotion that takes no accounts lock (npm run admin, ADMIN_EMAILS)', () => {
  it('when the account is promoted between the deletion reading its role and marking it, and the other administrator then steps down, then the deletion still completes (never LAST_ADMIN after its data is gone)', async () => {
    const root = await createUser({ label: 'race-root' });
    await User.updateOne({ _id: root.id }, { $set: { role: 'admin' } });
    const leaving = await createUser({ label: 'race-leaving' });

    // beginDeletion reads the role under the lock, then writes its mark: a CLI promotion (no lock)
    // lands in between.
    const findById = User.findById.bind(User);
    let fired = false;
    const spy = vi.spyOn(User, 'findById').mockImplementation(((
      id: unknown,
      projection?: Record<string, unknown>,
    ) => {
      const query = findById(id as string, projection);
      if (fired || String(id) !== leaving.id || !projection || !('disabled' in projection))
        return query;
      fired = true;
      return {
        lean: async () => {
          const read = await query.lean();
          const account = (await User.findOne({ _id: leaving.id }).lean())!;
          // Refused once the deletion's mark is there; otherwise made, as the read does not see it.
          await promote(account, 'cli').catch(() => false);
          return read;
        },
      };
    }) as never);
    let steppedDown: number | undefined;
    subscribeToUsers('test-race-promotion', {
      removeData: async (userId) => {
        if (userId !== leaving.id) return;
        // Root counts on the (promoted) account as the other active administrator.
        steppedDown = (
          await ctx
            .request()
            .patch(`/api/admin/users/${root.id}`)
            .set(root.auth)
            .send({ role: 'user' })
        ).status;
      },
    });
    let deleted;
    try {
      deleted = await ctx
        .request()
        .delete('/api/auth/me')
        .set(leaving.auth)
        .send({ password: PASSWORD });
    } finally {
      spy.mockRestore();
      subscribeToUsers('test-race-promotion', {});
    }
    expect(fired).toBe(true);
    // An active administrator remains whatever happened.
    expect(await User.countDocuments({ role: 'admin', disabled: { $ne: true } })).toBeGreaterThan(
      0,
    );
    // The deletion the user asked for is done: never a 409 LAST_ADMIN with their data removed.
    expect({ deleted: deleted.status, steppedDown }).toEqual({ deleted: 204, steppedDown: 409 });
    expect(await User.findById(leaving.id).lean()).toBeNull();
  });
});
