import { describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { createUser } from '../helpers/users.js';

/**
 * An Idempotency-Key's repeat that spells the path in other case: the router serves
 * `/API/chats/...` as `/api/chats/...`, so a client or proxy that changes the case of a retry's
 * path is still repeating the same request (the import's own case is in import-abuse.test.ts).
 */
const ctx = useChatApp({ TITLES: 'off', CHAT_WRITES_PER_MINUTE: '1000' });

describe('Idempotency-Key repeated with the path in other case', () => {
  it('when a keyed send is repeated to /API/chats/:id/messages, then it answers the first exchange, not 409 IDEMPOTENCY_KEY_REUSED, and one exchange is stored', async () => {
    const bob = await createUser({ label: 'bob' });
    const chatId = (await ctx.request().post('/api/chats').set(bob.auth).send({}).expect(201)).body
      .id as string;
    const send = (path: string) =>
      ctx
        .request()
        .post(path)
        .set(bob.auth)
        .set('Idempotency-Key', 'send-cased')
        .send({ content: 'once', stream: false });
    const first = await send(`/api/chats/${chatId}/messages`).expect(201);
    const again = await send(`/API/Chats/${chatId}/messages`);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await Message.countDocuments({ chatId })).toBe(2);
    expect(ctx.upstream.requests).toHaveLength(1);
  });

  it('when a keyed POST /api/chats is repeated to /API/CHATS, then it answers the chat the first made and one chat is stored', async () => {
    const bob = await createUser({ label: 'bob' });
    const create = (path: string) =>
      ctx.request().post(path).set(bob.auth).set('Idempotency-Key', 'create-cased').send({});
    const first = await create('/api/chats').expect(201);
    const again = await create('/API/CHATS');
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(await Chat.countDocuments({ userId: new Types.ObjectId(bob.id) })).toBe(1);
  });
});
