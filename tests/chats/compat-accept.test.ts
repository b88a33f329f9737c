import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { textParser } from '../helpers/sse.js';
import { createUser, type TestUser } from '../helpers/users.js';

const ctx = useTestApp({
  OPENAI_API_KEY: '',
  MODELS: '',
  DEMO_CHUNK_DELAY_MS: '1',
  MESSAGES_PER_MINUTE: '1000',
});
let user: TestUser;
beforeAll(async () => {
  user = await createUser();
});

const post = (accept?: string) => {
  let req = ctx.request().post('/api/chat').set(user.auth);
  if (accept !== undefined) req = req.set('Accept', accept);
  return req.send({ message: 'hi' }).buffer(true).parse(textParser);
};

describe('compat POST /api/chat without `stream`', () => {
  it('when the client accepts only application/json, then it is answered 201 JSON, not an event stream', async () => {
    const res = await post('application/json');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.status).toBe(201);
    expect(JSON.parse(res.body as string).messages).toHaveLength(2);
  });

  it('when it sends no Accept, */*, or one that allows an event stream, then it streams (the default)', async () => {
    for (const accept of [
      undefined,
      '*/*',
      'application/json, text/plain, */*',
      'text/event-stream',
    ]) {
      const res = await post(accept);
      expect(res.headers['content-type'], String(accept)).toBe('text/event-stream; charset=utf-8');
    }
  });
});
