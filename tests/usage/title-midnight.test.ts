import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UsageEntry } from '../../src/modules/usage/usage.model.js';
import { useTestApp } from '../helpers/app.js';
import { upstreamEnv } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';
import { startUpstream } from '../helpers/upstream.js';
import { createUser } from '../helpers/users.js';

/**
 * README "Token usage": "A call counts on the day the budget admitted it: a reply that starts
 * before midnight (UTC) and ends after it counts on the day it started". A title is admitted by
 * mayCallModelFor before midnight, but title.service records it without `at`, so chargeOf stamps
 * it with the day it ended.
 */
const upstream = await startUpstream();
const ctx = useTestApp({ ...upstreamEnv(upstream), TOKEN_BUDGET_PER_DAY: '100000', TITLES: 'on' });
afterAll(() => upstream.close());
beforeEach(() => upstream.reset());
afterEach(() => vi.useRealTimers());

describe('a title that runs past midnight (UTC)', () => {
  it('counts on the day whose budget admitted it', async () => {
    const lastMoment = new Date();
    lastMoment.setUTCHours(23, 59, 59, 700);
    const admittedDay = lastMoment.toISOString().slice(0, 10);
    const nextDay = new Date(lastMoment.getTime() + 2_000);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(lastMoment);
    const u = await createUser({ label: 'title-midnight' });
    upstream.script(
      { chunks: ['ok'], usage: { prompt_tokens: 30, completion_tokens: 10, total_tokens: 40 } },
      {
        chunks: ['A title'],
        headerDelayMs: 300,
        usage: { prompt_tokens: 50, completion_tokens: 3, total_tokens: 53 },
      },
    );
    const sending = ctx
      .request()
      .post('/api/chats')
      .set(u.auth)
      .send({ message: 'hello there', stream: false })
      .then((res) => res);
    // The title's call is out (admitted before midnight); then the day ends.
    await eventually(
      () => Promise.resolve(upstream.requests.length),
      (n) => n >= 2,
    );
    vi.setSystemTime(nextDay);
    expect((await sending).status).toBe(201);
    const title = await eventually(
      () => UsageEntry.findOne({ userId: u.id, kind: 'title' }).lean(),
      (e) => e !== null,
    );
    expect(title?.day).toBe(admittedDay);
  });
});
