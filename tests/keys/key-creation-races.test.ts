import { describe, expect, it, vi } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Session } from '../../src/modules/auth/session.model.js';
import { ApiKey } from '../../src/modules/keys/key.model.js';
import { User } from '../../src/modules/users/user.model.js';
import { useTestApp } from '../helpers/app.js';
import { NO_TIGHT_LIMITS, PASSWORD } from '../helpers/auth.js';
import { eventually } from '../helpers/eventually.js';
import { holdCall } from '../helpers/hold-call.js';
import { createUser, openSession, type TestUser } from '../helpers/users.js';

const ctx = useTestApp({ ...NO_TIGHT_LIMITS, MODELS: 'demo', DEMO_CHUNK_DELAY_MS: '0' });

const models = (key: string) =>
  ctx.request().get('/v1/models').set('Authorization', `Bearer ${key}`);
const createKey = (who: { auth: { Authorization: string } }) =>
  ctx
    .request()
    .post('/api/keys')
    .set(who.auth)
    .send({ name: 'made in the race' })
    .then((res) => res);
const keysOf = (user: TestUser) => ApiKey.countDocuments({ userId: new Types.ObjectId(user.id) });

async function newAdmin() {
  const admin = await createUser({ label: 'key-race-admin' });
  await User.updateOne({ _id: admin.id }, { $set: { role: 'admin' } });
  return admin;
}
const signOutEverywhere = (admin: TestUser, user: TestUser) =>
  ctx.request().post(`/api/admin/users/${user.id}/sign-out`).set(admin.auth);

/**
 * A key creation that has passed its session check, held where it reads the account's password
 * stamp (the first read of a user document after that check), as a slow request would be.
 */
async function heldAtStampRead(user: TestUser) {
  const hold = holdCall(User.collection, 'findOne');
  const creating = createKey(user);
  await hold.reached;
  return {
    finish: async () => {
      hold.release();
      try {
        return await creating;
      } finally {
        hold.restore();
      }
    },
  };
}

describe('a key made while the ways into the account end', () => {
  it('when a session makes a key while the owner changes the password on another device, then the key is refused: 401, and none is left', async () => {
    const user = await createUser({ label: 'key-race-password' });
    const owner = await openSession(user.id);
    const creation = await heldAtStampRead(user);
    const changed = await ctx
      .request()
      .post('/api/auth/password')
      .set(owner.auth)
      .send({ currentPassword: PASSWORD, newPassword: 'a brand new long passphrase' });
    expect(changed.status).toBe(204);
    const res = await creation.finish();
    expect(res.status, JSON.stringify(res.body)).toBe(401);
    expect(await keysOf(user)).toBe(0);
  });

  it('when a session makes a key while an administrator signs the account out everywhere, then the key is refused: 401, and none is left', async () => {
    const admin = await newAdmin();
    const user = await createUser({ label: 'key-race-signout' });
    const creation = await heldAtStampRead(user);
    expect((await signOutEverywhere(admin, user)).status).toBe(204);
    const res = await creation.finish();
    expect(res.status, JSON.stringify(res.body)).toBe(401);
    expect(await keysOf(user)).toBe(0);
  });

  it('when a key is stored after the sign-out removed the keys but before the sessions ended, then the sweep after the sign-out removes it', async () => {
    const admin = await newAdmin();
    const user = await createUser({ label: 'key-race-signout-late' });
    // The sessions' end waits; the keys' removal beside it goes ahead.
    const revocation = holdCall(
      Session,
      'updateMany',
      (args) => String((args[0] as { userId?: unknown }).userId) === user.id,
    );
    const removals = vi.spyOn(ApiKey, 'deleteMany');
    try {
      const signingOut = signOutEverywhere(admin, user).then((res) => res);
      await revocation.reached;
      await eventually(
        () => Promise.resolve(removals.mock.calls.length),
        (n) => n >= 1,
      );
      // The session is still open: the key is made and handed out.
      const made = await createKey(user);
      expect(made.status).toBe(201);
      revocation.release();
      expect((await signingOut).status).toBe(204);
      expect(await keysOf(user)).toBe(0);
      expect((await models(made.body.key as string)).status).toBe(401);
    } finally {
      revocation.restore();
      removals.mockRestore();
    }
  });

  it('when a key is stored while the account is being deleted, then the request is refused and no key of the deleted account is left', async () => {
    const user = await createUser({ label: 'key-race-deletion' });
    const other = await openSession(user.id);
    const insert = holdCall(ApiKey.collection, 'insertOne');
    try {
      const creating = createKey(user);
      await insert.reached;
      const deleted = await ctx
        .request()
        .delete('/api/auth/me')
        .set(other.auth)
        .send({ password: PASSWORD });
      expect(deleted.status).toBe(204);
      insert.release();
      const res = await creating;
      expect(res.status, JSON.stringify(res.body)).toBe(401);
    } finally {
      insert.restore();
    }
    expect(await keysOf(user)).toBe(0);
  });

  it('when the check of the session after the key is stored fails, then the request fails and leaves no key', async () => {
    const user = await createUser({ label: 'key-recheck-fails' });
    const lookUp = Session.collection.findOne.bind(Session.collection);
    let lookups = 0;
    const spy = vi
      .spyOn(Session.collection, 'findOne')
      .mockImplementation(async (...args: Parameters<typeof lookUp>) => {
        // The request's own session check passes; the one after the key is stored fails.
        if (String((args[0] as { _id?: unknown })._id) === user.sessionId && ++lookups === 2)
          throw new Error('the session could not be read');
        return lookUp(...args);
      });
    try {
      const res = await createKey(user);
      expect(res.status).toBe(500);
      expect(res.body.error.code).toBe('INTERNAL');
    } finally {
      spy.mockRestore();
    }
    expect(lookups).toBe(2);
    expect(await keysOf(user)).toBe(0);
  });
});
