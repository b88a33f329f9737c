import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { createUser } from '../helpers/users.js';

describe('/v1/models/{model} and a trailing slash', () => {
  const ctx = useTestApp({ MODELS: 'demo,meta-llama/llama-3.1-8b' });

  it('when a model id is asked for with a trailing slash (as every other route accepts), then it is found as before the wildcard, not a 404 for `demo/`', async () => {
    const user = await createUser();
    const key = (
      await ctx.request().post('/api/keys').set(user.auth).send({ name: 'k' }).expect(201)
    ).body.key as string;
    const auth = { Authorization: `Bearer ${key}` };
    const plain = await ctx.request().get('/v1/models/demo/').set(auth);
    expect(plain.status, JSON.stringify(plain.body)).toBe(200);
    expect(plain.body.id).toBe('demo');
    const slashed = await ctx.request().get('/v1/models/meta-llama/llama-3.1-8b/').set(auth);
    expect(slashed.status, JSON.stringify(slashed.body)).toBe(200);
  });
});
