import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Lock } from '../../src/lib/db/lock.js';
import { AuditEntry } from '../../src/modules/admin/audit.model.js';
import { Session } from '../../src/modules/auth/session.model.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { User } from '../../src/modules/users/user.model.js';
import { uniqueEmail, useTestApp } from '../helpers/app.js';
import {
  expectError,
  expectUnauthenticated,
  NO_TIGHT_LIMITS,
  PASSWORD,
  signUp,
} from '../helpers/auth.js';
import { eventually } from '../helpers/eventually.js';
import { openStream, useListeningApp } from '../helpers/sse.js';
import { startUpstream } from '../helpers/upstream.js';
import { upstreamEnv } from '../helpers/chat-app.js';

const ADMIN_EMAIL = uniqueEmail('disabler');
const upstream = await startUpstream();
const ctx = useTestApp({
  ...NO_TIGHT_LIMITS,
  ...upstreamEnv(upstream),
  ADMIN_EMAILS: ADMIN_EMAIL,
  STOP_POLL_MS: '50',
});
type Account = Awaited<ReturnType<typeof signUp>>;
let admin: Account;
afterAll(() => upstream.close());
const server = useListeningApp(ctx);

beforeAll(async () => {
  admin = await signUp(ctx, { email: ADMIN_EMAIL });
});

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
/** The administrator's request to disable account `id`. */
const disable = (id: string) =>
  ctx
    .request()
    .patch(`/api/admin/users/${id}`)
    .set(bearer(admin.accessToken))
    .send({ disabled: true });

/** A second session of the same user (another device). */
async function secondSession(user: Awaited<ReturnType<typeof signUp>>) {
  const other = await ctx
    .request()
    .post('/api/auth/login')
    .send({ email: user.email, password: PASSWORD });
  expect(other.status).toBe(200);
  return other;
}

/** A new chat of `user` whose long reply is streaming: two deltas are in. */
async function midReply(user: Awaited<ReturnType<typeof signUp>>) {
  const chat = await ctx.request().post('/api/chats').set(bearer(user.accessToken)).send({});
  upstream.script({ chunks: Array.from({ length: 400 }, (_, i) => `w${i} `), delayMs: 20 });
  const stream = openStream(server.port, `/api/chats/${chat.body.id}/messages`, user.accessToken, {
    content: 'talk for a while',
    stream: true,
  });
  await stream.waitFor(() => stream.events.filter((e) => e.event === 'delta').length >= 2);
  return { chat, stream };
}

describe('disabling an account', () => {
  it('when an administrator disables a user mid-reply, then the stream ends, the reply is stored as incomplete, and their token, refresh cookie and password stop working', async () => {
    const user = await signUp(ctx);
    const other = await secondSession(user);
    const { stream } = await midReply(user);

    const res = await disable(user.user.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: user.user.id, disabled: true });

    // The reply is stopped: the stream ends with its final event, well before the 400 chunks.
    await stream.waitForEvent('done', 5000);
    await stream.ended;
    const done = stream.events.at(-1)!;
    // As README and the published stopReason say: a stop, as POST /api/chats/:id/stop makes one,
    // not a failure (its partial answer is kept, and continuable once the account is enabled).
    expect(done.event).toBe('done');
    expect(done.data.message).toMatchObject({
      status: 'incomplete',
      stopReason: 'stop',
      error: null,
    });
    expect(stream.events.filter((e) => e.event === 'delta').length).toBeLessThan(400);
    const stored = await eventually(
      () => Message.findById(done.data.message.id).lean(),
      (m) => m !== null,
    );
    expect(stored).toMatchObject({ status: 'incomplete', stopReason: 'stop', error: null });

    // Every session ended: both access tokens and the refresh cookie fail.
    expect(
      await Session.countDocuments({ userId: new Types.ObjectId(user.user.id), revokedAt: null }),
    ).toBe(0);
    expectUnauthenticated(await ctx.request().get('/api/auth/me').set(bearer(user.accessToken)));
    expectUnauthenticated(
      await ctx
        .request()
        .get('/api/chats')
        .set(bearer(other.body.accessToken as string)),
    );
    expectUnauthenticated(await user.agent.post('/api/auth/refresh'));
    // The right password now answers 403 ACCOUNT_DISABLED (a wrong one still 401).
    const login = await ctx
      .request()
      .post('/api/auth/login')
      .send({ email: user.email, password: PASSWORD });
    expectError(login, 403, 'ACCOUNT_DISABLED');
    expect(login.headers['set-cookie']).toBeUndefined();
    const wrong = await ctx
      .request()
      .post('/api/auth/login')
      .send({ email: user.email, password: 'not the password' });
    expectError(wrong, 401, 'INVALID_CREDENTIALS');

    // Enabled again: the user can log in (old sessions stay ended).
    const enabled = await ctx
      .request()
      .patch(`/api/admin/users/${user.user.id}`)
      .set(bearer(admin.accessToken))
      .send({ disabled: false });
    expect(enabled.body.disabled).toBe(false);
    const back = await ctx
      .request()
      .post('/api/auth/login')
      .send({ email: user.email, password: PASSWORD });
    expect(back.status).toBe(200);
    expectUnauthenticated(await ctx.request().get('/api/auth/me').set(bearer(user.accessToken)));

    const audit = await ctx
      .request()
      .get(`/api/admin/audit?userId=${user.user.id}`)
      .set(bearer(admin.accessToken));
    expect(audit.body.map((e: { after: unknown }) => e.after)).toEqual([
      { disabled: false },
      { disabled: true },
    ]);
  });
});

