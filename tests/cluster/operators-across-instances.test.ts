import { describe, expect, it } from 'vitest';
import { uniqueEmail } from '../helpers/app.js';
import type { Instance } from '../helpers/instances.js';
import { openStream } from '../helpers/sse.js';
import {
  eventually,
  newChat,
  portOf,
  post,
  useTwoInstances,
  withDatabase,
} from './cluster-helpers.js';
import { useWholeDays } from '../helpers/rate-windows.js';

/**
 * Usage, budgets and disabling live in the database, so they hold whichever instance serves a
 * request. Two real server processes, one database, one scripted model.
 */
const LIMIT = 300;
const PER_REPLY = { prompt_tokens: 20, completion_tokens: 10, total_tokens: 30 };
const STREAMS = 3;
const ADMIN_EMAIL = uniqueEmail('cluster-admin');
const cluster = useTwoInstances(
  {
    MAX_CONCURRENT_STREAMS: String(STREAMS),
    MESSAGES_PER_MINUTE: '1000',
    SIGNUP_LIMIT_PER_IP: '1000',
    LOGIN_LIMIT_PER_IP: '1000',
    LOGIN_LIMIT_PER_ACCOUNT: '1000',
    TOKEN_BUDGET_PER_DAY: String(LIMIT),
    ADMIN_EMAILS: ADMIN_EMAIL,
    STOP_POLL_MS: '100',
  },
  { upstream: true },
);

interface Account {
  id: string;
  email: string;
  token: string;
  cookie: string;
}

async function signup(instance: Instance, email = uniqueEmail('cluster-ops')): Promise<Account> {
  const res = await post(`${instance.url}/api/auth/signup`, { email, password: 'password-1234' });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { accessToken: string; user: { id: string; role: string } };
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('refresh_token='))!;
  return { id: body.user.id, email, token: body.accessToken, cookie: cookie.split(';')[0]! };
}

