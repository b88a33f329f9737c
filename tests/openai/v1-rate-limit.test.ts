import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { NO_TIGHT_LIMITS } from '../helpers/auth.js';
import { insideOneWindow } from '../helpers/rate-windows.js';
import { useSdkClient } from '../helpers/sdk-client.js';

const ctx = useTestApp({
  ...NO_TIGHT_LIMITS,
  MODELS: 'demo',
  DEMO_CHUNK_DELAY_MS: '0',
  MESSAGES_PER_MINUTE: '2',
});
const sdk = useSdkClient(ctx, 'v1-rate');

describe('MESSAGES_PER_MINUTE on /v1', () => {
  it('when a key sends more completions than the per-minute limit, then RateLimitError 429 rate_limit_exceeded with Retry-After', async () => {
    await insideOneWindow(60, 15);
    const ask = () =>
      sdk.client.chat.completions.create({
        model: 'demo',
        messages: [{ role: 'user', content: 'hi' }],
      });
    await ask();
    await ask();
    const error = await ask().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limit_exceeded', type: 'requests' });
    const retryAfter = Number(
      (error as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after'),
    );
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });
});
