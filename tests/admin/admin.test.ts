import { beforeAll, describe, expect, it, vi } from 'vitest';
import { reloadConfig } from '../../src/lib/config.js';
import { Types } from '../../src/lib/db/mongoose.js';
import { logger } from '../../src/lib/logger.js';
import { AuditEntry } from '../../src/modules/admin/audit.model.js';
import { USAGE_REPORT_USERS } from '../../src/modules/admin/admin.schemas.js';
import { UsageEntry } from '../../src/modules/usage/usage.model.js';
import { User } from '../../src/modules/users/user.model.js';
import { subscribeToUsers } from '../../src/modules/users/user-hooks.js';
import { promote } from '../../src/modules/admin/roles.js';
import { uniqueEmail, useTestApp } from '../helpers/app.js';
import { expectError, NO_TIGHT_LIMITS, PASSWORD, signUp } from '../helpers/auth.js';
import { failDeletionCommit } from '../helpers/users.js';
import { useUpstream, upstreamEnv } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';
import { useWholeDays } from '../helpers/rate-windows.js';

const ADMIN_EMAIL = uniqueEmail('root');
const upstream = await useUpstream();
const env = {
  ...NO_TIGHT_LIMITS,
  ...upstreamEnv(upstream),
  MODELS: 'test-model,other-model',
  TOKEN_BUDGET_PER_DAY: '1000',
  ADMIN_EMAILS: `someone.else@example.test, ${ADMIN_EMAIL.toUpperCase()}`,
};
const ctx = useTestApp(env);
type Account = Awaited<ReturnType<typeof signUp>>;
let root: Account;
let alice: Account;
let bob: Account;

beforeAll(async () => {
  root = await signUp(ctx, { email: ADMIN_EMAIL });
  alice = await signUp(ctx, { name: 'Alice Liddell' });
  bob = await signUp(ctx, { name: 'Bob' });
});

const as = (account: Account) => ({ Authorization: `Bearer ${account.accessToken}` });
const patch = (account: Account, id: string, body: object) =>
  ctx.request().patch(`/api/admin/users/${id}`).set(as(account)).send(body);
const auditCount = () => AuditEntry.countDocuments();

useWholeDays();

describe('roles', () => {
  it('when an address in ADMIN_EMAILS signs up, then the account is an administrator, recorded in the audit as config; others are users', async () => {
    expect(root.user).toMatchObject({ email: ADMIN_EMAIL, role: 'admin' });
    expect(alice.user.role).toBe('user');
    const me = await ctx.request().get('/api/auth/me').set(as(root));
    expect(me.body.role).toBe('admin');
    const granted = await AuditEntry.find({ targetId: new Types.ObjectId(root.user.id) }).lean();
    expect(granted).toEqual([
      expect.objectContaining({
        actorKind: 'config',
        actorId: null,
        action: 'user.promote',
        before: {},
        after: { role: 'admin' },
      }),
    ]);
    expect(await AuditEntry.countDocuments({ targetId: alice.user.id })).toBe(0);
  });

  it('when the audit cannot be written as an ADMIN_EMAILS address signs up, then the sign-up still succeeds and the missing entry is logged as an error', async () => {
    const failed = vi.spyOn(logger, 'error');
    const insert = vi
      .spyOn(AuditEntry.collection, 'insertOne')
      .mockRejectedValueOnce(new Error('audit unavailable'));
    try {
      const admin = await signUp(ctx, { email: 'someone.else@example.test' });
      expect(admin.user.role).toBe('admin');
      expect(insert).toHaveBeenCalledTimes(1);
      expect(failed).toHaveBeenCalledWith(
        expect.objectContaining({ userId: admin.user.id, action: 'user.promote' }),
        'audit entry not written',
      );
    } finally {
      insert.mockRestore();
      failed.mockRestore();
    }
  });

  it('when an address is added to ADMIN_EMAILS later, then the next login makes it an administrator, recorded in the audit as config', async () => {
    const later = await signUp(ctx);
    expect(later.user.role).toBe('user');
    reloadConfig({ ...process.env, ...env, ADMIN_EMAILS: `${ADMIN_EMAIL},${later.email}` });
    try {
      const login = await ctx
        .request()
        .post('/api/auth/login')
        .send({ email: later.email, password: PASSWORD });
      expect(login.status).toBe(200);
      expect(login.body.user.role).toBe('admin');
      expect((await User.findById(later.user.id).lean())?.role).toBe('admin');
      const entry = await AuditEntry.findOne({
        targetId: new Types.ObjectId(later.user.id),
      }).lean();
      expect(entry).toMatchObject({
        actorKind: 'config',
        actorId: null,
        action: 'user.promote',
        before: { role: 'user' },
        after: { role: 'admin' },
      });
    } finally {
      reloadConfig({ ...process.env, ...env });
    }
  });
});

