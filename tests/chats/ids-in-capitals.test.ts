import { describe, expect, it } from 'vitest';
import { Message } from '../../src/modules/chats/message.model.js';
import { useTestApp } from '../helpers/app.js';
import { useUpstream, upstreamEnv } from '../helpers/chat-app.js';
import { createUser } from '../helpers/users.js';

const upstream = await useUpstream();
const ctx = useTestApp({ ...upstreamEnv(upstream), CHAT_WRITES_PER_MINUTE: '1000' });

describe('ids in capitals', () => {
  it('when chat and message ids are written in capitals (the routes accept [0-9a-fA-F]{24}), then they name the same chat and messages on every route, the tree included', async () => {
    const user = await createUser({ label: 'caps' });
    const chatId = (await ctx.request().post('/api/chats').set(user.auth).send({})).body
      .id as string;
    upstream.setDefault({ chunks: ['ok'] });
    const CHAT = chatId.toUpperCase();
    const send = (body: Record<string, unknown>) =>
      ctx
        .request()
        .post(`/api/chats/${CHAT}/messages`)
        .set(user.auth)
        .send({ stream: false, ...body });
    const first = await send({ content: 'a' });
    expect(first.status).toBe(201);
    const [question, reply] = first.body.messages as { id: string }[];
    const REPLY = reply!.id.toUpperCase();

    expect((await ctx.request().get(`/api/chats/${CHAT}`).set(user.auth)).status).toBe(200);
    expect(
      (await ctx.request().get(`/api/chats/${CHAT}/messages/${REPLY}/stream`).set(user.auth))
        .status,
    ).toBe(200);
    // A body's parent id, read against the tree:
    const child = await send({ content: 'b', parentId: REPLY });
    expect(child.status).toBe(201);
    expect(child.body.messages[0].parentId).toBe(reply!.id);
    // A branch switch through the first reply (to the newest leaf below it):
    const switched = await ctx
      .request()
      .patch(`/api/chats/${CHAT}`)
      .set(user.auth)
      .send({ activeLeafId: REPLY });
    expect(switched.status).toBe(200);
    expect(switched.body.activeLeafId).toBe(child.body.messages[1].id);
    // A fork from it:
    const fork = await ctx
      .request()
      .post(`/api/chats/${CHAT}/fork`)
      .set(user.auth)
      .send({ messageId: REPLY });
    expect(fork.status).toBe(201);
    // The deletion of a branch by its first message:
    const CHILD = (child.body.messages[0].id as string).toUpperCase();
    const deleted = await ctx
      .request()
      .delete(`/api/chats/${CHAT}/messages/${CHILD}`)
      .set(user.auth);
    expect(deleted.status).toBe(204);
    const left = await Message.find({ chatId }).lean();
    expect(left.map((m) => String(m._id)).sort()).toEqual([question!.id, reply!.id].sort());
  });
});
