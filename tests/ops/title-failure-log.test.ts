import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { captureLogs } from '../helpers/log-capture.js';
import { startUpstream } from '../helpers/upstream.js';
import { createUser, type TestUser } from '../helpers/users.js';

const API_KEY = 'sk-proj-Title0Secret1Key2ForLogs3';
const upstream = await startUpstream();
const ctx = useTestApp({
  OPENAI_BASE_URL: upstream.url,
  OPENAI_API_KEY: API_KEY,
  MODELS: 'test-model,title-model',
  UPSTREAM_MAX_RETRIES: '0',
  TITLES: 'on',
  TITLE_MODEL: 'title-model',
});
let user: TestUser;
const lines = captureLogs();
beforeAll(async () => {
  user = await createUser();
});
afterAll(() => upstream.close());

describe('a title call the provider refuses, in the log', () => {
  it('when the provider echoes the request in its error, then the log holds neither the key nor the message text', async () => {
    lines.length = 0;
    upstream.script(
      { chunks: ['An', ' answer'] },
      {
        status: 400,
        errorMessage: 'Bad request. Authorization: {authorization}; you asked: private question QUUX',
      },
    );
    const res = await ctx
      .request()
      .post('/api/chats')
      .set(user.auth)
      .send({ message: 'private question QUUX', stream: false });
    expect(res.status).toBe(201);
    const all = await eventually(
      () => Promise.resolve(lines.join('')),
      (text) => text.includes('could not write a title'),
    );
    expect(all).toContain('could not write a title');
    expect(upstream.requests.at(-1)!.authorization).toBe(`Bearer ${API_KEY}`);
    expect(all).not.toContain(API_KEY);
    expect(all).not.toMatch(/sk-[A-Za-z0-9]/);
    expect(all).not.toContain('QUUX');
  });
});
