import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { dayOf } from '../../src/modules/usage/days.js';
import { tokensUsedOn } from '../../src/modules/usage/usage.service.js';
import { useTestApp } from '../helpers/app.js';
import { upstreamEnv } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';
import { useWholeDays } from '../helpers/rate-windows.js';
import { startUpstream } from '../helpers/upstream.js';
import { createUser } from '../helpers/users.js';

/**
 * README "Budgets", Overshoot: "at most MAX_CONCURRENT_STREAMS admitted replies are ever
 * unrecorded, and tokens of the day < limit + MAX_CONCURRENT_STREAMS × (largest prompt + MAX_TOKENS)".
 * A chat's title is a model call too (title.service.ts). It runs after its reply gave its
 * generation slot back: unless it holds a slot of its own and records its tokens before giving it
 * back, any number of titles can be in flight, unrecorded, while the user's next sends are
 * admitted on a total that does not hold them.
 */
const LIMIT = 100;
const MAX_TOKENS = 10;
const upstream = await startUpstream();
const ctx = useTestApp({
  ...upstreamEnv(upstream),
  TOKEN_BUDGET_PER_DAY: String(LIMIT),
  MAX_CONCURRENT_STREAMS: '1',
  MAX_TOKENS: String(MAX_TOKENS),
  TITLES: 'on',
});
afterAll(() => upstream.close());
beforeEach(() => upstream.reset());
useWholeDays();

describe('titles and the budget overshoot bound', () => {
  it('keeps the day within limit + MAX_CONCURRENT_STREAMS × (largest prompt + MAX_TOKENS) when new chats get titles', async () => {
    const user = await createUser({ label: 'title-overshoot' });
    let releaseTitles!: () => void;
    const titlesHeld = new Promise<void>((resolve) => (releaseTitles = resolve));
    // Replies: 10 tokens each. Titles: what a provider reports for a title of a 1,500-char
    // question and a 1,500-char answer (about 700 prompt tokens), held until released.
    const reply = {
      chunks: ['ok'],
      usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 },
    };
    const title = {
      chunks: ['A title'],
      holdUntil: titlesHeld,
      usage: { prompt_tokens: 700, completion_tokens: 20, total_tokens: 720 },
    };
    const SENDS = 5;
    for (let i = 0; i < SENDS; i += 1) upstream.script(reply, title);

    const responses: Promise<{ status: number }>[] = [];
    for (let i = 0; i < SENDS; i += 1) {
      responses.push(
        ctx
          .request()
          .post('/api/chats')
          .set(user.auth)
          .send({ message: `question ${i}`, stream: false })
          .then((res) => res),
      );
      // The reply has ended and its title went upstream, held there (or the send was refused).
      await eventually(
        () => Promise.resolve(upstream.requests.length),
        (count) => count >= 2 * (i + 1),
        1000,
      );
    }
    releaseTitles();
    const statuses = (await Promise.all(responses)).map((r) => r.status);
    for (const status of statuses) expect([201, 429]).toContain(status);
    // Every call that went upstream has been recorded by now: a title before its chat's answer.

    const day = dayOf(new Date());
    const used = (await tokensUsedOn([user.id], day)).get(user.id) ?? 0;
    // The largest prompt of these calls is a title's (700 tokens, as reported), the largest
    // output a title's (20): one call of them may be unrecorded at a time (one slot).
    const bound = LIMIT + 1 * (700 + Math.max(MAX_TOKENS, 20));
    expect(used).toBeLessThan(bound);
  });
});
