import { describe, expect, it } from 'vitest';
import { Session } from '../../src/modules/auth/session.model.js';
import { User } from '../../src/modules/users/user.model.js';
import { useTestApp } from '../helpers/app.js';
import { bearer, NO_TIGHT_LIMITS } from '../helpers/auth.js';
import { createUser } from '../helpers/users.js';
import { expectTookTurns, releaseInPairs } from '../helpers/write-pairs.js';

/**
 * Two updates of one document at the same moment: the embedded FerretDB applies each as a read
 * and a write of the whole document, so the one written last would undo the other. The writes
 * below are held until both have been asked for (or 100 ms, when one waits for the other's turn
 * instead), then go out together (releaseInPairs).
 */
const ctx = useTestApp({ ...NO_TIGHT_LIMITS });

const refresh = (token: string) =>
  ctx.request().post('/api/auth/refresh').set('Cookie', `refresh_token=${token}`);

describe('a logout at the same moment as a refresh of the same session', () => {
  it('when the rotation and the revocation are made together, then they take turns and the session ends, every time', async () => {
    const pairs = releaseInPairs([[Session.collection, 'updateOne']]);
    try {
      for (let round = 1; round <= 6; round += 1) {
        const user = await createUser({ label: `logout-race-${round}` });
        pairs.reset();
        const [refreshed, loggedOut] = await Promise.all([
          refresh(user.refreshToken),
          ctx.request().post('/api/auth/logout').set(bearer(user.accessToken)),
        ]);
        expect(loggedOut.status).toBe(204);
        // The refresh may have answered first; whatever it handed out no longer works.
        expect([200, 401]).toContain(refreshed.status);
        expectTookTurns(pairs, `round ${round}`);
        const session = await Session.findById(user.sessionId).lean();
        expect(session!.revokedAt, `round ${round}`).not.toBeNull();
        const me = await ctx.request().get('/api/auth/me').set(user.auth);
        expect(me.status, `round ${round}`).toBe(401);
      }
    } finally {
      pairs.restore();
    }
  });
});

describe("a user's rename at the same moment as an administrator's change of the account", () => {
  it('when both are made together, then they take turns: the account is disabled, and renamed when the rename was let in, every time', async () => {
    const admin = await createUser({ label: 'turn-admin' });
    await User.updateOne({ _id: admin.id }, { $set: { role: 'admin' } });
    const pairs = releaseInPairs([
      [User.collection, 'updateOne'],
      [User.collection, 'findOneAndUpdate'],
    ]);
    try {
      for (let round = 1; round <= 6; round += 1) {
        const user = await createUser({ label: `rename-race-${round}` });
        pairs.reset();
        const [disabled, renamed] = await Promise.all([
          ctx
            .request()
            .patch(`/api/admin/users/${user.id}`)
            .set(admin.auth)
            .send({ disabled: true }),
          ctx
            .request()
            .patch('/api/auth/me')
            .set(user.auth)
            .send({ name: `Renamed ${round}` }),
        ]);
        expect(disabled.status).toBe(200);
        expect([200, 401]).toContain(renamed.status);
        expectTookTurns(pairs, `round ${round}`);
        const stored = await User.findById(user.id).lean();
        expect(stored!.disabled, `round ${round}`).toBe(true);
        if (renamed.status === 200) expect(stored!.name, `round ${round}`).toBe(`Renamed ${round}`);
      }
    } finally {
      pairs.restore();
    }
  });
});
