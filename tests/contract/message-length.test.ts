import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { createUser, type TestUser } from '../helpers/users.js';

const MAX = 10;
const ctx = useTestApp({
  MAX_MESSAGE_CHARS: String(MAX),
  MODELS: 'demo',
  DEMO_CHUNK_DELAY_MS: '0',
});

let user: TestUser;
let apiKey: string;
beforeAll(async () => {
  user = await createUser({ label: 'message-length' });
  const key = await ctx.request().post('/api/keys').set(user.auth).send({ name: 'length' });
  apiKey = key.body.key as string;
});

/** One message of `text` to each route that stores one. */
const routes: [string, number, (text: string) => Promise<{ status: number }>][] = [
  [
    'POST /api/chats',
    201,
    (text) => ctx.request().post('/api/chats').set(user.auth).send({ message: text }),
  ],
  [
    'POST /api/ai-sdk/chat',
    200,
    (text) =>
      ctx
        .request()
        .post('/api/ai-sdk/chat')
        .set(user.auth)
        .send({
          id: `length-${Math.random()}`,
          trigger: 'submit-message',
          messages: [{ id: 'm', role: 'user', parts: [{ type: 'text', text }] }],
        }),
  ],
  [
    'POST /v1/chat/completions (store)',
    200,
    (text) =>
      ctx
        .request()
        .post('/v1/chat/completions')
        .set('Authorization', `Bearer ${apiKey}`)
        .send({ model: 'demo', store: true, messages: [{ role: 'user', content: text }] }),
  ],
];

describe('MAX_MESSAGE_CHARS counts characters the same way on every route', () => {
  it.each(routes)(
    'when %s gets MAX_MESSAGE_CHARS emoji (twice as many UTF-16 units), then it is taken; one more is a 400',
    async (_route, ok, send) => {
      const emoji = '😀';
      expect((await send(emoji.repeat(MAX))).status).toBe(ok);
      expect((await send(emoji.repeat(MAX + 1))).status).toBe(400);
    },
  );
});
