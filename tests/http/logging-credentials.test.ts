import { describe, expect, it } from 'vitest';
import { useChatApp } from '../helpers/chat-app.js';
import { captureLogs } from '../helpers/log-capture.js';

/**
 * SECURITY.md line 25 names API keys besides passwords and tokens; tests/http/logging.test.ts
 * runs an account flow only. Here: a personal API key (header, query string, even as a key's
 * name), the provider's key while the provider fails, the metrics token, and the refresh cookie
 * and access token on chat and /v1 traffic, with every line captured at trace level.
 */
const PROVIDER_KEY = 'sk-provider-LOGTEST-5f2a9c7e1b3d';
const METRICS_TOKEN = 'metrics-LOGTEST-8e4c1a9f7d2b';
const ctx = useChatApp({ OPENAI_API_KEY: PROVIDER_KEY, METRICS_TOKEN });

const lines = captureLogs();

describe('credentials other than passwords in the logs', () => {
  it('when API keys, the provider key and the metrics token are used, misused and refused, then none of them is logged', async () => {
    const u = ctx.user;
    const made = await ctx.request().post('/api/keys').set(u.auth).send({ name: 'script' });
    expect(made.status).toBe(201);
    const key = made.body.key as string;
    const v1 = (body: object) =>
      ctx.request().post('/v1/chat/completions').set('Authorization', `Bearer ${key}`).send(body);
    const ask = { model: 'test-model', messages: [{ role: 'user', content: 'hi' }] };
    ctx.upstream.script(
      { chunks: ['ok'] },
      { status: 500 },
      { status: 401 },
      { chunks: ['a', 'b'], failAfter: 1, failWith: 'garbage' },
    );
    expect((await v1(ask)).status).toBe(200);
    expect((await v1(ask)).status).toBe(502);
    await ctx.request().post('/api/chats').set(u.auth).send({ message: 'hi', stream: false });
    await ctx.request().post('/api/chats').set(u.auth).send({ message: 'hi', stream: false });
    await ctx.request().get(`/v1/models?api_key=${key}`);
    await ctx.request().get('/v1/models').set('Authorization', `Bearer ${key}x`);
    await ctx.request().get('/v1/models').set('X-Api-Key', key);
    expect(
      (await ctx.request().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`)).status,
    ).toBe(200);
    await ctx.request().get(`/metrics?token=${METRICS_TOKEN}`);
    await ctx.request().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}x`);
    await ctx
      .request()
      .get('/api/chats')
      .set('Cookie', `refresh_token=${u.refreshToken}; other=1`)
      .set(u.auth);
    await ctx
      .request()
      .post('/api/keys')
      .set(u.auth)
      .send({ name: key.slice(0, 64) });
    await ctx.request().delete(`/api/keys/${made.body.id}`).set(u.auth);

    expect(lines.length).toBeGreaterThan(10); // the capture works
    const all = lines.join('');
    for (const secret of [
      key,
      key.slice(5, 40),
      PROVIDER_KEY,
      METRICS_TOKEN,
      u.accessToken,
      u.refreshToken,
    ])
      expect(all).not.toContain(secret);
  });
});
