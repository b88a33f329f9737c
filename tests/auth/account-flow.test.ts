import { describe, expect, it } from 'vitest';
import { Session } from '../../src/modules/auth/session.model.js';
import { User } from '../../src/modules/users/user.model.js';
import { uniqueEmail, useTestApp } from '../helpers/app.js';

const ctx = useTestApp();

describe('account lifecycle', () => {
  it('signs up, reads me, refreshes with the cookie, logs out, and then the access token is refused', async () => {
    const agent = ctx.request();
    const email = uniqueEmail('flow');
    const signup = await agent
      .post('/api/auth/signup')
      .send({ email: `  ${email.toUpperCase()} `, password: 'correct horse', name: 'Ada' });
    expect(signup.status).toBe(201);
    expect(signup.body).toEqual({
      user: {
        id: expect.any(String),
        email,
        name: 'Ada',
        role: 'user',
        createdAt: expect.any(String),
      },
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 900,
    });
    const cookie = String(signup.headers['set-cookie']);
    expect(cookie).toMatch(/refresh_token=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/api\/auth/);

    const stored = await User.findOne({ email }).lean();
    expect(stored?.passwordHash).toMatch(/^\$2[aby]\$10\$/);

    const me = await agent
      .get('/api/auth/me')
      .set('Authorization', `Bearer ${signup.body.accessToken}`);
    expect(me.status).toBe(200);
    expect(me.body).toEqual(signup.body.user);

    const refreshed = await agent.post('/api/auth/refresh');
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.user).toEqual(signup.body.user);
    const access = refreshed.body.accessToken as string;

    const logout = await agent.post('/api/auth/logout').set('Authorization', `Bearer ${access}`);
    expect(logout.status).toBe(204);
    const after = await agent.get('/api/auth/me').set('Authorization', `Bearer ${access}`);
    expect(after.status).toBe(401);
    expect(after.headers['www-authenticate']).toBe('Bearer');
    expect(after.body.error.code).toBe('UNAUTHENTICATED');
    const sessions = await Session.find({ userId: stored!._id }).lean();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.revokedAt).toBeInstanceOf(Date);
  });
});
