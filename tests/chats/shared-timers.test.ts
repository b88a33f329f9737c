import { describe, expect, it } from 'vitest';
import { tickerLoad } from '../../src/lib/ticker.js';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';

const STREAMS = 20;
const PING_SECONDS = 0.2;
const LEASE_SECONDS = 2;
const ctx = useChatApp({
  SSE_PING_SECONDS: String(PING_SECONDS),
  GENERATION_LEASE_SECONDS: String(LEASE_SECONDS),
  MAX_CONCURRENT_STREAMS: String(STREAMS),
  STOP_POLL_MS: '50',
});

const newChat = async () =>
  (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body.id as string;
/** Timers that keep the process alive (unref'd ones are not listed). */
const activeTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
const pings = (s: { comments: string[] }) => s.comments.filter((c) => c === 'ping').length;

describe('pings and lease renewals on shared timers', () => {
  it('when many streams are silent at once, then each gets a ping every SSE_PING_SECONDS, from one interval for all', async () => {
    let release!: () => void;
    const silent = new Promise<void>((resolve) => (release = resolve));
    // Every reply sends one chunk, then the model is silent until the test has seen the pings.
    ctx.upstream.setDefault({ chunks: ['hm'], holdUntil: silent });
    const chats = await Promise.all(Array.from({ length: STREAMS }, newChat));
    const timersBefore = activeTimers();
    const streams = chats.map((id) =>
      ctx.stream(`/api/chats/${id}/messages`, { content: 'think', stream: true }),
    );
    await Promise.all(streams.map((s) => s.waitForEvent('delta', 15_000)));

    // All the streams and their leases ride two intervals: one per period (ping, renewal).
    expect(tickerLoad()).toEqual({ intervals: 2, tasks: STREAMS + 1 });
    // Nor does a held reply keep a timer of its own (its idle check and its next checkpoint are
    // deadlines in queues of one timer each).
    expect(activeTimers() - timersBefore).toBeLessThan(STREAMS / 2);

    await Promise.all(streams.map((s) => s.waitFor(() => pings(s) >= 1, 10_000)));
    const firstAt = Date.now();
    const before = streams.map(pings);
    await Promise.all(streams.map((s) => s.waitFor(() => pings(s) >= 4, 10_000)));
    const elapsed = (Date.now() - firstAt) / 1000;
    for (const [i, s] of streams.entries()) {
      const added = pings(s) - before[i]!;
      // At most one ping per period (plus the one that may have been on its way), never a burst.
      expect(added).toBeLessThanOrEqual(Math.floor(elapsed / PING_SECONDS) + 1);
    }
    // Three more pings each took about three periods, not a multiple of the stream count.
    expect(elapsed).toBeLessThan(3 * PING_SECONDS * 10);

    release();
    await Promise.all(streams.map((s) => s.ended));
    for (const s of streams)
      expect(s.events.map((e) => e.event)).toEqual(['meta', 'delta', 'done']);
    // The last stream gone, the intervals go too: nothing ticks for an idle process.
    expect(
      await eventually(
        () => Promise.resolve(tickerLoad()),
        (l) => l.intervals === 0,
      ),
    ).toEqual({
      intervals: 0,
      tasks: 0,
    });
  }, 60_000);

  it('when a reply outlives the lease time, then its lease is renewed: it stays held and cannot be taken over', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    ctx.upstream.setDefault({ chunks: ['long'], holdUntil: held });
    const chatId = await newChat();
    const s = ctx.stream(`/api/chats/${chatId}/messages`, { content: 'long one', stream: true });
    await s.waitForEvent('delta', 10_000);
    const lease = (await Generation.findOne({ userId: ctx.user.id, chatId }).lean())!;
    const firstExpiry = lease.expiresAt.getTime();

    // Wait (on the clock) until the lease as first written has lapsed, with a margin.
    await eventually(
      () => Promise.resolve(Date.now()),
      (now) => now > firstExpiry + 500,
      LEASE_SECONDS * 1000 + 5000,
    );
    const renewed = (await Generation.findOne({ token: lease.token }).lean())!;
    expect(renewed).not.toBeNull();
    expect(renewed.expiresAt.getTime()).toBeGreaterThan(Date.now());
    // The takeover another instance would try (acquireLease on a lapsed slot) finds nothing.
    const takeover = await Generation.updateOne(
      { userId: lease.userId, slot: lease.slot, expiresAt: { $lte: new Date() } },
      { $set: { token: 'another-instance' } },
    );
    expect(takeover.modifiedCount).toBe(0);

    release();
    await s.ended;
    expect(s.events.at(-1)).toMatchObject({
      event: 'done',
      data: { message: { status: 'complete', content: 'long' } },
    });
    const stored = await Message.findOne({ chatId, role: 'assistant' }).lean();
    expect(stored).toMatchObject({ status: 'complete', content: 'long' });
    expect(
      await eventually(
        () => Generation.countDocuments({ chatId }),
        (n) => n === 0,
      ),
    ).toBe(0);
  }, 30_000);
});
