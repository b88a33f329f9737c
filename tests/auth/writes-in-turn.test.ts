import { afterEach, describe, expect, it, vi } from 'vitest';
import { Session } from '../../src/modules/auth/session.model.js';
import { User } from '../../src/modules/users/user.model.js';
import { useTestApp } from '../helpers/app.js';
import { bearer, NO_TIGHT_LIMITS } from '../helpers/auth.js';
import { createUser } from '../helpers/users.js';

/**
 * Two updates of one document at the same moment: the embedded FerretDB applies each as a read
 * and a write of the whole document, so the one written last would undo the other. The writes
 * below are held until both have been asked for (or 100 ms, when one waits for the other's turn
 * instead), then go out together.
 */
const ctx = useTestApp({ ...NO_TIGHT_LIMITS });

let held: (() => void)[] = [];
/** Holds every call of these collection methods until two are held, then lets them go together. */
function releaseInPairs(methods: [object, string][]) {
  for (const [model, name] of methods) {
    const target = model as Record<string, (...args: unknown[]) => unknown>;
    const original = target[name]!.bind(model);
    vi.spyOn(target, name).mockImplementation((...args: unknown[]) => {
      const gate = new Promise<void>((resolve) => {
        held.push(resolve);
        if (held.length === 2) held.forEach((release) => release());
        else setTimeout(resolve, 100);
      });
      return gate.then(() => original(...args));
    });
  }
}
afterEach(() => {
  vi.restoreAllMocks();
});

const refresh = (token: string) =>
  ctx.request().post('/api/auth/refresh').set('Cookie', `refresh_token=${token}`);

describe('a logout at the same moment as a refresh of the same session', () => {
  it('when the rotation and the revocation reach the database together, then the session ends, every time', async () => {
    releaseInPairs([[Session.collection, 'updateOne']]);
    for (let round = 1; round <= 12; round += 1) {
      held = [];
      const user = await createUser({ label: `logout-race-${round}` });
      const [refreshed, loggedOut] = await Promise.all([
        refresh(user.refreshToken),
        ctx.request().post('/api/auth/logout').set(bearer(user.accessToken)),
      ]);
      expect(loggedOut.status).toBe(204);
      // The refresh may have answered first; whatever it handed out no longer works.
      expect([200, 401]).toContain(refreshed.status);
      const session = await Session.findById(user.sessionId).lean();
      expect(session!.revokedAt, `round ${round}`).not.toBeNull();
      const me = await ctx.request().get('/api/auth/me').set(user.auth);
      expect(me.status, `round ${round}`).toBe(401);
    }
  });
});

describe("a user's rename at the same moment as an administrator's change of the account", () => {
  it('when both reach the database together, then the account is disabled, and renamed when the rename was let in, every time', async () => {
    const admin = await createUser({ label: 'turn-admin' });
    await User.updateOne({ _id: admin.id }, { $set: { role: 'admin' } });
    releaseInPairs([
      [User.collection, 'updateOne'],
      [User.collection, 'findOneAndUpdate'],
    ]);
    for (let round = 1; round <= 12; round += 1) {
      const user = await createUser({ label: `rename-race-${round}` });
      held = [];
      const [disabled, renamed] = await Promise.all([
        ctx.request().patch(`/api/admin/users/${user.id}`).set(admin.auth).send({ disabled: true }),
        ctx
          .request()
          .patch('/api/auth/me')
          .set(user.auth)
          .send({ name: `Renamed ${round}` }),
      ]);
      expect(disabled.status).toBe(200);
      expect([200, 401]).toContain(renamed.status);
      const stored = await User.findById(user.id).lean();
      expect(stored!.disabled, `round ${round}`).toBe(true);
      if (renamed.status === 200) expect(stored!.name, `round ${round}`).toBe(`Renamed ${round}`);
    }
  });
});