describe('who may call the admin API', () => {
  it.each([
    ['get', '/api/admin/users'],
    ['get', '/api/admin/usage'],
    ['get', '/api/admin/audit'],
  ] as const)(
    'when a user who is not an administrator calls %s %s, then 403 FORBIDDEN',
    async (method, path) => {
      expectError(await ctx.request()[method](path).set(as(alice)), 403, 'FORBIDDEN');
    },
  );

  it('when a non-administrator tries to change another user (or themselves), then 403 and nothing changes', async () => {
    const before = await User.find().sort({ _id: 1 }).lean();
    const audits = await auditCount();
    for (const [target, body] of [
      [bob.user.id, { disabled: true }],
      [alice.user.id, { role: 'admin' }],
      [alice.user.id, { tokenBudgetPerDay: 0 }],
      [root.user.id, { role: 'user' }],
    ] as const) {
      expectError(await patch(alice, target, body), 403, 'FORBIDDEN');
    }
    expect(await User.find().sort({ _id: 1 }).lean()).toEqual(before);
    expect(await auditCount()).toBe(audits);
  });

  it('when called without a token, then 401', async () => {
    expectError(await ctx.request().get('/api/admin/users'), 401, 'UNAUTHENTICATED');
  });

  it('when a disabled administrator’s session is still open, then 403 FORBIDDEN and nothing changes', async () => {
    const former = await signUp(ctx, { name: 'Former admin' });
    await User.updateOne({ _id: former.user.id }, { $set: { role: 'admin' } });
    // As an administrator, then with the flag alone, as a disabling whose end of sessions failed.
    expect((await ctx.request().get('/api/admin/users').set(as(former))).status).toBe(200);
    await User.updateOne({ _id: former.user.id }, { $set: { disabled: true } });
    const before = await User.find().sort({ _id: 1 }).lean();
    const audits = await auditCount();
    expectError(await ctx.request().get('/api/admin/users').set(as(former)), 403, 'FORBIDDEN');
    expectError(await patch(former, bob.user.id, { disabled: true }), 403, 'FORBIDDEN');
    expect(await User.find().sort({ _id: 1 }).lean()).toEqual(before);
    expect(await auditCount()).toBe(audits);
  });
});

describe('GET /api/admin/users', () => {
  it("when searched, then matching accounts come with role, budget and today's usage", async () => {
    await UsageEntry.collection.insertOne({
      _id: new Types.ObjectId(),
      userId: new Types.ObjectId(alice.user.id),
      chatId: null,
      model: 'test-model',
      kind: 'reply',
      day: new Date().toISOString().slice(0, 10),
      promptTokens: 20,
      completionTokens: 5,
      totalTokens: 25,
      estimated: true,
      createdAt: new Date(),
    });
    const res = await ctx.request().get('/api/admin/users?q=liddELL').set(as(root));
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      {
        id: alice.user.id,
        email: alice.email,
        name: 'Alice Liddell',
        role: 'user',
        disabled: false,
        tokenBudgetPerDay: null,
        createdAt: alice.user.createdAt,
        usageToday: {
          promptTokens: 20,
          completionTokens: 5,
          totalTokens: 25,
          calls: 1,
          estimatedCalls: 1,
        },
        budget: { limit: 1000, used: 25, resetsAt: expect.any(String) },
      },
    ]);
    const byEmail = await ctx
      .request()
      .get(`/api/admin/users?q=${encodeURIComponent(bob.email.slice(0, 12))}`)
      .set(as(root));
    expect(byEmail.body.map((u: { id: string }) => u.id)).toEqual([bob.user.id]);
    const admins = await ctx.request().get('/api/admin/users?role=admin').set(as(root));
    expect(admins.body.every((u: { role: string }) => u.role === 'admin')).toBe(true);
    expect(admins.body.map((u: { id: string }) => u.id)).toContain(root.user.id);
  });

  it('when paged with limit and the Link cursor, then every account comes exactly once, newest first', async () => {
    const all = await User.countDocuments();
    const seen: string[] = [];
    let url: string | null = '/api/admin/users?limit=2';
    while (url) {
      const res: { status: number; body: { id: string }[]; headers: Record<string, string> } =
        await ctx.request().get(url).set(as(root));
      expect(res.status).toBe(200);
      expect(res.body.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.map((u: { id: string }) => u.id));
      url = /<([^>]+)>; rel="next"/.exec(res.headers.link ?? '')?.[1] ?? null;
    }
    expect(seen).toHaveLength(all);
    expect(new Set(seen).size).toBe(all);
    expect([...seen].sort().reverse()).toEqual(seen);
  });

  it("when the accounts' cursor is given to the audit log (both page by an id), then 400 on cursor", async () => {
    const first = await ctx.request().get('/api/admin/users?limit=1').set(as(root));
    const cursor = /cursor=([^&>]+)/.exec(String(first.headers.link))![1]!;
    const res = await ctx.request().get(`/api/admin/audit?cursor=${cursor}`).set(as(root));
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.message).toBe('The cursor belongs to another list');
    expect(res.body.error.details).toEqual([{ path: 'cursor', message: 'Invalid cursor' }]);
  });

  it.each([
    ['an unknown parameter', '?email=x'],
    ['an operator in q', '?q[$ne]=x'],
    ['a bad cursor', '?cursor=nonsense'],
    ['a bad role', '?role=root'],
  ])('when the query has %s, then 400', async (_label, query) => {
    expectError(
      await ctx.request().get(`/api/admin/users${query}`).set(as(root)),
      400,
      'VALIDATION_FAILED',
    );
  });
});

