import { describe, expect, it } from 'vitest';
import type { Instance } from '../helpers/instances.js';
import { insideOneWindow } from '../helpers/rate-windows.js';
import { openStream } from '../helpers/sse.js';
import {
  eventually,
  newChat,
  portOf,
  post,
  useTwoInstances,
  userOn,
  withDatabase,
} from './cluster-helpers.js';

/**
 * Generation slots, stop requests and message budgets live in the database, so they hold whichever
 * instance a request lands on. Two real server processes, one database, one scripted model.
 */
const MESSAGES_PER_MINUTE = 6;
const cluster = useTwoInstances(
  {
    MAX_CONCURRENT_STREAMS: '2',
    MESSAGES_PER_MINUTE: String(MESSAGES_PER_MINUTE),
    SIGNUP_LIMIT_PER_IP: '1000',
  },
  { upstream: true },
);

// A reply that never ends by itself: only a stop (or the client) ends it.
const endless = { chunks: ['w '], endless: true, delayMs: 40 };
const streamOn = (instance: Instance, chatId: string, token: string, content = 'hello') =>
  openStream(portOf(instance), `/api/chats/${chatId}/messages`, token, { content, stream: true });
const deltas = (s: ReturnType<typeof streamOn>) => s.events.filter((e) => e.event === 'delta');
const finals = (s: ReturnType<typeof streamOn>) =>
  s.events.filter((e) => e.event === 'done' || e.event === 'error');
const leasesOf = (userId: string) =>
  withDatabase(cluster.uri, (db) =>
    db.collection('generations').countDocuments({ userId: new db.base.Types.ObjectId(userId) }),
  );

describe('the per-user stream cap across instances', () => {
  it('when a user streams one reply on A and one on B, then a third on either instance gets 429 TOO_MANY_STREAMS and the two complete', async () => {
    // Both replies stay open until the third request has been refused on each instance.
    const letters = 'abcdefghijklmnopqrst'.split('');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    cluster.upstream.setDefault({ chunks: letters, holdUntil: held });
    const user = await userOn(cluster.a);
    const [c1, c2, c3] = [
      await newChat(cluster.a, user.accessToken),
      await newChat(cluster.b, user.accessToken),
      await newChat(cluster.a, user.accessToken),
    ];
    const s1 = streamOn(cluster.a, c1, user.accessToken);
    const s2 = streamOn(cluster.b, c2, user.accessToken);
    await Promise.all([s1.waitForEvent('meta', 10_000), s2.waitForEvent('meta', 10_000)]);

    for (const instance of [cluster.a, cluster.b]) {
      const third = await post(
        `${instance.url}/api/chats/${c3}/messages`,
        { content: 'third', stream: true },
        user.accessToken,
      );
      expect(third.status).toBe(429);
      expect(third.headers.get('retry-after')).toBeTruthy();
      expect(((await third.json()) as { error: { code: string } }).error.code).toBe(
        'TOO_MANY_STREAMS',
      );
    }
    // The refused requests reached neither the model nor the database.
    expect(cluster.upstream.requests).toHaveLength(2);
    expect(finals(s1).length + finals(s2).length).toBe(0);

    release();
    await Promise.all([s1.ended, s2.ended]);
    for (const s of [s1, s2]) {
      expect(s.status).toBe(200);
      expect(finals(s)).toHaveLength(1);
      expect(s.events.at(-1)).toMatchObject({
        event: 'done',
        data: { message: { status: 'complete', content: letters.join('') } },
      });
    }
    await withDatabase(cluster.uri, async (db) => {
      expect(
        await db.collection('messages').countDocuments({ chatId: new db.base.Types.ObjectId(c3) }),
      ).toBe(0);
    });
    // Slots are freed on both instances once the replies end: the third one now starts.
    expect(
      await eventually(
        () => leasesOf(user.id),
        (n) => n === 0,
      ),
    ).toBe(0);
    const again = streamOn(cluster.b, c3, user.accessToken, 'third again');
    await again.ended;
    expect(again.events.at(-1)).toMatchObject({
      event: 'done',
      data: { message: { status: 'complete' } },
    });
  }, 30_000);
});

