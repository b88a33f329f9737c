/**
 * README ("Auth flow with curl"): after a password change, the old refresh cookie is, within
 * REFRESH_GRACE_SECONDS, refused without ending the session (409 REFRESH_COOKIE_REPLACED), as
 * another tab's refresh crossing the change would send it. That tab's typed client refreshes
 * again with the cookie the browser holds now, and goes on.
 */
import { expect, it } from 'vitest';
import { createClient } from '../../clients/typescript/src/index.js';
import { useChatApp } from '../helpers/chat-app.js';
import { uniqueEmail } from '../helpers/app.js';

const ctx = useChatApp({
  SIGNUP_LIMIT_PER_IP: '1000',
  LOGIN_LIMIT_PER_IP: '1000',
  LOGIN_LIMIT_PER_ACCOUNT: '1000',
  TITLES: 'off',
});
const baseUrl = () => `http://127.0.0.1:${ctx.server.port}`;

/**
 * A browser: one cookie jar for every tab, Set-Cookie hidden from scripts. `crossing` sends the
 * next refresh with the cookie as it was before (a request that left before the jar changed).
 */
function browser() {
  let cookie: string | undefined;
  let crossingCookie: string | undefined;
  const tab: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname;
    let sent = cookie;
    if (crossingCookie && path === '/api/auth/refresh') {
      sent = crossingCookie;
      crossingCookie = undefined;
    }
    if (sent && path.startsWith('/api/auth/')) request.headers.set('Cookie', sent);
    const response = await fetch(request);
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0]!;
      if (/^(?:__Host-)?refresh_token=/.test(pair)) cookie = pair.endsWith('=') ? undefined : pair;
    }
    const headers = new Headers(response.headers);
    headers.delete('Set-Cookie');
    return new Response(response.body, { status: response.status, headers });
  };
  return {
    tab,
    cookieNow: () => cookie,
    crossWith: (c: string | undefined) => (crossingCookie = c),
  };
}

it("when another tab's refresh crosses a password change, then that tab's typed client does not end the session the server kept", async () => {
  const b = browser();
  const tabA = createClient({ baseUrl: baseUrl(), fetch: b.tab });
  await tabA.signup({ email: uniqueEmail('crossing'), password: 'correct horse battery' });
  const before = b.cookieNow();

  let ended = 0;
  const tabB = createClient({ baseUrl: baseUrl(), fetch: b.tab, onSessionEnd: () => (ended += 1) });

  await tabA.changePassword({
    currentPassword: 'correct horse battery',
    newPassword: 'another horse battery',
  });
  expect(b.cookieNow()).not.toBe(before);

  // Tab B (a page load: no access token) refreshes with the cookie its request left with.
  b.crossWith(before);
  expect((await tabB.me()).email).toEqual(expect.any(String));

  // The server kept the session: the jar's cookie refreshes.
  const alive = await fetch(`${baseUrl()}/api/auth/refresh`, {
    method: 'POST',
    headers: { Cookie: b.cookieNow()! },
  });
  expect(alive.status).toBe(200);
  // Tab B went on too: its page was not told the session ended.
  expect(ended).toBe(0);
  expect((await tabB.me()).email).toEqual(expect.any(String));
});