describe('PATCH /api/admin/users/:id', () => {
  it('when an administrator sets a budget, then it applies and the audit records who, what, before, after and when', async () => {
    const started = Date.now();
    const res = await patch(root, bob.user.id, { tokenBudgetPerDay: 5000 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: bob.user.id,
      tokenBudgetPerDay: 5000,
      budget: { limit: 5000, used: 0 },
    });
    const audit = await ctx.request().get(`/api/admin/audit?userId=${bob.user.id}`).set(as(root));
    expect(audit.status).toBe(200);
    expect(audit.body[0]).toEqual({
      id: expect.any(String),
      action: 'user.update',
      actor: { kind: 'admin', id: root.user.id, email: ADMIN_EMAIL },
      target: { id: bob.user.id, email: bob.email },
      before: { tokenBudgetPerDay: null },
      after: { tokenBudgetPerDay: 5000 },
      requestId: res.headers['x-request-id'],
      createdAt: expect.any(String),
    });
    expect(Date.parse(audit.body[0].createdAt)).toBeGreaterThanOrEqual(started - 1000);

    const back = await patch(root, bob.user.id, { tokenBudgetPerDay: null });
    expect(back.body).toMatchObject({ tokenBudgetPerDay: null, budget: { limit: 1000 } });
  });

  it('when the audit cannot be written as an administrator changes an account, then the change is refused and its retry is in the audit: no change goes unrecorded', async () => {
    const target = await signUp(ctx, { name: 'Audited' });
    const insert = vi
      .spyOn(AuditEntry.collection, 'insertOne')
      .mockRejectedValueOnce(new Error('audit unavailable'));
    try {
      expectError(await patch(root, target.user.id, { tokenBudgetPerDay: 7000 }), 500, 'INTERNAL');
    } finally {
      insert.mockRestore();
    }
    const retried = await patch(root, target.user.id, { tokenBudgetPerDay: 7000 });
    expect(retried.status).toBe(200);
    expect(retried.body.tokenBudgetPerDay).toBe(7000);
    const entries = await AuditEntry.find({ targetId: target.user.id }).lean();
    expect(entries.map((e) => [String(e.actorId), e.action, e.before, e.after])).toEqual([
      [root.user.id, 'user.update', { tokenBudgetPerDay: null }, { tokenBudgetPerDay: 7000 }],
    ]);
  });

  it.each([
    ['negative', { tokenBudgetPerDay: -1 }],
    ['fractional', { tokenBudgetPerDay: 1.5 }],
    ['absurd', { tokenBudgetPerDay: 1e12 }],
    ['a string', { tokenBudgetPerDay: '100' }],
    ['not a number at all', { tokenBudgetPerDay: { $gt: 0 } }],
    ['an unknown role', { role: 'root' }],
    ['disabled as a string', { disabled: 'yes' }],
    ['an unknown field', { email: 'x@example.test' }],
    ['empty', {}],
  ])('when the change is %s, then 400 and nothing changes', async (_label, body) => {
    const before = await User.findById(bob.user.id).lean();
    const audits = await auditCount();
    expectError(await patch(root, bob.user.id, body), 400, 'VALIDATION_FAILED');
    expect(await User.findById(bob.user.id).lean()).toEqual(before);
    expect(await auditCount()).toBe(audits);
  });

  it.each([
    ['an id that names nobody', '000000000000000000000000'],
    ['a malformed id', 'not-an-id'],
  ])('when the target is %s, then 404', async (_label, id) => {
    expectError(await patch(root, id, { disabled: true }), 404, 'NOT_FOUND');
  });

  it('when the last active administrator demotes or disables themselves, then 409 LAST_ADMIN; once another administrator exists, they may', async () => {
    // The login test above may have added an administrator: start from exactly one.
    await User.updateMany({ _id: { $ne: root.user.id } }, { $set: { role: 'user' } });
    for (const body of [{ role: 'user' }, { disabled: true }, { role: 'user', disabled: true }]) {
      expectError(await patch(root, root.user.id, body), 409, 'LAST_ADMIN');
    }
    expect(await User.findById(root.user.id).lean()).toMatchObject({
      role: 'admin',
      disabled: false,
    });

    const promoted = await patch(root, alice.user.id, { role: 'admin' });
    expect(promoted.status).toBe(200);
    expect(promoted.body.role).toBe('admin');
    // The new administrator may use the admin API at once.
    expect((await ctx.request().get('/api/admin/users').set(as(alice))).status).toBe(200);

    const demoted = await patch(alice, alice.user.id, { role: 'user' });
    expect(demoted.status).toBe(200);
    expect(demoted.body.role).toBe('user');
    // …and the demotion applies at once as well.
    expectError(await ctx.request().get('/api/admin/users').set(as(alice)), 403, 'FORBIDDEN');
  });
});

