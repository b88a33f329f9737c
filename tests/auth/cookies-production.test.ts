import { describe, expect, inject, it } from 'vitest';
import { User } from '../../src/modules/users/user.model.js';
import { uniqueEmail, useTestApp } from '../helpers/app.js';

// An app built with the production configuration (the database is the test one).
const ctx = useTestApp({
  NODE_ENV: 'production',
  MONGODB_URI: inject('mongoUri'),
  MODELS: 'demo',
  SIGNUP_LIMIT_PER_IP: '1000',
});

describe('in production', () => {
  it('when a session opens, then the refresh cookie is also Secure and the hash has cost 12', async () => {
    const email = uniqueEmail('prod');
    const res = await ctx
      .request()
      .post('/api/auth/signup')
      .send({ email, password: 'correct horse battery' });
    expect(res.status).toBe(201);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie.split(';').map((a) => a.trim())).toEqual(
      expect.arrayContaining(['Secure', 'HttpOnly', 'SameSite=Strict', 'Path=/api/auth']),
    );
    const stored = await User.findOne({ email }).lean();
    expect(stored!.passwordHash).toMatch(/^\$2[aby]\$12\$/);
    const logout = await ctx
      .request()
      .post('/api/auth/logout')
      .set('Cookie', cookie.split(';')[0]!);
    expect(String(logout.headers['set-cookie'])).toMatch(/Secure/);
  });
});