const signOut = (as: Account, id: string) =>
  ctx.request().post(`/api/admin/users/${id}/sign-out`).set(bearer(as.accessToken));

describe('a disabling whose end of access failed', () => {
  it('when the sessions could not be ended as the account was disabled, then asking again ends them', async () => {
    const user = await signUp(ctx);
    const endSessions = Session.updateMany.bind(Session);
    let failed = false;
    const spy = vi.spyOn(Session, 'updateMany').mockImplementation(((
      ...args: Parameters<typeof endSessions>
    ) => {
      if (failed) return endSessions(...args);
      failed = true;
      // Not a network error: that marks the database down for this process's next requests.
      return Promise.reject(new Error('the sessions could not be ended'));
    }) as never);
    const disableUser = () => disable(user.user.id);
    try {
      expectError(await disableUser(), 500, 'INTERNAL');
    } finally {
      spy.mockRestore();
    }
    expect(failed).toBe(true);
    // The flag is stored, and the session it could not end still opens the API.
    expect(await User.findById(user.user.id).lean()).toMatchObject({ disabled: true });
    expect((await ctx.request().get('/api/auth/me').set(bearer(user.accessToken))).status).toBe(
      200,
    );
    const again = await disableUser();
    expect(again.status).toBe(200);
    expect(again.body.disabled).toBe(true);
    expectUnauthenticated(await ctx.request().get('/api/auth/me').set(bearer(user.accessToken)));
    expect(await Session.countDocuments({ userId: user.user.id, revokedAt: null })).toBe(0);
  });
});

describe('a disabled account whose session is still open', () => {
  it('when its refresh cookie is presented, then 401 naming the disabled account, the cookie is cleared and the session is not rotated', async () => {
    const user = await signUp(ctx);
    // The flag alone, as a disabling whose end of the sessions failed leaves it.
    await User.updateOne({ _id: user.user.id }, { $set: { disabled: true } });
    const before = await Session.findOne({ userId: user.user.id }).lean();
    expect(before!.revokedAt).toBeNull();

    const res = await user.agent.post('/api/auth/refresh');
    expectUnauthenticated(res);
    expect(res.body.error.message).toBe('This account is disabled');
    expect(String(res.headers['set-cookie'])).toMatch(/refresh_token=;/);
    const after = await Session.findById(before!._id).lean();
    expect(after!.refreshTokenHash).toBe(before!.refreshTokenHash);
  });
});

