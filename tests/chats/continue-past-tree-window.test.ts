import { describe, expect, it } from 'vitest';
import { Message } from '../../src/modules/chats/message.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { NO_TIGHT_LIMITS } from '../helpers/auth.js';

/**
 * A chat's tree is read to its MAX_TREE_MESSAGES newest messages: an answer at the edge of that
 * window has its question outside it. Continuing or regenerating it must still answer with its
 * real question.
 */
const ctx = useChatApp({ ...NO_TIGHT_LIMITS, MAX_TREE_MESSAGES: '10' });

const send = (chatId: string, content: string) =>
  ctx
    .request()
    .post(`/api/chats/${chatId}/messages`)
    .set(ctx.user.auth)
    .send({ content, stream: false })
    .expect(201);

describe('continuing an answer whose question is past the tree window', () => {
  /** A chat of 11 messages whose oldest answer (second message) was cut by the token limit. */
  const longChat = async () => {
    const chatId = (await ctx.request().post('/api/chats').set(ctx.user.auth).send({}).expect(201))
      .body.id as string;
    ctx.upstream.script({ chunks: ['Cut'], finishReason: 'length' });
    const first = await send(chatId, 'First question');
    const [question, answer] = first.body.messages as { id: string }[];
    ctx.upstream.setDefault({ chunks: ['More'] });
    let last = answer!.id;
    for (let i = 0; i < 4; i += 1) last = (await send(chatId, `Question ${i}`)).body.messages[1].id;
    await ctx
      .request()
      .post(`/api/chats/${chatId}/messages/${last}/regenerate`)
      .set(ctx.user.auth)
      .send({ stream: false })
      .expect(201);
    return { chatId, questionId: question!.id, answerId: answer!.id };
  };

  it('when it is continued as JSON, then the answer is 201 with its question, not a 500', async () => {
    const { chatId, questionId, answerId } = await longChat();
    ctx.upstream.setDefault({ chunks: [' and the rest'] });
    const res = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages/${answerId}/continue`)
      .set(ctx.user.auth)
      .send({ stream: false });
    expect(res.status).toBe(201);
    expect(res.body.messages[0]).toMatchObject({ id: questionId, role: 'user' });
    expect(res.body.messages[1]).toMatchObject({ id: answerId, content: 'Cut and the rest' });
  });

  it('when it is continued as a stream, then meta names its question and the reply ends', async () => {
    const { chatId, questionId, answerId } = await longChat();
    ctx.upstream.setDefault({ chunks: [' and the rest'] });
    const s = ctx.stream(`/api/chats/${chatId}/messages/${answerId}/continue`, {});
    await s.waitFor(() => s.events.some((e) => e.event === 'done' || e.event === 'error'), 5000);
    expect(s.events[0]).toMatchObject({ event: 'meta' });
    expect(s.events[0]!.data.userMessage).toMatchObject({ id: questionId, role: 'user' });
    expect(s.events.at(-1)!.event).toBe('done');
  });
});

describe('regenerating an answer whose question is past the tree window', () => {
  it('when the oldest answer the branch shows is regenerated, then 201 with a new answer to its question, which the model is given, not 400 NOTHING_TO_REGENERATE', async () => {
    const chatId = (await ctx.request().post('/api/chats').set(ctx.user.auth).send({}).expect(201))
      .body.id as string;
    ctx.upstream.setDefault({ chunks: ['Answer'] });
    const first = await send(chatId, 'First question');
    const [question, answer] = first.body.messages as { id: string }[];
    let last = answer!.id;
    for (let i = 0; i < 4; i += 1) last = (await send(chatId, `Question ${i}`)).body.messages[1].id;
    // An eleventh message: the window of 10 now starts at the first answer.
    await ctx
      .request()
      .post(`/api/chats/${chatId}/messages/${last}/regenerate`)
      .set(ctx.user.auth)
      .send({ stream: false })
      .expect(201);
    // The branch as the client sees it starts with that answer (its question is not shown).
    const page = await ctx.request().get(`/api/chats/${chatId}`).set(ctx.user.auth).expect(200);
    expect(page.body.messages[0]).toMatchObject({ id: answer!.id, role: 'assistant' });

    ctx.upstream.setDefault({ chunks: ['Answer again'] });
    const res = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages/${answer!.id}/regenerate`)
      .set(ctx.user.auth)
      .send({ stream: false });
    expect(res.body.error?.code).toBeUndefined();
    expect(res.status).toBe(201);
    expect(res.body.messages[0]).toMatchObject({ id: question!.id, role: 'user' });
    expect(res.body.messages[1]).toMatchObject({ role: 'assistant', content: 'Answer again' });
    expect(ctx.upstream.requests.at(-1)!.messages).toEqual([
      { role: 'user', content: 'First question' },
    ]);
    expect(await Message.countDocuments({ chatId, parentId: question!.id })).toBe(2);
    const chat = await ctx.request().get(`/api/chats/${chatId}`).set(ctx.user.auth).expect(200);
    expect(chat.body.activeLeafId).toBe(res.body.messages[1].id);
  });
});
