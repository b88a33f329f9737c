import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useTestApp } from '../helpers/app.js';
import { NO_TIGHT_LIMITS } from '../helpers/auth.js';
import { upstreamEnv } from '../helpers/chat-app.js';
import { startUpstream } from '../helpers/upstream.js';
import { createUser } from '../helpers/users.js';

const upstream = await startUpstream();
const ctx = useTestApp({ ...NO_TIGHT_LIMITS, ...upstreamEnv(upstream), MODELS: 'test-model' });
afterAll(() => upstream.close());
beforeEach(() => upstream.reset());

let keys = 0;
const newKey = () => `v1-repeat-key-${Date.now()}-${(keys += 1)}`;
const owned = (userId: string) => ({ userId: new Types.ObjectId(userId) });
const ask = (content: string, extra: Record<string, unknown> = {}) => ({
  model: 'test-model',
  messages: [{ role: 'user' as const, content }],
  store: true,
  ...extra,
});
async function userWithKey(label: string) {
  const user = await createUser({ label });
  const key = await ctx.request().post('/api/keys').set(user.auth).send({ name: 'sdk' });
  return { user, apiKey: key.body.key as string };
}
const post = (apiKey: string, key: string, body: unknown) =>
  ctx
    .request()
    .post('/v1/chat/completions')
    .set('Authorization', `Bearer ${apiKey}`)
    .set('Idempotency-Key', key)
    .send(body as object);

/*
 * A keyed store: true completion the provider rate limited gives its key back once the wait the
 * provider asked for is over, and the repeat acts again. A repeat that came while the attempt it
 * repeats was under way waited for it: it answers with how that attempt failed, as any repeat of a
 * request in flight does, rather than call the model and store the question once more.
 */
describe('/v1 keyed repeats of a rate-limited completion, arriving together', () => {
  it('two repeats sent together once the wait is over, the provider rate limiting the one that acts again: the other answers with that attempt rather than act a third time', async () => {
    const { user, apiKey } = await userWithKey('two-together-busy-again');
    upstream.script({ status: 429, retryAfter: '1' });
    upstream.script({ status: 429 });
    upstream.setDefault({ chunks: ['Now', ' fine'] });
    const key = newKey();
    const first = await post(apiKey, key, ask('Busy?'));
    expect(first.status).toBe(429);
    await new Promise((r) => setTimeout(r, 1100));
    const [a, b] = await Promise.all([
      post(apiKey, key, ask('Busy?')),
      post(apiKey, key, ask('Busy?')),
    ]);
    // One request of the two acted (its model call rate limited again); the other came while it
    // was under way, waited for it, and answers with it, as any repeat of a request in flight does.
    expect([a.status, b.status]).toEqual([429, 429]);
    expect(upstream.requests).toHaveLength(2);
    expect(await Message.countDocuments({ ...owned(user.id), role: 'user' })).toBe(2);
  });
});