describe('signing an account out everywhere', () => {
  it('when an administrator signs a user out mid-reply, then every session and API key ends and the reply stops, while the account stays enabled with its chats: the user logs in again', async () => {
    const user = await signUp(ctx);
    const other = await secondSession(user);
    const key = await ctx
      .request()
      .post('/api/keys')
      .set(bearer(user.accessToken))
      .send({ name: 'laptop' });
    expect(key.status).toBe(201);
    const v1 = () => ctx.request().get('/v1/models').set('Authorization', `Bearer ${key.body.key}`);
    expect((await v1()).status).toBe(200);
    const { chat, stream } = await midReply(user);

    const res = await signOut(admin, user.user.id);
    expect(res.status).toBe(204);

    await stream.waitForEvent('done', 5000);
    await stream.ended;
    const done = stream.events.at(-1)!;
    expect(done.data.message).toMatchObject({ status: 'incomplete', stopReason: 'stop' });
    expect(
      await eventually(
        () => Message.findById(done.data.message.id).lean(),
        (m) => m?.status === 'incomplete',
      ),
    ).toBeTruthy();
    // Sessions, refresh cookie and API key: all refused.
    expect(
      await Session.countDocuments({ userId: new Types.ObjectId(user.user.id), revokedAt: null }),
    ).toBe(0);
    expectUnauthenticated(await ctx.request().get('/api/auth/me').set(bearer(user.accessToken)));
    expectUnauthenticated(
      await ctx
        .request()
        .get('/api/chats')
        .set(bearer(other.body.accessToken as string)),
    );
    expectUnauthenticated(await user.agent.post('/api/auth/refresh'));
    expect((await v1()).status).toBe(401);

    // The account and its data stay: a login works, the chat and its messages are there.
    expect((await User.findById(user.user.id).lean())?.disabled ?? false).toBe(false);
    const back = await ctx
      .request()
      .post('/api/auth/login')
      .send({ email: user.email, password: PASSWORD });
    expect(back.status).toBe(200);
    const token = back.body.accessToken as string;
    expect((await ctx.request().get('/api/keys').set(bearer(token))).body).toEqual([]);
    expect(await Chat.countDocuments({ _id: chat.body.id })).toBe(1);
    expect(await Message.countDocuments({ chatId: chat.body.id })).toBe(2);

    const audit = await ctx
      .request()
      .get(`/api/admin/audit?userId=${user.user.id}`)
      .set(bearer(admin.accessToken));
    expect(audit.body).toEqual([
      expect.objectContaining({
        action: 'user.signOut',
        actor: expect.objectContaining({ kind: 'admin', id: admin.user.id }),
        target: expect.objectContaining({ id: user.user.id }),
        before: {},
        after: {},
      }),
    ]);
  });

  it('when a user who is not an administrator, or anyone for an unknown account, asks, then 403 or 404 and nothing ends', async () => {
    const user = await signUp(ctx);
    const victim = await signUp(ctx);
    expectError(await signOut(user, victim.user.id), 403, 'FORBIDDEN');
    expect((await ctx.request().get('/api/auth/me').set(bearer(victim.accessToken))).status).toBe(
      200,
    );
    expectError(await signOut(admin, '0123456789abcdef01234567'), 404, 'NOT_FOUND');
    expectError(await signOut(admin, 'not-an-id'), 404, 'NOT_FOUND');
  });

  it('when the audit cannot be written as an administrator signs an account out, then nothing is ended, and the retry signs it out and is in the audit', async () => {
    const user = await signUp(ctx);
    const insert = vi
      .spyOn(AuditEntry.collection, 'insertOne')
      .mockRejectedValueOnce(new Error('audit unavailable'));
    try {
      expectError(await signOut(admin, user.user.id), 500, 'INTERNAL');
    } finally {
      insert.mockRestore();
    }
    // Refused before anything ended: the user is still signed in.
    expect((await ctx.request().get('/api/auth/me').set(bearer(user.accessToken))).status).toBe(
      200,
    );
    expect((await signOut(admin, user.user.id)).status).toBe(204);
    expectUnauthenticated(await ctx.request().get('/api/auth/me').set(bearer(user.accessToken)));
    const entries = await AuditEntry.find({ targetId: user.user.id }).lean();
    expect(entries.map((e) => [String(e.actorId), e.action])).toEqual([
      [admin.user.id, 'user.signOut'],
    ]);
  });
});

describe('a disabling that an enabling overtakes', () => {
  /**
   * Runs `meanwhile` right after the next release of the accounts lock (the disable's), before
   * the request goes on: what another administrator does at that moment.
   */
  function afterNextLockRelease(meanwhile: () => Promise<void>) {
    const release = Lock.deleteOne.bind(Lock);
    let ran = false;
    const spy = vi.spyOn(Lock, 'deleteOne').mockImplementation(((
      ...args: Parameters<typeof release>
    ) => {
      const filter = args[0] as { holder?: unknown } | undefined;
      if (ran || filter?.holder === undefined) return release(...args);
      ran = true;
      return Promise.resolve(release(...args)).then(async (result) => {
        spy.mockRestore();
        await meanwhile();
        return result;
      });
    }) as never);
    return { spy, ran: () => ran };
  }

  for (const already of [false, true]) {
    it(`when ${already ? 'a disable of an already disabled account is asked again' : 'an account is disabled'} and another administrator enables it before that request ends, then the session the user opens after the enabling stays open`, async () => {
      const user = await signUp(ctx);
      const disableUser = () => disable(user.user.id);
      if (already) expect((await disableUser()).status).toBe(200);
      let fresh: string | undefined;
      const hook = afterNextLockRelease(async () => {
        const enabled = await ctx
          .request()
          .patch(`/api/admin/users/${user.user.id}`)
          .set(bearer(admin.accessToken))
          .send({ disabled: false });
        expect(enabled.status).toBe(200);
        const login = await ctx
          .request()
          .post('/api/auth/login')
          .send({ email: user.email, password: PASSWORD });
        expect(login.status).toBe(200);
        fresh = login.body.accessToken as string;
      });
      try {
        expect((await disableUser()).status).toBe(200);
      } finally {
        hook.spy.mockRestore();
      }
      expect(hook.ran()).toBe(true);
      // The account is enabled now, and the session opened after the enabling is the user's.
      expect((await User.findById(user.user.id).lean())?.disabled).toBe(false);
      expect((await ctx.request().get('/api/auth/me').set(bearer(fresh!))).status).toBe(200);
    });
  }
});
