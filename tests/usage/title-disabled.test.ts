import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueEmail, useTestApp } from '../helpers/app.js';
import { NO_TIGHT_LIMITS, signUp } from '../helpers/auth.js';
import { upstreamEnv } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';
import { startUpstream } from '../helpers/upstream.js';

/**
 * README "Disabling": disabling an account "flags its running replies for stopping". A chat's
 * title is a model call of the account too, made after its reply: disabled while it runs, the
 * title's call should be cut as a reply's is, not run on (and be charged) to its end.
 */
const ADMIN_EMAIL = uniqueEmail('title-disabler');
const upstream = await startUpstream();
const ctx = useTestApp({
  ...NO_TIGHT_LIMITS,
  ...upstreamEnv(upstream),
  ADMIN_EMAILS: ADMIN_EMAIL,
  STOP_POLL_MS: '50',
  TITLES: 'on',
  TITLE_TIMEOUT_MS: '20000',
});
let admin: Awaited<ReturnType<typeof signUp>>;
beforeAll(async () => {
  admin = await signUp(ctx, { email: ADMIN_EMAIL });
});
let release!: () => void;
afterAll(async () => {
  release?.();
  await upstream.close();
});

describe('a title in flight when its account is disabled', () => {
  it('is cut, as the account’s running replies are', async () => {
    const user = await signUp(ctx, { email: uniqueEmail('title-disabled') });
    const held = new Promise<void>((resolve) => (release = resolve));
    upstream.script({ chunks: ['ok'] }, { chunks: ['A'], holdUntil: held, usage: false });
    const sending = ctx
      .request()
      .post('/api/chats')
      .set({ Authorization: `Bearer ${user.accessToken}` })
      .send({ message: 'hello', stream: false })
      .then((res) => res);
    await eventually(
      () => Promise.resolve(upstream.requests.length),
      (n) => n >= 2,
    );
    const disabled = await ctx
      .request()
      .patch(`/api/admin/users/${user.user.id}`)
      .set({ Authorization: `Bearer ${admin.accessToken}` })
      .send({ disabled: true });
    expect(disabled.status).toBe(200);
    const title = upstream.requests[1]!;
    const cut = await eventually(
      () => Promise.resolve(title.aborted),
      (a) => a,
      3000,
    );
    expect(cut).toBe(true);
    release();
    await sending;
  });
});
