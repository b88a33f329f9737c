import { MongoNetworkError } from 'mongodb';
import { describe, expect, it, vi } from 'vitest';
import { isDatabaseConnected } from '../../src/lib/db/connection.js';
import type { Types } from '../../src/lib/db/mongoose.js';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';
import { replyStreamingElsewhere } from '../helpers/remote-reply.js';
import { finalsOf, openSse } from '../helpers/sse.js';

/*
 * A reader on this instance follows a reply generated on another by polling the stored message
 * (reply-follower.ts). The database going away for a poll or two says nothing about the reply: it
 * goes on on its instance. A short grace, so that an outage can outlast it within a test; pings
 * often enough to count a few while the reader waits.
 */
const GRACE_S = 2;
const ctx = useChatApp({
  DETACH_GRACE_SECONDS: String(GRACE_S),
  RESUME_POLL_MS: '50',
  SSE_PING_SECONDS: '0.2',
});

/** A failed command may mark the database unreachable until the next heartbeat (every 500 ms). */
const databaseBack = async () => {
  const connected = () => Promise.resolve(isDatabaseConnected());
  expect(await eventually(connected, (up) => up)).toBe(true);
};

/** The reply's instance goes on, and ends the reply well. */
async function completedElsewhere(reply: { _id: Types.ObjectId }, lease: { token: string }) {
  await Message.updateOne(
    { _id: reply._id },
    { $set: { content: 'so far, and the rest', status: 'complete', finishReason: 'stop' } },
  );
  await Generation.deleteOne({ token: lease.token });
}

/** Polls of the stored reply meet a reset connection: the first `times` of them, or every one. */
function failReads(times = Infinity) {
  const read = Message.collection.findOne.bind(Message.collection);
  const failures: number[] = [];
  const spy = vi
    .spyOn(Message.collection, 'findOne')
    .mockImplementation(async (...args: Parameters<typeof read>) => {
      if (failures.length < times) {
        failures.push(Date.now());
        throw new MongoNetworkError('connection reset by the test');
      }
      return read(...args);
    });
  return { failures, restore: () => spy.mockRestore() };
}

describe('a reader following a reply of another instance when the database blips', () => {
  it('when one poll of the stored reply fails, then the reader is not told the reply failed, and it still gets the rest of the text and done', async () => {
    const { chatId, reply, lease } = await replyStreamingElsewhere(ctx, 'blip-elsewhere', 3);
    const replyId = String(reply._id);
    const reader = openSse(ctx.server.port, {
      path: `/api/chats/${chatId}/messages/${replyId}/stream`,
      token: ctx.user.accessToken,
    });
    try {
      await reader.waitFor(() => reader.text() === 'so far');
      const reads = failReads(1);
      try {
        await eventually(
          () => Promise.resolve(reads.failures.length),
          (n) => n === 1,
        );
      } finally {
        reads.restore();
      }
      await databaseBack();
      expect(reads.failures).toHaveLength(1);
      await completedElsewhere(reply, lease);

      await reader.waitFor(() => finalsOf(reader).length > 0);
      expect(
        finalsOf(reader).map((e) => [e.event, e.data.error?.code ?? null, e.id]),
        'the reader was told the reply failed',
      ).toEqual([['done', null, `${replyId}:end`]]);
      expect(reader.text()).toBe('so far, and the rest');
    } finally {
      reader.close();
    }
  });

  it('when the database stays away longer than DETACH_GRACE_SECONDS, then the reader waits that long with its pings going on, ends with an error whose id is the text delivered, and a reconnect with it gets the rest of the reply, not 204', async () => {
    const { chatId, reply, lease } = await replyStreamingElsewhere(ctx, 'away-elsewhere', 4);
    const replyId = String(reply._id);
    const reader = openSse(ctx.server.port, {
      path: `/api/chats/${chatId}/messages/${replyId}/stream`,
      token: ctx.user.accessToken,
    });
    await reader.waitFor(() => reader.text() === 'so far');
    const pingsBefore = reader.comments.length;
    const reads = failReads();
    let endedAt: number;
    try {
      await reader.waitFor(() => finalsOf(reader).length > 0, 10_000);
      endedAt = Date.now();
    } finally {
      reads.restore();
    }
    await databaseBack();
    expect(
      finalsOf(reader).map((e) => [e.event, e.data.error?.code ?? null, e.id]),
      'the id of the final error says how much text was delivered',
    ).toEqual([['error', 'SERVICE_UNAVAILABLE', `${replyId}:6`]]);
    // What the reader promises: it keeps its client for a whole grace (the time its last heartbeat
    // holds the reply for it) from the first poll that failed. Both times are this process's clock.
    expect(endedAt - reads.failures[0]!).toBeGreaterThanOrEqual(GRACE_S * 1000);
    // The stream was silent meanwhile, not dead: a proxy sees its pings.
    expect(reader.comments.length).toBeGreaterThan(pingsBefore);
    // The reader finished nothing: the reply is its instance's.
    expect((await Message.findById(reply._id).lean())!.status).toBe('streaming');

    await completedElsewhere(reply, lease);
    // EventSource reconnects with the id of the last event it got.
    const again = openSse(ctx.server.port, {
      path: `/api/chats/${chatId}/messages/${replyId}/stream`,
      token: ctx.user.accessToken,
      headers: { 'Last-Event-ID': reader.lastId() },
    });
    await again.ended;
    expect(again.status, `reconnected with ${reader.lastId()}`).toBe(200);
    expect(reader.text() + again.text()).toBe('so far, and the rest');
    expect(finalsOf(again).map((e) => [e.event, e.id])).toEqual([['done', `${replyId}:end`]]);
  });
});
