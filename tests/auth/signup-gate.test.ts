import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { expectError } from '../helpers/auth.js';
import { createUser } from '../helpers/users.js';

// A slow hash (about a second here), so a sign-up is still hashing when the login arrives.
const ctx = useTestApp({ TRUST_PROXY: '1', BCRYPT_COST: '14' });

describe('a sign-up with an owner’s email and the owner’s login', () => {
  it('when a stranger signs up with the email of an account while its owner logs in, then the owner is logged in and the sign-up is a 409: the sign-up holds no place the login needs', async () => {
    const owner = await createUser();
    const signup = ctx
      .request()
      .post('/api/auth/signup')
      .set('X-Forwarded-For', '203.0.113.9')
      .send({ email: owner.email, password: 'stranger password 1' })
      .then((res) => res);
    // The sign-up has taken its place and is hashing.
    await new Promise((resolve) => setTimeout(resolve, 150));
    const login = await ctx
      .request()
      .post('/api/auth/login')
      .set('X-Forwarded-For', '198.51.100.4')
      .send({ email: owner.email, password: owner.password });
    expect(login.status).toBe(200);
    expectError(await signup, 409, 'EMAIL_TAKEN');
  });
});
