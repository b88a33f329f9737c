import { describe, expect, it } from 'vitest';
import { useChatApp } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';
import { openSse, type SseClient } from '../helpers/sse.js';
import { createUser } from '../helpers/users.js';

/** One account may follow at most MAX_READERS_PER_USER replies at once here (reader-cap.ts). */
const ctx = useChatApp({ MAX_READERS_PER_USER: '2', DETACH_GRACE_SECONDS: '30' });

describe('readers of replies per user', () => {
  it('when a user already follows as many replies as allowed, then another reader (GET, a POST with Last-Event-ID, a keyed repeat of the send) gets 429 TOO_MANY_STREAMS, other users are not counted, and a closed reader or a 404 frees its place', async () => {
    let release!: () => void;
    ctx.upstream.script({ chunks: ['held '], holdUntil: new Promise<void>((r) => (release = r)) });
    const chatId = (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body
      .id as string;
    /** The send, with a key: its repeats follow the same reply. */
    const sendWithKey = () =>
      openSse(ctx.server.port, {
        method: 'POST',
        path: `/api/chats/${chatId}/messages`,
        token: ctx.user.accessToken,
        body: { content: 'hi', stream: true },
        headers: { 'Idempotency-Key': 'reader-cap-key' },
      });
    const sender = sendWithKey();
    await sender.waitForEvent('delta');
    const replyId = sender.events.find((e) => e.event === 'meta')!.data.assistantMessage
      .id as string;
    const follow = (
      token = ctx.user.accessToken,
      path = `/api/chats/${chatId}/messages/${replyId}/stream`,
    ) => openSse(ctx.server.port, { path, token });
    /** A reader, retried until a place is free (a closed one's goes back as the server sees it). */
    const followOnceFree = () =>
      eventually(
        async () => {
          const reader = follow();
          await reader.waitFor(() => reader.status !== 0);
          if (reader.status !== 200) await reader.ended;
          return reader;
        },
        (reader) => reader.status === 200,
      );
    const opened = async (reader: SseClient) => {
      await reader.waitForEvent('delta');
      expect(reader.status).toBe(200);
      return reader;
    };

    // The send's own stream is not a follower: two readers fit besides it.
    const readers = [await opened(follow()), await opened(follow())];
    const third = follow();
    await third.ended;
    expect(third.status).toBe(429);
    expect(JSON.parse(third.body).error.code).toBe('TOO_MANY_STREAMS');
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    const reconnect = openSse(ctx.server.port, {
      method: 'POST',
      path: `/api/chats/${chatId}/messages`,
      token: ctx.user.accessToken,
      body: { content: 'hi', stream: true },
      headers: { 'Last-Event-ID': sender.lastId() },
    });
    await reconnect.ended;
    expect(reconnect.status).toBe(429);
    expect(JSON.parse(reconnect.body).error.code).toBe('TOO_MANY_STREAMS');

    // Another account has places of its own: it is not refused for this one's (the places are
    // taken before the reply is looked up), only told that this reply is not its.
    const other = await createUser({ label: 'other-reader' });
    const theirs = follow(other.accessToken);
    await theirs.ended;
    expect(theirs.status).toBe(404);

    // A repeat of the send with its Idempotency-Key follows the reply too: counted the same.
    const keyed = sendWithKey();
    await keyed.ended;
    expect(keyed.status).toBe(429);

    // A reader that leaves gives its place back.
    readers[0]!.close();
    const next = await followOnceFree();
    // Answers that are not streams give their places back too: with the one place left free
    // (next took the other), two 404s in a row, then a reader still fits.
    readers[1]!.close();
    for (let i = 0; i < 2; i += 1) {
      const missing = follow(
        ctx.user.accessToken,
        `/api/chats/${chatId}/messages/${'0'.repeat(24)}/stream`,
      );
      await missing.ended;
      expect(missing.status).toBe(404);
    }
    const last = await followOnceFree();
    release();
    await Promise.all([sender.ended, next.ended, last.ended]);
    for (const reader of [sender, next, last])
      expect(reader.events.at(-1)).toMatchObject({ event: 'done' });
  });
});
