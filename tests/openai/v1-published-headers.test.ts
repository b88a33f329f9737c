/**
 * What a /v1 error carries that OpenAI's SDKs act on (README "OpenAI-compatible API"), against the
 * OpenAPI description (GET /api/openapi.json): `x-should-retry: false` and, with `store: true`,
 * `X-Chat-Id` naming the chat the question was stored in.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { NO_TIGHT_LIMITS } from '../helpers/auth.js';
import { upstreamEnv } from '../helpers/chat-app.js';
import { startUpstream } from '../helpers/upstream.js';
import { createUser } from '../helpers/users.js';

const upstream = await startUpstream();
const ctx = useTestApp({ ...NO_TIGHT_LIMITS, ...upstreamEnv(upstream), MODELS: 'test-model' });
afterAll(() => upstream.close());

type Responses = Record<string, { headers?: Record<string, unknown> }>;
const published = async (status: number) => {
  const doc = (await ctx.request().get('/api/openapi.json')).body as {
    paths: Record<string, Record<string, { responses: Responses }>>;
  };
  return Object.keys(
    doc.paths['/v1/chat/completions']!.post!.responses[String(status)]?.headers ?? {},
  ).map((h) => h.toLowerCase());
};

describe('/v1 errors and the description', () => {
  it('when a stored completion is refused by the provider (400), then the headers it carries are the published ones', async () => {
    const user = await createUser({ label: 'v1-400' });
    const key = await ctx.request().post('/api/keys').set(user.auth).send({ name: 'sdk' });
    upstream.setDefault({ status: 400 });
    const res = await ctx
      .request()
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${key.body.key as string}`)
      .send({ model: 'test-model', messages: [{ role: 'user', content: 'hi' }], store: true });
    expect(res.status).toBe(400);
    const sent = ['x-chat-id', 'x-should-retry'].filter((h) => res.headers[h] !== undefined);
    expect(sent).toEqual(['x-chat-id', 'x-should-retry']);
    expect(await published(400)).toEqual(expect.arrayContaining(sent));
  });

  it('when a stored completion fails upstream (502), then x-should-retry is published beside X-Chat-Id', async () => {
    const user = await createUser({ label: 'v1-502' });
    const key = await ctx.request().post('/api/keys').set(user.auth).send({ name: 'sdk' });
    upstream.setDefault({ status: 500 });
    const res = await ctx
      .request()
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${key.body.key as string}`)
      .send({ model: 'test-model', messages: [{ role: 'user', content: 'hi' }], store: true });
    expect(res.status).toBe(502);
    expect(res.headers['x-should-retry']).toBe('false');
    expect(await published(502)).toEqual(expect.arrayContaining(['x-chat-id', 'x-should-retry']));
  });
});