describe('an administrator deleting their own account', () => {
  const deleteSelf = (account: Account) =>
    ctx.request().delete('/api/auth/me').set(as(account)).send({ password: PASSWORD });

  it('when the last active administrator deletes their account, then 409 LAST_ADMIN and the account stays whole; another administrator may leave', async () => {
    await User.updateMany({ _id: { $ne: root.user.id } }, { $set: { role: 'user' } });
    const rootEntries = await AuditEntry.countDocuments({ targetId: root.user.id });
    expectError(await deleteSelf(root), 409, 'LAST_ADMIN');
    expect(await User.findById(root.user.id).lean()).toMatchObject({
      role: 'admin',
      disabled: false,
    });
    // Still signed in: nothing of the deletion ran, and no change of role is in the audit.
    expect((await ctx.request().get('/api/admin/users').set(as(root))).status).toBe(200);
    expect(await AuditEntry.countDocuments({ targetId: root.user.id })).toBe(rootEntries);

    const leaving = await signUp(ctx, { name: 'Leaving admin' });
    expect((await patch(root, leaving.user.id, { role: 'admin' })).status).toBe(200);
    expect((await deleteSelf(leaving)).status).toBe(204);
    expect(await User.findById(leaving.user.id).lean()).toBeNull();
    expect(await User.countDocuments({ role: 'admin', disabled: { $ne: true } })).toBe(1);
    // The role it gave up to leave is in the audit, by the account itself, after its promotion.
    const entries = await AuditEntry.find({ targetId: leaving.user.id }).sort({ createdAt: 1 });
    expect(
      entries.map((e) => [e.actorId && String(e.actorId), e.action, e.before, e.after]),
    ).toEqual([
      [root.user.id, 'user.update', { role: 'user' }, { role: 'admin' }],
      [leaving.user.id, 'user.update', { role: 'admin' }, { role: 'user' }],
    ]);
  });

  it('when an administrator deletes their account while demoting the only other one, then one of the two is refused: an active administrator remains', async () => {
    await User.updateMany({ _id: { $ne: root.user.id } }, { $set: { role: 'user' } });
    const other = await signUp(ctx, { name: 'Other admin' });
    expect((await patch(root, other.user.id, { role: 'admin' })).status).toBe(200);
    // The other administrator leaves and, at the same moment, demotes root.
    const [deleted, demoted] = await Promise.all([
      deleteSelf(other),
      patch(other, root.user.id, { role: 'user' }),
    ]);
    expect([deleted.status, demoted.status]).not.toEqual([204, 200]);
    expect(await User.countDocuments({ role: 'admin', disabled: { $ne: true } })).toBe(1);
    // Root again, whatever happened (its email is in ADMIN_EMAILS, applied at login).
    await User.updateOne({ _id: root.user.id }, { $set: { role: 'admin' } });
  });

  it('when a user deleting their account is promoted meanwhile, and the administrator who did it then steps down, then the promotion and the step-down are refused and the deletion completes', async () => {
    await User.updateMany({ _id: { $ne: root.user.id } }, { $set: { role: 'user' } });
    const leaving = await signUp(ctx, { name: 'Leaving user' });
    let promoted: Awaited<ReturnType<typeof patch>> | undefined;
    let steppedDown: Awaited<ReturnType<typeof patch>> | undefined;
    let byCli: unknown;
    // While the account's data is being removed, root promotes it and then gives up the role,
    // counting on it as the other administrator; `npm run admin -- promote` tries it too.
    subscribeToUsers('test-promote-during-deletion', {
      removeData: async (userId) => {
        if (userId !== leaving.user.id) return;
        promoted = await patch(root, leaving.user.id, { role: 'admin' });
        steppedDown = await patch(root, root.user.id, { role: 'user' });
        const account = await User.findById(leaving.user.id).lean();
        byCli = await promote(account!, 'cli').catch((error: unknown) => error);
      },
    });
    let deleted;
    try {
      deleted = await deleteSelf(leaving);
    } finally {
      subscribeToUsers('test-promote-during-deletion', {});
    }
    expectError(promoted!, 409, 'ACCOUNT_BEING_DELETED');
    expectError(steppedDown!, 409, 'LAST_ADMIN');
    expect(byCli).toMatchObject({ code: 'ACCOUNT_BEING_DELETED' });
    // The deletion the user asked for is done, never a LAST_ADMIN after their data was removed.
    expect(deleted.status).toBe(204);
    expect(await User.findById(leaving.user.id).lean()).toBeNull();
    expect(await User.findById(root.user.id).lean()).toMatchObject({ role: 'admin' });
    expect(await User.countDocuments({ role: 'admin', disabled: { $ne: true } })).toBe(1);
    expect(
      await AuditEntry.countDocuments({ targetId: leaving.user.id, action: 'user.promote' }),
    ).toBe(0);
  });

  it('when a deletion fails before it removed anything, then the account can be promoted again', async () => {
    const leaving = await signUp(ctx, { name: 'Failing deletion' });
    // Its commit, the write after the checks, fails: nothing of the account has gone yet.
    const failing = failDeletionCommit(new Error('the commit could not be stored'));
    try {
      expectError(await deleteSelf(leaving), 500, 'INTERNAL');
    } finally {
      failing.mockRestore();
    }
    const promoted = await patch(root, leaving.user.id, { role: 'admin' });
    expect(promoted.status).toBe(200);
    expect(promoted.body.role).toBe('admin');
  });

  it('when a deletion fails once it began removing the account, then it is finished in the background, and the account is not promoted meanwhile', async () => {
    const leaving = await signUp(ctx, { name: 'Failing deletion' });
    let failing = true;
    subscribeToUsers('test-failing-deletion', {
      removeData: (userId) =>
        failing && userId === leaving.user.id
          ? Promise.reject(new Error('the data could not be removed'))
          : Promise.resolve(),
    });
    try {
      // Its sessions have ended: the owner could not ask again, so nothing is asked of them.
      expect((await deleteSelf(leaving)).status).toBe(204);
      expectError(
        await patch(root, leaving.user.id, { role: 'admin' }),
        409,
        'ACCOUNT_BEING_DELETED',
      );
      // However long the database keeps it waiting: its mark lapsing changes nothing.
      await User.updateOne({ _id: leaving.user.id }, { $set: { deletingUntil: new Date(0) } });
      expectError(
        await patch(root, leaving.user.id, { role: 'admin' }),
        409,
        'ACCOUNT_BEING_DELETED',
      );
      const account = await User.findById(leaving.user.id).lean();
      expect(await promote(account!, 'cli').catch((error: unknown) => error)).toMatchObject({
        code: 'ACCOUNT_BEING_DELETED',
      });
      failing = false;
      expect(
        await eventually(
          () => User.findById(leaving.user.id).lean(),
          (user) => user === null,
        ),
      ).toBeNull();
    } finally {
      subscribeToUsers('test-failing-deletion', {});
    }
  });
});

