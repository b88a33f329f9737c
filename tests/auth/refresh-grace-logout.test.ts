import { describe, expect, it } from 'vitest';
import { User } from '../../src/modules/users/user.model.js';
import { useTestApp } from '../helpers/app.js';
import {
  bearer,
  expectUnauthenticated,
  NO_TIGHT_LIMITS,
  refreshCookieOf,
  signUp,
} from '../helpers/auth.js';
import { holdCall } from '../helpers/hold-call.js';

const ctx = useTestApp({ ...NO_TIGHT_LIMITS, REFRESH_GRACE_SECONDS: '10' });
const refresh = (token: string) =>
  ctx
    .request()
    .post('/api/auth/refresh')
    .set('Cookie', `refresh_token=${token}`)
    .then((res) => res);

describe('a logout in one tab while another tab refreshes with the cookie just rotated', () => {
  it('when the logout ends the session while the grace refresh is under way, then that refresh is a 401 that clears the cookie, not tokens of the ended session', async () => {
    const account = await signUp(ctx);
    const first = await refresh(account.refreshToken);
    expect(first.status).toBe(200);
    // The second tab still sends the cookie the first just rotated (the grace answer); it is
    // held once it has read the session (still open), at its read of the account.
    const reading = holdCall(User.collection, 'findOne');
    try {
      const late = refresh(account.refreshToken);
      await reading.reached;
      const out = await ctx.request().post('/api/auth/logout').set(bearer(first.body.accessToken));
      expect(out.status).toBe(204);
      reading.release();
      const res = await late;
      expectUnauthenticated(res);
      // The logout cleared the browser's cookie: this answer must not set it again.
      expect(refreshCookieOf(res) ?? '').toBe('');
    } finally {
      reading.restore();
    }
  });
});
