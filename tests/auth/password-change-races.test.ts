import { describe, expect, it } from 'vitest';
import { User } from '../../src/modules/users/user.model.js';
import { useTestApp } from '../helpers/app.js';
import { bearer, expectUnauthenticated, NO_TIGHT_LIMITS } from '../helpers/auth.js';
import { holdCall } from '../helpers/hold-call.js';
import { createUser } from '../helpers/users.js';

const ctx = useTestApp({ ...NO_TIGHT_LIMITS, MODELS: 'demo' });

describe('a password change racing a login with the old password', () => {
  it('when a login with the old password lands while the new one is being stored, then the session it opened does not outlive the change', async () => {
    const user = await createUser({ label: 'password-change-race' });
    const storing = holdCall(User.collection, 'updateOne', (args) =>
      JSON.stringify(args[1] ?? {}).includes('passwordHash'),
    );
    try {
      const changing = ctx
        .request()
        .post('/api/auth/password')
        .set(user.auth)
        .send({ currentPassword: user.password, newPassword: 'a brand new passphrase' })
        .then((res) => res);
      // The other sessions have ended; the new password is not stored yet.
      await storing.reached;
      const login = await ctx
        .request()
        .post('/api/auth/login')
        .send({ email: user.email, password: user.password });
      expect(login.status).toBe(200);
      storing.release();
      expect((await changing).status).toBe(204);
      expectUnauthenticated(
        await ctx.request().get('/api/auth/me').set(bearer(login.body.accessToken)),
      );
    } finally {
      storing.restore();
    }
  });
});
