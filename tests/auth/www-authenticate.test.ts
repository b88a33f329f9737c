import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { NO_TIGHT_LIMITS } from '../helpers/auth.js';
import { createUser } from '../helpers/users.js';

const ctx = useTestApp(NO_TIGHT_LIMITS);

// SECURITY.md 6: "401 responses carry WWW-Authenticate: Bearer" (RFC 9110 §15.5.2: a 401 MUST).
describe('every 401 carries WWW-Authenticate', () => {
  it('when a login fails, then the 401 INVALID_CREDENTIALS carries WWW-Authenticate', async () => {
    const user = await createUser();
    const res = await ctx
      .request()
      .post('/api/auth/login')
      .send({ email: user.email, password: 'wrong password' });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('when a password change names a wrong current password, then the 401 carries WWW-Authenticate', async () => {
    const user = await createUser();
    const res = await ctx
      .request()
      .post('/api/auth/password')
      .set(user.auth)
      .send({ currentPassword: 'wrong password', newPassword: 'another password 123' });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });
});