const get = (instance: Instance, path: string, token: string) =>
  fetch(`${instance.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
const codeOf = async (res: Response) =>
  res.status === 201 ? 'ok' : ((await res.json()) as { error: { code: string } }).error.code;

useWholeDays();

describe('token usage and budgets across instances', () => {
  it('when one user sends parallel replies through both instances until the budget stops them, then every reply is recorded exactly once and the day ends within the documented overshoot', async () => {
    // Slow enough that up to STREAMS replies are admitted on the same stale total.
    cluster.upstream.setDefault({ chunks: ['x', 'y'], delayMs: 150, usage: PER_REPLY });
    const user = await signup(cluster.a);
    const chats = await Promise.all(
      [cluster.a, cluster.a, cluster.a, cluster.b, cluster.b, cluster.b].map(async (instance) => ({
        instance,
        id: await newChat(instance, user.token),
      })),
    );

    const codes: string[] = [];
    const accepted: string[] = [];
    for (let wave = 0; wave < 40; wave += 1) {
      const results = await Promise.all(
        chats.map(async ({ instance, id }) => {
          const res = await post(
            `${instance.url}/api/chats/${id}/messages`,
            { content: `wave ${wave}`, stream: false },
            user.token,
          );
          if (res.status !== 201) return codeOf(res);
          const body = (await res.json()) as { messages: { id: string }[] };
          accepted.push(body.messages[1]!.id);
          return 'ok';
        }),
      );
      codes.push(...results);
      if (results.every((c) => c === 'QUOTA_EXCEEDED')) break;
    }
    expect(codes.every((c) => ['ok', 'TOO_MANY_STREAMS', 'QUOTA_EXCEEDED'].includes(c))).toBe(true);
    expect(codes).toContain('QUOTA_EXCEEDED');
    // The slots were saturated: replies did run side by side on the two instances.
    expect(codes).toContain('TOO_MANY_STREAMS');

    // Refused messages never reached the model; each accepted one did, once.
    expect(cluster.upstream.requests).toHaveLength(accepted.length);
    // Each call's charge, wherever it is kept: a reply's own, or the ledger's entry.
    const { entries, used } = await withDatabase(cluster.uri, async (db) => {
      const userId = new db.base.Types.ObjectId(user.id);
      const [ledger, replies] = await Promise.all([
        db.collection('usage').find({ userId }).toArray(),
        db
          .collection('messages')
          .find({ userId, charge: { $ne: null } })
          .toArray(),
      ]);
      const rows = [
        ...ledger,
        ...replies.map((reply) => ({ _id: reply._id, ...(reply.charge as object) })),
      ] as { _id: unknown; promptTokens: number; completionTokens: number; totalTokens: number }[];
      return { entries: rows, used: rows.reduce((n, r) => n + r.totalTokens, 0) };
    });
    expect(entries.map((e) => String(e._id)).sort()).toEqual([...accepted].sort());
    expect(entries.every((e) => e.promptTokens === 20 && e.completionTokens === 10)).toBe(true);
    expect(used).toBe(accepted.length * 30);
    // The budget was reached, and overshot by less than MAX_CONCURRENT_STREAMS replies.
    expect(used).toBeGreaterThanOrEqual(LIMIT);
    expect(used).toBeLessThan(LIMIT + STREAMS * 30);

    // Both instances report the same day, and both refuse the next message.
    for (const instance of [cluster.a, cluster.b]) {
      const usage = (await (await get(instance, '/api/usage', user.token)).json()) as {
        budget: { limit: number; used: number };
        total: { calls: number };
      };
      expect(usage.budget).toMatchObject({ limit: LIMIT, used });
      expect(usage.total.calls).toBe(accepted.length);
      const refused = await post(
        `${instance.url}/api/chats/${chats[0]!.id}/messages`,
        { content: 'one more', stream: true },
        user.token,
      );
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await codeOf(refused)).toBe('QUOTA_EXCEEDED');
    }
    expect(cluster.upstream.requests).toHaveLength(accepted.length);
  }, 60_000);
});

describe('disabling an account across instances', () => {
  it('when an administrator on B disables a user streaming on A and B, then both streams end, and the token, refresh cookie and password fail on both instances at once', async () => {
    const admin = await signup(cluster.a, ADMIN_EMAIL);
    const victim = await signup(cluster.a);
    const slow = { chunks: Array.from({ length: 400 }, (_, i) => `w${i} `), delayMs: 30 };
    cluster.upstream.script(slow, slow);
    const [chatA, chatB] = [
      await newChat(cluster.a, victim.token),
      await newChat(cluster.b, victim.token),
    ];
    const streams = [
      openStream(portOf(cluster.a), `/api/chats/${chatA}/messages`, victim.token, {
        content: 'on A',
      }),
      openStream(portOf(cluster.b), `/api/chats/${chatB}/messages`, victim.token, {
        content: 'on B',
      }),
    ];
    await Promise.all(
      streams.map((s) =>
        s.waitFor(() => s.events.filter((e) => e.event === 'delta').length >= 2, 10_000),
      ),
    );

    const res = await fetch(`${cluster.b.url}/api/admin/users/${victim.id}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${admin.token}` },
      body: JSON.stringify({ disabled: true }),
    });
    expect(res.status).toBe(200);

    // Both replies stop (the streaming instance polls its stop flags) and end with `done`.
    await Promise.all(streams.map((s) => s.waitForEvent('done', 5000)));
    for (const s of streams) {
      await s.ended;
      expect(s.events.at(-1)!.data.message.status).toBe('incomplete');
      expect(s.events.filter((e) => e.event === 'delta').length).toBeLessThan(400);
    }

    for (const instance of [cluster.a, cluster.b]) {
      const me = await get(instance, '/api/auth/me', victim.token);
      expect(me.status).toBe(401);
      expect(me.headers.get('www-authenticate')).toBe('Bearer');
      const refresh = await fetch(`${instance.url}/api/auth/refresh`, {
        method: 'POST',
        headers: { Cookie: victim.cookie },
      });
      expect(refresh.status).toBe(401);
      const login = await post(`${instance.url}/api/auth/login`, {
        email: victim.email,
        password: 'password-1234',
      });
      expect(login.status).toBe(403);
      expect(await codeOf(login)).toBe('ACCOUNT_DISABLED');
    }

    await withDatabase(cluster.uri, async (db) => {
      const owner = new db.base.Types.ObjectId(victim.id);
      expect(
        await db.collection('sessions').countDocuments({ userId: owner, revokedAt: null }),
      ).toBe(0);
      const replies = await db
        .collection('messages')
        .find({ userId: owner, role: 'assistant' })
        .toArray();
      expect(replies.map((m) => m.status)).toEqual(['incomplete', 'incomplete']);
      const audit = await db.collection('audit').find({ targetId: owner }).toArray();
      expect(audit).toEqual([
        expect.objectContaining({
          actorKind: 'admin',
          action: 'user.update',
          before: { disabled: false },
          after: { disabled: true },
        }),
      ]);
    });
    expect(
      await eventually(
        () =>
          withDatabase(cluster.uri, (db) =>
            db
              .collection('generations')
              .countDocuments({ userId: new db.base.Types.ObjectId(victim.id) }),
          ),
        (n) => n === 0,
      ),
    ).toBe(0);
  }, 60_000);
});
