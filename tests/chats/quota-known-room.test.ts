import { describe, expect, it } from 'vitest';
import { Message } from '../../src/modules/chats/message.model.js';
import { usageOf } from '../../src/modules/chats/chats.quota.js';
import { useTestApp } from '../helpers/app.js';
import { useUpstream, upstreamEnv } from '../helpers/chat-app.js';
import { createUser, type TestUser } from '../helpers/users.js';

const upstream = await useUpstream();
const ctx = useTestApp({
  ...upstreamEnv(upstream),
  CHAT_WRITES_PER_MINUTE: '1000',
  MAX_MESSAGES_PER_USER: '4',
  MAX_STORED_BYTES_PER_USER: '1000',
});

const createChat = (who: TestUser, body: Record<string, unknown> = {}) =>
  ctx.request().post('/api/chats').set(who.auth).send(body);
const send = (who: TestUser, chatId: string, content: string) =>
  ctx
    .request()
    .post(`/api/chats/${chatId}/messages`)
    .set(who.auth)
    .send({ content, stream: false });

describe('storage count known on this instance', () => {
  it('when a cut answer is continued, then only the text it added counts against the byte cap: a send that fits is stored', async () => {
    const user = await createUser({ label: 'continue-bytes' });
    const chatId = (await createChat(user, { title: 't' })).body.id as string;
    upstream.script({ chunks: ['A'.repeat(500)], finishReason: 'length' });
    const cut = await send(user, chatId, 'q');
    expect(cut.status).toBe(201);
    const answerId = cut.body.messages[1].id as string;
    upstream.script({ chunks: ['B'] });
    const continued = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages/${answerId}/continue`)
      .set(user.auth)
      .send({ stream: false });
    expect(continued.status).toBe(201);
    // Stored: title 1 + question 1 + answer 501 = 503 bytes of 1000.
    expect((await usageOf(user.id)).bytes).toBe(503);
    upstream.script({ chunks: ['ok'] });
    // 503 + 100 (+ a 2-byte reply) fits in 1000 bytes.
    const res = await send(user, chatId, 'x'.repeat(100));
    expect(res.body.error?.code).toBeUndefined();
    expect(res.status).toBe(201);
  });

  it('when a branch is deleted, then its room is free at once on this instance, as a deleted chat’s is', async () => {
    const user = await createUser({ label: 'branch-room' });
    const chatId = (await createChat(user, { title: 't' })).body.id as string;
    upstream.setDefault({ chunks: ['ok'] });
    expect((await send(user, chatId, 'one')).status).toBe(201);
    const second = await send(user, chatId, 'two');
    expect(second.status).toBe(201);
    expect((await send(user, chatId, 'three')).status).toBe(409);
    const del = await ctx
      .request()
      .delete(`/api/chats/${chatId}/messages/${second.body.messages[0].id}`)
      .set(user.auth);
    expect(del.status).toBe(204);
    expect(await Message.countDocuments({ userId: user.id })).toBe(2);
    const res = await send(user, chatId, 'three');
    expect(res.body.error?.code).toBeUndefined();
    expect(res.status).toBe(201);
  });
});
