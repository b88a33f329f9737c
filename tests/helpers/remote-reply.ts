import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import type { ChatApp } from './chat-app.js';

/**
 * A reply being generated on another instance, its lease alive there: a new chat of the app's user
 * with one exchange, whose answer is a second one still `streaming` below its question. What a
 * reader on this instance follows through the database.
 */
export async function replyStreamingElsewhere(ctx: ChatApp, token: string, slot: number) {
  const chatId = (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body
    .id as string;
  ctx.upstream.script({ chunks: ['answer'] });
  const sent = await ctx
    .request()
    .post(`/api/chats/${chatId}/messages`)
    .set(ctx.user.auth)
    .send({ content: 'question' });
  if (sent.status !== 201) throw new Error(`the exchange answered ${sent.status}`);
  const lease = { token, slot, instanceId: 'elsewhere' };
  const reply = await Message.create({
    chatId,
    userId: ctx.user.id,
    parentId: sent.body.messages[0].id,
    role: 'assistant',
    content: 'so far',
    status: 'streaming',
    model: 'test-model',
    createdAt: new Date(),
    lease: { slot: lease.slot, token: lease.token, at: new Date() },
  });
  await Generation.create({
    userId: ctx.user.id,
    chatId,
    ...lease,
    expiresAt: new Date(Date.now() + 60_000),
  });
  return { chatId, reply, lease };
}