describe('stopping a reply from another instance', () => {
  it('when POST /:id/stop goes to B while A streams the reply, then the stream ends with done (incomplete) within about a second and the partial answer is stored', async () => {
    cluster.upstream.setDefault(endless);
    const user = await userOn(cluster.a);
    const chatId = await newChat(cluster.a, user.accessToken);
    const s = streamOn(cluster.a, chatId, user.accessToken, 'a long story please');
    await s.waitFor(() => deltas(s).length >= 3, 10_000);

    const stop = await post(`${cluster.b.url}/api/chats/${chatId}/stop`, {}, user.accessToken);
    const stoppedAt = Date.now();
    expect(stop.status).toBe(202);
    expect(await stop.json()).toEqual({ stopping: true });
    await s.ended;
    const tookMs = Date.now() - stoppedAt;
    // The instance streaming it polls for stop requests every 500 ms (STOP_POLL_MS); leave room for a loaded machine.
    expect(tookMs).toBeLessThan(1500);

    expect(finals(s)).toHaveLength(1);
    const last = s.events.at(-1)!;
    expect(last.event).toBe('done');
    expect(last.data.message).toMatchObject({
      status: 'incomplete',
      finishReason: null,
      error: null,
    });
    const partial = deltas(s)
      .map((e) => e.data.content)
      .join('');
    expect(last.data.message.content).toBe(partial);
    expect(partial.length).toBeGreaterThan(0);

    await cluster.upstream.requests[0]!.finished;
    expect(cluster.upstream.requests[0]!.aborted).toBe(true);
    await withDatabase(cluster.uri, async (db) => {
      const stored = await db
        .collection('messages')
        .find({ chatId: new db.base.Types.ObjectId(chatId) })
        .sort({ createdAt: 1 })
        .toArray();
      expect(stored.map((m) => [m.role, m.status])).toEqual([
        ['user', 'complete'],
        ['assistant', 'incomplete'],
      ]);
      expect(stored[1]!.content).toBe(partial);
    });
    expect(
      await eventually(
        () => leasesOf(user.id),
        (n) => n === 0,
      ),
    ).toBe(0);
  }, 30_000);

  it("when another user sends stop for the chat (on either instance), then 404 like a missing chat and the owner's stream continues", async () => {
    // The reply stays open (after its chunks) until the intruder's requests have been answered.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    cluster.upstream.setDefault({
      chunks: Array.from({ length: 40 }, (_, i) => `w${i} `),
      holdUntil: held,
    });
    const owner = await userOn(cluster.a);
    const intruder = await userOn(cluster.b);
    const chatId = await newChat(cluster.a, owner.accessToken);
    const s = streamOn(cluster.a, chatId, owner.accessToken);
    await s.waitFor(() => deltas(s).length >= 2, 10_000);

    for (const instance of [cluster.b, cluster.a]) {
      const res = await post(`${instance.url}/api/chats/${chatId}/stop`, {}, intruder.accessToken);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    }
    // Nothing was flagged for the instance streaming it.
    await withDatabase(cluster.uri, async (db) => {
      expect(
        await db
          .collection('generations')
          .countDocuments({ chatId: new db.base.Types.ObjectId(chatId) }),
      ).toBe(1);
      const lease = await db
        .collection('generations')
        .findOne({ chatId: new db.base.Types.ObjectId(chatId) });
      expect(await db.collection('generation_flags').countDocuments({ token: lease!.token })).toBe(
        0,
      );
    });
    expect(finals(s)).toHaveLength(0); // still streaming
    release();
    await s.ended;
    expect(s.events.at(-1)).toMatchObject({
      event: 'done',
      data: { message: { status: 'complete', content: upstreamText(40) } },
    });
    await withDatabase(cluster.uri, async (db) => {
      const reply = await db
        .collection('messages')
        .findOne({ chatId: new db.base.Types.ObjectId(chatId), role: 'assistant' });
      expect(reply).toMatchObject({ status: 'complete' });
    });
  }, 30_000);
});

const upstreamText = (n: number) => Array.from({ length: n }, (_, i) => `w${i} `).join('');

describe('the per-user message rate across instances', () => {
  it('when a user sends more messages per minute than allowed, in parallel over both instances, then exactly the excess gets 429 RATE_LIMITED and no more are stored', async () => {
    cluster.upstream.setDefault({ chunks: ['ok'] });
    const user = await userOn(cluster.a);
    const chats = [
      await newChat(cluster.a, user.accessToken),
      await newChat(cluster.b, user.accessToken),
    ];
    // Windows are whole minutes; a burst that straddles two would legitimately get twice the budget.
    await insideOneWindow(60, 15);
    const attempts = 10;
    const responses = await Promise.all(
      Array.from({ length: attempts }, (_, i) =>
        post(
          `${[cluster.a, cluster.b][i % 2]!.url}/api/chats/${chats[i % 2]}/messages`,
          { content: `m${i}`, stream: false },
          user.accessToken,
        ),
      ),
    );
    const codes = await Promise.all(
      responses.map(async (r) =>
        r.status === 201 ? 'ok' : ((await r.json()) as { error: { code: string } }).error.code,
      ),
    );
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(attempts - MESSAGES_PER_MINUTE);
    // Passing the rate check, a message may still meet the stream cap (2); nothing else may happen.
    expect(codes.every((c) => ['ok', 'RATE_LIMITED', 'TOO_MANY_STREAMS'].includes(c))).toBe(true);
    for (const r of responses.filter((r) => r.status === 429))
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);

    // Whatever got through, the budget is spent on both instances now.
    for (const instance of [cluster.a, cluster.b]) {
      const more = await post(
        `${instance.url}/api/chats/${chats[0]}/messages`,
        { content: 'one more', stream: true },
        user.accessToken,
      );
      expect(more.status).toBe(429);
      expect(((await more.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    }
    await withDatabase(cluster.uri, async (db) => {
      const stored = await db
        .collection('messages')
        .countDocuments({ userId: new db.base.Types.ObjectId(user.id), role: 'user' });
      expect(stored).toBe(codes.filter((c) => c === 'ok').length);
      expect(stored).toBeLessThanOrEqual(MESSAGES_PER_MINUTE);
    });
  }, 90_000);
});