describe('GET /api/admin/usage', () => {
  it('when users have calls, then the totals cover everyone by day and by model, or one user with userId', async () => {
    const day = '2025-06-01';
    const entry = (userId: string, model: string, p: number, c: number) => ({
      _id: new Types.ObjectId(),
      userId: new Types.ObjectId(userId),
      chatId: null,
      model,
      kind: 'reply',
      day,
      promptTokens: p,
      completionTokens: c,
      totalTokens: p + c,
      estimated: false,
      createdAt: new Date(`${day}T10:00:00Z`),
    });
    await UsageEntry.collection.insertMany([
      entry(alice.user.id, 'test-model', 10, 1),
      entry(bob.user.id, 'test-model', 20, 2),
      entry(bob.user.id, 'other-model', 40, 4),
    ]);
    const all = await ctx.request().get(`/api/admin/usage?from=${day}&to=${day}`).set(as(root));
    expect(all.status).toBe(200);
    expect(all.body.total).toMatchObject({ promptTokens: 70, completionTokens: 7, calls: 3 });
    expect(all.body.byModel).toEqual([
      expect.objectContaining({ model: 'other-model', totalTokens: 44 }),
      expect.objectContaining({ model: 'test-model', totalTokens: 33 }),
    ]);
    expect(all.body.byDay).toEqual([expect.objectContaining({ day, totalTokens: 77 })]);
    // Who spent what: most tokens first, with the account's email.
    expect(all.body.byUser).toEqual([
      expect.objectContaining({
        userId: bob.user.id,
        email: bob.user.email,
        totalTokens: 66,
        calls: 2,
      }),
      expect.objectContaining({ userId: alice.user.id, email: alice.user.email, totalTokens: 11 }),
    ]);
    const one = await ctx
      .request()
      .get(`/api/admin/usage?from=${day}&to=${day}&userId=${bob.user.id}`)
      .set(as(root));
    expect(one.body.total).toMatchObject({ totalTokens: 66, calls: 2 });
    expect(one.body.byUser).toEqual([
      expect.objectContaining({ userId: bob.user.id, totalTokens: 66, calls: 2 }),
    ]);
    expectError(
      await ctx.request().get('/api/admin/usage?userId=bob').set(as(root)),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('when accounts were deleted, then their calls count together under no user and no email, and the report names at most the top users', async () => {
    const day = '2025-06-02';
    // Entries as account deletion leaves them (forgetUserUsage): no user.
    const gone = (p: number) => ({
      _id: new Types.ObjectId(),
      userId: null,
      chatId: null,
      model: 'test-model',
      kind: 'reply',
      day,
      promptTokens: p,
      completionTokens: 0,
      totalTokens: p,
      estimated: false,
      createdAt: new Date(`${day}T10:00:00Z`),
    });
    // One more user with calls than the report names, each with fewer tokens than the deleted ones.
    const many = Array.from({ length: USAGE_REPORT_USERS }, (_, i) => ({
      ...gone(1 + i),
      userId: new Types.ObjectId(),
    }));
    await UsageEntry.collection.insertMany([gone(500), gone(700), ...many]);
    const res = await ctx.request().get(`/api/admin/usage?from=${day}&to=${day}`).set(as(root));
    expect(res.status).toBe(200);
    expect(res.body.total).toMatchObject({ calls: USAGE_REPORT_USERS + 2 });
    expect(res.body.byUser).toHaveLength(USAGE_REPORT_USERS);
    expect(res.body.byUser[0]).toEqual({
      userId: null,
      email: null,
      promptTokens: 1200,
      completionTokens: 0,
      totalTokens: 1200,
      calls: 2,
      estimatedCalls: 0,
    });
    // Those that are named: most tokens first; the least of them (1 token) left out.
    const tokens = (res.body.byUser as { totalTokens: number }[])
      .slice(1)
      .map((u) => u.totalTokens);
    expect(tokens).toEqual([...tokens].sort((a, b) => b - a));
    expect(tokens.at(-1)).toBe(2);
    // Accounts that no longer exist have no email.
    expect(res.body.byUser[1]).toMatchObject({ email: null, totalTokens: USAGE_REPORT_USERS });
  });
});
