import { describe, expect, it } from 'vitest';
import { Message } from '../../src/modules/chats/message.model.js';
import { useTestApp } from '../helpers/app.js';
import { expectError } from '../helpers/auth.js';
import { useUpstream, upstreamEnv } from '../helpers/chat-app.js';
import { createUser } from '../helpers/users.js';

const upstream = await useUpstream();
const ctx = useTestApp({
  ...upstreamEnv(upstream),
  MAX_MESSAGES_PER_USER: '4',
  // Every write counts the user's messages again: no count is kept between requests.
  STORAGE_RECOUNT_SECONDS: '0',
});

describe('storage caps counted before every write (STORAGE_RECOUNT_SECONDS=0)', () => {
  it('when a user at the message cap sends again, then 409 MESSAGE_LIMIT_REACHED before any model call, every time', async () => {
    const user = await createUser({ label: 'every-write' });
    const chatId = (await ctx.request().post('/api/chats').set(user.auth).send({})).body
      .id as string;
    const send = (content: string) =>
      ctx
        .request()
        .post(`/api/chats/${chatId}/messages`)
        .set(user.auth)
        .send({ content, stream: false });
    upstream.setDefault({ chunks: ['ok'] });
    expect((await send('one')).status).toBe(201);
    expect((await send('two')).status).toBe(201);
    const asked = upstream.requests.length;
    // With a count on every write, a send that counted after its call went out would call the
    // model on every refused send: it counts first instead.
    for (const content of ['three', 'four']) {
      const res = await send(content);
      expectError(res, 409, 'MESSAGE_LIMIT_REACHED');
    }
    expect(upstream.requests.length).toBe(asked);
    expect(await Message.countDocuments({ chatId })).toBe(4);
  });
});
