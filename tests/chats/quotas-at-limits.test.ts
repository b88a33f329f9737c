import { describe, expect, it } from 'vitest';
import { expectError } from '../helpers/auth.js';
import { useChatApp } from '../helpers/chat-app.js';
import { createUser, type TestUser } from '../helpers/users.js';
import { insertBigChat, insertChats } from '../helpers/big-chat.js';
import { idPages } from '../helpers/pages.js';

/** Each documented cap: the cap itself taken, one past it refused with its JSON error. */
const ctx = useChatApp({
  RATE_LIMITS_ENABLED: 'false',
  TITLES: 'off',
  STORAGE_RECOUNT_SECONDS: '0',
  MAX_CHATS_PER_USER: '3',
  MAX_MESSAGES_PER_USER: '6',
  MAX_STORED_BYTES_PER_USER: '70000',
  PAGE_SIZE_MAX: '5',
  MAX_TREE_MESSAGES: '10',
});

const post = (as: TestUser, path: string, body: object) =>
  ctx.request().post(path).set(as.auth).send(body);
const newChat = async (as: TestUser, title = 'T') =>
  (await post(as, '/api/chats', { title }).expect(201)).body.id as string;
const send = (as: TestUser, chatId: string, content: string) =>
  post(as, `/api/chats/${chatId}/messages`, { content, stream: false });

describe('caps at their limits', () => {
  it('when a user holds MAX_CHATS_PER_USER chats (3), then the last was made and a fourth is 409 CHAT_LIMIT_REACHED however it is made', async () => {
    const u = await createUser();
    const ids = [await newChat(u), await newChat(u), await newChat(u)];
    expectError(await post(u, '/api/chats', {}), 409, 'CHAT_LIMIT_REACHED');
    ctx.upstream.setDefault({ chunks: ['ok'] });
    expectError(
      await post(u, '/api/chats', { message: 'hi', stream: false }),
      409,
      'CHAT_LIMIT_REACHED',
    );
    const first = await send(u, ids[0]!, 'hi').expect(201);
    expectError(
      await post(u, `/api/chats/${ids[0]}/fork`, { messageId: first.body.messages[1].id }),
      409,
      'CHAT_LIMIT_REACHED',
    );
    await ctx.request().delete(`/api/chats/${ids[2]}`).set(u.auth).expect(204);
    await newChat(u);
  });

  it('when an exchange brings the messages to MAX_MESSAGES_PER_USER (6), then it is stored and the next is 409 MESSAGE_LIMIT_REACHED', async () => {
    const u = await createUser();
    const chat = await newChat(u);
    ctx.upstream.setDefault({ chunks: ['ok'] });
    for (let i = 0; i < 3; i += 1) await send(u, chat, `q${i}`).expect(201);
    expectError(await send(u, chat, 'one more'), 409, 'MESSAGE_LIMIT_REACHED');
  });

  it('when a question brings the stored text to MAX_STORED_BYTES_PER_USER exactly, then it is taken; one byte more is 409', async () => {
    ctx.upstream.setDefault({ chunks: ['ok'] });
    for (const [extra, status] of [
      [0, 201],
      [1, 409],
    ] as const) {
      const u = await createUser();
      const chat = await newChat(u); // 'T': 1 byte
      await send(u, chat, '😀'.repeat(16_000)).expect(201); // 64000 bytes, reply 'ok': 64003
      const res = await send(u, chat, 'a'.repeat(70_000 - 64_003 + extra));
      if (status === 201) expect(res.status).toBe(201);
      else expectError(res, 409, 'STORAGE_LIMIT_REACHED');
    }
  });

  it('when a message is MAX_MESSAGE_CHARS characters (16000, an emoji counting one), then it is taken; 16001 is 400 VALIDATION_FAILED', async () => {
    ctx.upstream.setDefault({ chunks: ['ok'] });
    const u = await createUser();
    const chat = await newChat(u);
    await send(u, chat, '😀'.repeat(16_000)).expect(201);
    expectError(await send(u, chat, 'a'.repeat(16_001)), 400, 'VALIDATION_FAILED');
  });

  it('when a page asks for PAGE_SIZE_MAX (5) or more, then it gets 5 (with a Link past them); limit=0 is 400', async () => {
    const u = await createUser();
    await insertChats(u.id, 7, (i) => ({ at: new Date(Date.now() - i * 1000) }));
    const five = await ctx.request().get('/api/chats?limit=5').set(u.auth).expect(200);
    expect(five.body).toHaveLength(5);
    const six = await ctx.request().get('/api/chats?limit=6').set(u.auth).expect(200);
    expect(six.body).toHaveLength(5);
    expect(six.headers.link).toMatch(/rel="next"/);
    expectError(
      await ctx.request().get('/api/chats?limit=0').set(u.auth),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('when a chat holds MAX_TREE_MESSAGES messages (10), then it shows them all; of 12, its two oldest are in neither view', async () => {
    const u = await createUser();
    for (const [depth, shown] of [
      [10, 10],
      [12, 10],
    ] as const) {
      const big = await insertBigChat(u.id, { depth, edits: 0, regens: 0 });
      const ids = (
        await idPages(ctx.request, u, `/api/chats/${String(big.chatId)}/messages?view=tree`)
      ).flat();
      expect(ids).toEqual(big.active.slice(depth - shown).map((m) => String(m._id)));
      // The branch view pages from the newest back.
      const branch = (await idPages(ctx.request, u, `/api/chats/${String(big.chatId)}/messages`))
        .reverse()
        .flat();
      expect(branch).toEqual(ids);
    }
  });
});
