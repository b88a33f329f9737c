import { describe, expect, it } from 'vitest';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { useTestApp } from '../helpers/app.js';
import { expectError } from '../helpers/auth.js';
import { useUpstream, upstreamEnv } from '../helpers/chat-app.js';
import { createUser } from '../helpers/users.js';

const upstream = await useUpstream();
const ctx = useTestApp({
  ...upstreamEnv(upstream),
  CHAT_WRITES_PER_MINUTE: '1000',
  MAX_STORED_BYTES_PER_USER: '1000',
});

describe('a PATCH that switches branch and changes another field', () => {
  it('when the other change is refused (409 STORAGE_LIMIT_REACHED), then the branch is not switched either', async () => {
    const user = await createUser({ label: 'patch-partial' });
    const chatId = (await ctx.request().post('/api/chats').set(user.auth).send({ title: 't' })).body
      .id as string;
    upstream.setDefault({ chunks: ['ok'] });
    const send = (body: Record<string, unknown>) =>
      ctx
        .request()
        .post(`/api/chats/${chatId}/messages`)
        .set(user.auth)
        .send({ stream: false, ...body });
    const first = await send({ content: 'a' });
    expect(first.status).toBe(201);
    const second = await send({ content: 'b', parentId: null });
    expect(second.status).toBe(201);
    const before = (await Chat.findById(chatId).lean())!;
    expect(String(before.activeLeafId)).toBe(second.body.messages[1].id);

    const res = await ctx
      .request()
      .patch(`/api/chats/${chatId}`)
      .set(user.auth)
      .send({ activeLeafId: first.body.messages[1].id, systemPrompt: 'p'.repeat(1000) });
    expectError(res, 409, 'STORAGE_LIMIT_REACHED');
    const after = (await Chat.findById(chatId).lean())!;
    expect(after.systemPrompt).toBe('');
    // Refused: nothing of the PATCH applied.
    expect(String(after.activeLeafId)).toBe(second.body.messages[1].id);
  });
});
