import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { createUser } from '../helpers/users.js';

/** A model id with a slash (OpenRouter, Together, vLLM style) on /v1/models/{model}. */
describe('/v1/models/{model} with a slash in the id', () => {
  const ctx = useTestApp({ MODELS: 'demo,meta-llama/llama-3.1-8b' });

  it('when an allowed model id holds a slash, then GET /v1/models/<id> answers it, sent as it is or encoded', async () => {
    const user = await createUser();
    const key = (
      await ctx.request().post('/api/keys').set(user.auth).send({ name: 'k' }).expect(201)
    ).body.key as string;
    const auth = { Authorization: `Bearer ${key}` };
    const listed = await ctx.request().get('/v1/models').set(auth).expect(200);
    expect(listed.body.data.map((m: { id: string }) => m.id)).toContain('meta-llama/llama-3.1-8b');
    const encoded = await ctx.request().get('/v1/models/meta-llama%2Fllama-3.1-8b').set(auth);
    expect(encoded.status).toBe(200);
    // What a client that does not encode the path (e.g. a plain f-string URL) sends.
    const raw = await ctx.request().get('/v1/models/meta-llama/llama-3.1-8b').set(auth);
    expect(raw.status, JSON.stringify(raw.body)).toBe(200);
    expect(raw.body.id).toBe('meta-llama/llama-3.1-8b');
  });
});
