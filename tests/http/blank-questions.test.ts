import { describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useTestApp } from '../helpers/app.js';
import { expectError, NO_TIGHT_LIMITS } from '../helpers/auth.js';
import { upstreamEnv, useUpstream } from '../helpers/chat-app.js';
import { useSdkClient } from '../helpers/sdk-client.js';

// Every route that stores a question holds it to one rule (lib/text.ts NOT_BLANK): text that is
// only whitespace, U+FEFF included, is no question. The chats routes check it in their schema;
// /v1 with `store: true` and the AI SDK route read the text out of parts and check it by hand.
const BLANK = ' \n\t\uFEFF\u3000 ';

const upstream = await useUpstream();
const ctx = useTestApp({ ...NO_TIGHT_LIMITS, ...upstreamEnv(upstream) });
const sdk = useSdkClient(ctx, 'blank');
const storedMessages = () => Message.countDocuments({ userId: new Types.ObjectId(sdk.user.id) });

describe('a question of whitespace only', () => {
  it('when the chats route gets one, then 400 VALIDATION_FAILED and nothing is stored', async () => {
    const res = await ctx
      .request()
      .post('/api/chats')
      .set(sdk.user.auth)
      .send({ message: BLANK, stream: false });
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(await storedMessages()).toBe(0);
  });

  it('when /v1 stores one, then 400 naming `store` and nothing is stored or sent upstream', async () => {
    const res = await fetch(`${sdk.server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${sdk.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        model: 'test-model',
        store: true,
        messages: [{ role: 'user', content: BLANK }],
      }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { param: string } };
    expect(body.error.param).toBe('store');
    expect(await storedMessages()).toBe(0);
    expect(upstream.requests).toHaveLength(0);
  });

  it('when the AI SDK route gets one, then 400 VALIDATION_FAILED on its parts and nothing is stored', async () => {
    const res = await ctx
      .request()
      .post('/api/ai-sdk/chat')
      .set(sdk.user.auth)
      .send({
        id: 'blank-chat',
        trigger: 'submit-message',
        messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: BLANK }] }],
      });
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.details[0].path).toBe('messages.0.parts');
    expect(await storedMessages()).toBe(0);
    expect(upstream.requests).toHaveLength(0);
  });
});
