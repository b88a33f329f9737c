import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { insertBigChat } from '../helpers/big-chat.js';
import { useChatApp } from '../helpers/chat-app.js';
import { textParser } from '../helpers/sse.js';

/** Review measurement (exportrev): a chat of 20,000 messages exported; time and event-loop delay. */
const ctx = useChatApp({ RATE_LIMITS_ENABLED: 'false', TITLES: 'off' });

describe('a chat of 20,000 messages', () => {
  it('measures', async () => {
    const big = await insertBigChat(ctx.user.id, { depth: 20_000, edits: 50, regens: 50 });
    for (const format of ['json', 'markdown']) {
      const h = monitorEventLoopDelay({ resolution: 10 });
      h.enable();
      const t0 = Date.now();
      const res = await ctx
        .request()
        .get(`/api/chats/${String(big.chatId)}/export?format=${format}`)
        .set(ctx.user.auth)
        .buffer(true)
        .parse(textParser)
        .expect(200);
      h.disable();
      console.log(
        `${format}: ${Date.now() - t0} ms, ${(res.body as string).length} chars, event loop max ${(h.max / 1e6).toFixed(0)} ms p99 ${(h.percentile(99) / 1e6).toFixed(0)} ms`,
      );
    }
    expect(1).toBe(1);
  }, 120_000);
});
