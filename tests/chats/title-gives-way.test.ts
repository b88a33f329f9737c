import { describe, expect, it } from 'vitest';
import { useChatApp } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';

// One slot: README "Reconnecting" promises that a dropped stream never locks the user out (a new
// send takes the slot of a reply that waits for its reader, at once).
const ctx = useChatApp({ MAX_CONCURRENT_STREAMS: '1', TITLES: 'on', TITLE_TIMEOUT_MS: '60000' });

describe('a title in flight and the user’s next send', () => {
  it('when a new chat’s title is being written after its client left, then the user’s next send is answered while the title is still out (it gives way), not held until the title ends', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    ctx.upstream.script(
      { chunks: ['An answer'] },
      { chunks: ['A title'], holdUntil: held },
      { chunks: ['Second answer'] },
    );
    const first = ctx.stream('/api/chats', { message: 'first question', stream: true });
    await first.waitForEvent('delta');
    // The reply has ended and its title call is upstream, held there.
    await eventually(
      () => Promise.resolve(ctx.upstream.requests.length),
      (n) => n >= 2,
    );
    first.close(); // the user moved on (a closed tab, a new chat)
    const next = ctx
      .request()
      .post('/api/chats')
      .set(ctx.user.auth)
      .send({ message: 'second question', stream: false })
      .then((res) => res);
    try {
      // The title is held upstream for as long as this test runs: a send that waits for it never
      // comes back before `release`. 10 s is far beyond what an admitted send takes here.
      const outcome = await Promise.race([
        next.then((res) => ({ status: res.status, body: res.body as unknown })),
        new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), 10_000)),
      ]);
      expect(outcome, 'the send waited for the title call').not.toBe('pending');
    } finally {
      release();
      await next;
    }
  }, 30_000);
});
