import { describe, expect, it } from 'vitest';
import { useChatApp } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';
import { openSse, type SseClient } from '../helpers/sse.js';
import { createUser } from '../helpers/users.js';

/** One account may follow at most MAX_READERS_PER_USER replies at once here (reader-cap.ts). */
const ctx = useChatApp({ MAX_READERS_PER_USER: '2', DETACH_GRACE_SECONDS: '30' });

describe('readers of replies per user', () => {
  it('when a user already follows as many replies as allowed, then another reader (GET or a POST with Last-Event-ID) gets 429 TOO_MANY_STREAMS, other users are not counted, and a closed reader frees its place', async () => {
    let release!: () => void;
    ctx.upstream.script({ chunks: ['held '], holdUntil: new Promise<void>((r) => (release = r)) });
    const chatId = (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body
      .id as string;
    const sender = ctx.stream(`/api/chats/${chatId}/messages`, { content: 'hi', stream: true });
    await sender.waitForEvent('delta');
    const replyId = sender.events.find((e) => e.event === 'meta')!.data.assistantMessage
      .id as string;
    const follow = (
      token = ctx.user.accessToken,
      path = `/api/chats/${chatId}/messages/${replyId}/stream`,
    ) => openSse(ctx.server.port, { path, token });
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

    // A reader that leaves gives its place back.
    readers[0]!.close();
    const next = await eventually(
      async () => {
        const reader = follow();
        await reader.waitFor(() => reader.status !== 0);
        if (reader.status !== 200) await reader.ended;
        return reader;
      },
      (reader) => reader.status === 200,
    );
    release();
    await Promise.all([sender.ended, readers[1]!.ended, next.ended]);
    for (const reader of [sender, readers[1]!, next])
      expect(reader.events.at(-1)).toMatchObject({ event: 'done' });
  });
});
