import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Message } from '../../src/modules/chats/message.model.js';
import { useTestApp } from '../helpers/app.js';
import { upstreamEnv, useUpstream } from '../helpers/chat-app.js';
import { createUser, type TestUser } from '../helpers/users.js';

/**
 * The provider's base URL answers with a redirect: the pool follows it as fetch would (at most 3),
 * and never carries the provider key to an origin it was not configured for.
 */
const API_KEY = 'sk-redirect-test-key';
const upstream = await useUpstream();
let mode: 'elsewhere' | 'loop' = 'elsewhere';
// A second origin (another port) in front of the scripted model.
const redirector = http.createServer((req, res) => {
  const here = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
  const target = mode === 'loop' ? `${here}${req.url}` : `${upstream.url}${req.url}`;
  // 307 keeps the method and the body, as a provider moving its API would answer.
  res.writeHead(307, { location: target }).end();
});
await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
afterAll(() => new Promise<void>((resolve) => redirector.close(() => resolve())));

const ctx = useTestApp(() => ({
  ...upstreamEnv(upstream),
  OPENAI_API_KEY: API_KEY,
  OPENAI_BASE_URL: `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`,
}));
let user: TestUser;
beforeAll(async () => {
  user = await createUser({ label: 'redirects' });
});

const send = async (stream: boolean, content = 'hello') => {
  const chat = await ctx.request().post('/api/chats').set(user.auth).send({});
  const res = await ctx
    .request()
    .post(`/api/chats/${chat.body.id as string}/messages`)
    .set(user.auth)
    .send({ content, stream });
  return { chatId: chat.body.id as string, res };
};

describe('a provider base URL that redirects', () => {
  it('when it redirects to another origin, then the reply comes from there, and the provider key is not sent along', async () => {
    mode = 'elsewhere';
    upstream.script({ chunks: ['moved ', 'here'] });
    const { chatId, res } = await send(false);
    expect(res.status).toBe(201);
    expect(res.body.messages[1]).toMatchObject({ content: 'moved here', status: 'complete' });
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]!.messages.at(-1)).toEqual({ role: 'user', content: 'hello' });
    // Credentials stay with the origin they were configured for (as fetch does on a redirect).
    expect(upstream.requests[0]!.authorization).not.toContain(API_KEY);
    const stored = await Message.find({ chatId }).sort({ createdAt: 1, _id: 1 }).lean();
    expect(stored.map((m) => [m.role, m.content, m.status])).toEqual([
      ['user', 'hello', 'complete'],
      ['assistant', 'moved here', 'complete'],
    ]);
  });

  it('when it redirects, then the same body bytes reach the new origin, multi-byte characters and all', async () => {
    mode = 'elsewhere';
    const question = 'Grüße 🌍 und 日本語 — "quoted", back\\slash';
    const { res } = await send(true, question);
    expect(res.status).toBe(200);
    expect(upstream.requests).toHaveLength(1);
    const { rawBody, contentLength, messages } = upstream.requests[0]!;
    expect(contentLength).toBe(rawBody.length);
    const text = rawBody.toString('utf8');
    expect(Buffer.from(text, 'utf8').equals(rawBody)).toBe(true);
    expect(text).toBe(JSON.stringify(JSON.parse(text)));
    expect(messages.at(-1)).toEqual({ role: 'user', content: question });
  });

  it('when it redirects in a loop, then the send fails with a clear JSON error after a few hops, and the question is kept', async () => {
    mode = 'loop';
    const { chatId, res } = await send(false);
    expect(res.status).toBe(502);
    expect(res.body.error).toMatchObject({
      code: 'UPSTREAM_ERROR',
      message: 'The model provider failed to answer',
    });
    expect(JSON.stringify(res.body)).not.toContain('127.0.0.1');
    expect(upstream.requests).toHaveLength(0);
    const stored = await Message.find({ chatId }).sort({ createdAt: 1, _id: 1 }).lean();
    expect(stored.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'error'],
    ]);
  });
});
