import { describe, expect, it } from 'vitest';
import {
  abortAllGenerations,
  runningGenerations,
} from '../../src/modules/chats/generation/registry.js';
import { useChatApp } from '../helpers/chat-app.js';

// Shutdown's cut leaves this process in its shutting-down state for good (every generation that
// starts later is cut), so this file runs in the system tier, whose files each get a process.
const ctx = useChatApp({ MAX_CONCURRENT_STREAMS: '2', STOP_POLL_MS: '50' });

// A reply that never ends by itself: only the client, a stop or shutdown can end it.
const endless = { chunks: ['w '], endless: true, delayMs: 10 };
const newChat = async () =>
  (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body.id as string;
const stream = (chatId: string) =>
  ctx.stream(`/api/chats/${chatId}/messages`, { content: 'hello', stream: true });

describe('shutdown in a running process', () => {
  it('when the process aborts every generation (shutdown), then each stream ends with an incomplete reply', async () => {
    ctx.upstream.setDefault(endless);
    const [c1, c2] = [await newChat(), await newChat()];
    const streams = [stream(c1), stream(c2)];
    await Promise.all(
      streams.map((s) => s.waitFor(() => s.events.some((e) => e.event === 'delta'))),
    );
    expect(abortAllGenerations()).toBe(2);
    await Promise.all(streams.map((s) => s.ended));
    for (const s of streams)
      expect(s.events.at(-1)).toMatchObject({
        event: 'done',
        data: { message: { status: 'incomplete', stopReason: 'shutdown' } },
      });

    // A request that was already past the door when shutdown began is cut as soon as it starts.
    const late = stream(await newChat());
    await late.ended;
    expect(late.events.at(-1)).toMatchObject({
      event: 'done',
      data: { message: { status: 'incomplete' } },
    });
    expect(runningGenerations()).toBe(0);
  });
});
