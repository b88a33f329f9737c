import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { User } from '../../src/modules/users/user.model.js';
import { useTestApp } from '../helpers/app.js';
import { expectError } from '../helpers/auth.js';
import { upstreamEnv } from '../helpers/chat-app.js';
import { useWholeDays } from '../helpers/rate-windows.js';
import { startUpstream } from '../helpers/upstream.js';
import { createUser, type TestUser } from '../helpers/users.js';

const SERVICE_LIMIT = 100;
const upstream = await startUpstream();
const ctx = useTestApp({
  ...upstreamEnv(upstream),
  SERVICE_TOKEN_BUDGET_PER_DAY: String(SERVICE_LIMIT),
});

afterAll(() => upstream.close());
beforeEach(() =>
  // 40 tokens a reply.
  upstream.setDefault({
    chunks: ['ok'],
    usage: { prompt_tokens: 30, completion_tokens: 10, total_tokens: 40 },
  }),
);
useWholeDays();

const newChat = async (u: TestUser) =>
  (await ctx.request().post('/api/chats').set(u.auth).send({})).body.id as string;
const send = (u: TestUser, chatId: string) =>
  ctx.request().post(`/api/chats/${chatId}/messages`).set(u.auth).send({ content: 'hello' });

describe('the service-wide daily token budget', () => {
  it('when every user’s tokens of the day together reach SERVICE_TOKEN_BUDGET_PER_DAY, then every user’s next message is 429 QUOTA_EXCEEDED until midnight, without naming the limit, and nothing is stored or sent', async () => {
    const alice = await createUser({ label: 'service-a' });
    const bob = await createUser({ label: 'service-b' });
    const [aliceChat, bobChat] = [await newChat(alice), await newChat(bob)];
    // 0 → 40 → 80 → 120: no user has a limit of their own; the service's is crossed by the third.
    expect((await send(alice, aliceChat)).status).toBe(201);
    expect((await send(bob, bobChat)).status).toBe(201);
    expect((await send(alice, aliceChat)).status).toBe(201);
    // Each instance reads the day's total at most once a second.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const calls = upstream.requests.length;
    const stored = await Message.countDocuments({
      userId: { $in: [alice.id, bob.id].map((id) => new Types.ObjectId(id)) },
    });
    for (const [user, chatId] of [
      [alice, aliceChat],
      [bob, bobChat],
    ] as const) {
      const refused = await send(user, chatId);
      expectError(refused, 429, 'QUOTA_EXCEEDED');
      expect(refused.body.error.message).toMatch(/^The service's daily token budget is used up;/);
      expect(refused.body.error.message).not.toContain(String(SERVICE_LIMIT));
      const secondsToMidnight = (86_400_000 - (Date.now() % 86_400_000)) / 1000;
      expect(Math.abs(Number(refused.headers['retry-after']) - secondsToMidnight)).toBeLessThan(5);
    }
    // A third user, who has used nothing, is refused too.
    const carol = await createUser({ label: 'service-c' });
    expectError(await send(carol, await newChat(carol)), 429, 'QUOTA_EXCEEDED');
    expect(upstream.requests).toHaveLength(calls);
    expect(
      await Message.countDocuments({
        userId: { $in: [alice.id, bob.id].map((id) => new Types.ObjectId(id)) },
      }),
    ).toBe(stored);
    // The user's own budget still reads as unlimited: it is the service that is out.
    const usage = await ctx.request().get('/api/usage').set(bob.auth);
    expect(usage.body.budget).toMatchObject({ limit: null, used: 40 });
    // An administrator sees the service's budget and today's total against it.
    const admin = await createUser({ label: 'service-admin' });
    await User.updateOne({ _id: admin.id }, { $set: { role: 'admin' } });
    const report = await ctx.request().get('/api/admin/usage').set(admin.auth);
    expect(report.status).toBe(200);
    expect(report.body.serviceBudget).toEqual({
      limit: SERVICE_LIMIT,
      used: 120,
      resetsAt: new Date(Math.ceil(Date.now() / 86_400_000) * 86_400_000).toISOString(),
    });
  });
});
