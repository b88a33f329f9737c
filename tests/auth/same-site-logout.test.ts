import { describe, expect, it } from 'vitest';
import { Session } from '../../src/modules/auth/session.model.js';
import { useTestApp } from '../helpers/app.js';
import { bearer, expectError, NO_TIGHT_LIMITS } from '../helpers/auth.js';
import { createUser } from '../helpers/users.js';

const ctx = useTestApp(NO_TIGHT_LIMITS);

// README: the SPA and the API are meant to live on sibling subdomains of one site
// (app.example.com, api.example.com). SameSite=Strict then sends the cookie with requests from
// *every* sibling (blog.example.com, a user-content host...). An <img src=".../api/auth/logout">
// there is a GET with no Origin and `Sec-Fetch-Site: same-site`.
describe('GET /logout as a subresource of a sibling subdomain', () => {
  it('when an <img> on another subdomain of the site loads GET /logout, then 403 and the session stays open', async () => {
    const account = await createUser();
    const res = await ctx
      .request()
      .get('/api/auth/logout')
      .set('Sec-Fetch-Site', 'same-site')
      .set('Sec-Fetch-Mode', 'no-cors')
      .set('Sec-Fetch-Dest', 'image')
      .set('Cookie', `refresh_token=${account.refreshToken}`);
    expectError(res, 403, 'FORBIDDEN_ORIGIN');
    const session = await Session.findById(account.sessionId).lean();
    expect(session!.revokedAt).toBeNull();
    expect((await ctx.request().get('/api/auth/me').set(bearer(account.accessToken))).status).toBe(
      200,
    );
  });

  it('when the same request is same-origin, user-typed (none) or from a non-browser client, then it still logs out', async () => {
    for (const site of ['same-origin', 'none', undefined]) {
      const account = await createUser();
      const req = ctx
        .request()
        .get('/api/auth/logout')
        .set('Cookie', `refresh_token=${account.refreshToken}`);
      if (site) req.set('Sec-Fetch-Site', site);
      expect((await req).status, String(site)).toBe(204);
    }
  });
});
