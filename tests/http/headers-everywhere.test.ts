import { beforeAll, describe, expect, it } from 'vitest';
import supertest, { type Response } from 'supertest';
import { createApp, routeGroups } from '../../src/app.js';
import { defineRoute } from '../../src/lib/http/route.js';
import { useChatApp } from '../helpers/chat-app.js';
import { textParser } from '../helpers/sse.js';

/**
 * SECURITY.md line 22: every response, 500 and SSE included, has helmet's headers and no
 * X-Powered-By, JSON carries a charset, and auth and chat responses are `Cache-Control: no-store`.
 * tests/http/headers.test.ts covers 200/404/413/429/401 and the auth routes; this file covers the
 * rest: a forced 500, each event stream (chats, /v1, the AI SDK route) and the chat, key and /v1
 * JSON answers.
 */
const ctx = useChatApp();

function expectHelmet(res: Response, label: string) {
  expect(res.headers['x-powered-by'], label).toBeUndefined();
  expect(res.headers['x-content-type-options'], label).toBe('nosniff');
  expect(res.headers['x-frame-options'], label).toBe('SAMEORIGIN');
  expect(res.headers['content-security-policy'], label).toMatch(/default-src 'self'/);
  expect(res.headers['strict-transport-security'], label).toMatch(/max-age=\d+/);
  expect(res.headers['referrer-policy'], label).toBe('no-referrer');
  expect(res.headers['cross-origin-opener-policy'], label).toBe('same-origin');
}

const noStore = (res: Response) =>
  String(res.headers['cache-control']).split(/,\s*/).includes('no-store');

let key: string;
let chatId: string;
beforeAll(async () => {
  ctx.upstream.setDefault({ chunks: ['a', 'b'] });
  key = (await ctx.request().post('/api/keys').set(ctx.user.auth).send({ name: 'k' })).body.key;
  chatId = (
    await ctx
      .request()
      .post('/api/chats')
      .set(ctx.user.auth)
      .send({ message: 'hello', stream: false })
  ).body.chat.id;
});

describe('security headers beyond the plain answers', () => {
  it('when a handler fails unexpectedly (500), then the answer has every helmet header, a JSON charset and no X-Powered-By', async () => {
    const failing = createApp([
      ...routeGroups(),
      {
        prefix: '/api/test',
        tag: 'test',
        routes: [
          defineRoute({
            method: 'get',
            path: '/boom',
            summary: 'fails',
            auth: false,
            responses: { 200: { description: 'never' } },
            handler: () => {
              throw new Error('boom');
            },
          }),
        ],
      },
    ]);
    const res = await supertest(failing).get('/api/test/boom');
    expect(res.status).toBe(500);
    expectHelmet(res, '500');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(noStore(res)).toBe(true);
  });

  it('when a reply streams (chats, /v1, the AI SDK route), then the event stream has every helmet header, no X-Powered-By, a charset and no-store', async () => {
    const streams = {
      chats: await ctx
        .request()
        .post(`/api/chats/${chatId}/messages`)
        .set(ctx.user.auth)
        .send({ content: 'again', stream: true })
        .buffer(true)
        .parse(textParser),
      v1: await ctx
        .request()
        .post('/v1/chat/completions')
        .set('Authorization', `Bearer ${key}`)
        .send({ model: 'test-model', stream: true, messages: [{ role: 'user', content: 'hi' }] })
        .buffer(true)
        .parse(textParser),
      aiSdk: await ctx
        .request()
        .post('/api/ai-sdk/chat')
        .set(ctx.user.auth)
        .send({
          id: 'headers-everywhere',
          trigger: 'submit-message',
          messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'hi' }] }],
        })
        .buffer(true)
        .parse(textParser),
    };
    for (const [label, res] of Object.entries(streams)) {
      expect(res.status, label).toBe(200);
      expect(res.headers['content-type'], label).toBe('text/event-stream; charset=utf-8');
      expectHelmet(res, label);
      expect(noStore(res), label).toBe(true);
    }
  });

  it('when the chat, key and /v1 routes answer JSON (success or error), then Cache-Control: no-store and a charset', async () => {
    const answers = {
      chat: await ctx.request().get(`/api/chats/${chatId}`).set(ctx.user.auth),
      list: await ctx.request().get('/api/chats').set(ctx.user.auth),
      messages: await ctx.request().get(`/api/chats/${chatId}/messages`).set(ctx.user.auth),
      missing: await ctx.request().get('/api/chats/0123456789abcdef01234567').set(ctx.user.auth),
      compat: await ctx.request().get('/api/chat').set(ctx.user.auth),
      keys: await ctx.request().get('/api/keys').set(ctx.user.auth),
      usage: await ctx.request().get('/api/usage').set(ctx.user.auth),
      v1Models: await ctx.request().get('/v1/models').set('Authorization', `Bearer ${key}`),
      v1Completion: await ctx
        .request()
        .post('/v1/chat/completions')
        .set('Authorization', `Bearer ${key}`)
        .send({ model: 'test-model', messages: [{ role: 'user', content: 'hi' }] }),
      v1Refused: await ctx.request().get('/v1/models'),
    };
    for (const [label, res] of Object.entries(answers)) {
      expect(res.headers['content-type'], label).toBe('application/json; charset=utf-8');
      expect(noStore(res), label).toBe(true);
      expectHelmet(res, label);
    }
  });
});
