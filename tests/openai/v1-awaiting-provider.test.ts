import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { runningGenerations } from '../../src/modules/chats/generation/registry.js';
import { useTestApp } from '../helpers/app.js';
import { NO_TIGHT_LIMITS } from '../helpers/auth.js';
import { eventually } from '../helpers/eventually.js';
import { startUpstream } from '../helpers/upstream.js';
import { upstreamEnv } from '../helpers/chat-app.js';
import { useSdkClient } from '../helpers/sdk-client.js';

// One slot, and a lease that lapses 2 s after its last renewal: the provider below answers later.
const upstream = await startUpstream();
const ctx = useTestApp({
  ...NO_TIGHT_LIMITS,
  ...upstreamEnv(upstream),
  MODELS: 'test-model',
  MAX_CONCURRENT_STREAMS: '1',
  GENERATION_LEASE_SECONDS: '2',
});
const sdk = useSdkClient(ctx, 'v1-awaiting');

afterAll(async () => {
  await upstream.close();
});

describe('a streamed /v1 call waiting for the provider to answer', () => {
  it('when the provider answers after longer than the lease, then the call holds its slot all along (renewed, counted as running) and streams once answered', async () => {
    // Answered 6 s after the call: 3 s past the checks below (a slow refusal of the second call
    // must not meet the first reply giving its slot back).
    upstream.script({ chunks: ['late ', 'answer'], headerDelayMs: 6000 });
    const first = sdk.client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    const lease = () => Generation.findOne({ userId: new Types.ObjectId(sdk.user.id) }).lean();
    // Waiting for the provider: counted as a running generation (what stop and shutdown reach),
    // well before the provider answers.
    expect(
      await eventually(
        () => Promise.resolve(runningGenerations()),
        (n) => n === 1,
        1500,
      ),
    ).toBe(1);
    expect(
      await eventually(
        () => Promise.resolve(upstream.requests.length),
        (n) => n === 1,
      ),
    ).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(upstream.requests).toHaveLength(1);
    // Past the lease time since it was taken, and still held: it was renewed meanwhile.
    const held = await lease();
    expect(held?.expiresAt.getTime()).toBeGreaterThan(Date.now());
    const second = await sdk.client.chat.completions
      .create({ model: 'test-model', messages: [{ role: 'user', content: 'again' }] })
      .catch((error: unknown) => error);
    expect(second).toBeInstanceOf(OpenAI.RateLimitError);
    let text = '';
    for await (const chunk of await first) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('late answer');
    expect(upstream.requests).toHaveLength(1);
    expect(await eventually(lease, (found) => found === null)).toBeNull();
    expect(runningGenerations()).toBe(0);
  }, 20_000);
});
