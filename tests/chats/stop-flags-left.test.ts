import { expect, it, vi } from 'vitest';
import { GenerationFlag } from '../../src/modules/chats/generation/generation-flag.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';

/**
 * A stop (POST /:id/stop, an administrator disabling or signing out the account) inserts a flag
 * for the instance holding the reply's lease and, when the reply streams on this instance, aborts
 * it at once. The flag is dropped only by that instance's stop poll, which runs while something
 * streams there; the aborted reply has ended before the poll reads it, so it is kept ("may be
 * about to register") and nothing ever reads it again: generation_flags has no TTL and no sweep,
 * and a restarted instance polls under a new instance id.
 */
const ctx = useChatApp({ STOP_POLL_MS: '1000' });

it('when a reply streaming here is stopped, then the stop answers with no stop flag left behind', async () => {
  ctx.upstream.setDefault({ chunks: ['w '], endless: true, delayMs: 10 });
  const chatId = (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body
    .id as string;
  const s = ctx.stream(`/api/chats/${chatId}/messages`, { content: 'hello', stream: true });
  await s.waitFor(() => s.events.some((e) => e.event === 'delta'));
  const res = await ctx.request().post(`/api/chats/${chatId}/stop`).set(ctx.user.auth);
  expect(res.body).toEqual({ stopping: true });
  await s.ended;
  await eventually(
    () => Message.findOne({ chatId, role: 'assistant' }).lean(),
    (m) => m?.status === 'incomplete',
  );
  // The stop route drops the flags of the replies it aborted here before it answers: nothing to
  // wait for (a stop poll that reads it first only drops it sooner).
  expect(await GenerationFlag.find({}, { _id: 0, kind: 1 }).lean()).toEqual([]);
});

it('when dropping the flags fails after the reply was stopped, then the stop still answers as made and the reply ends incomplete', async () => {
  ctx.upstream.setDefault({ chunks: ['w '], endless: true, delayMs: 10 });
  const chatId = (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body
    .id as string;
  const s = ctx.stream(`/api/chats/${chatId}/messages`, { content: 'hello', stream: true });
  await s.waitFor(() => s.events.some((e) => e.event === 'delta'));
  const failing = vi
    .spyOn(GenerationFlag, 'deleteMany')
    .mockRejectedValueOnce(new Error('the database blinked'));
  try {
    const res = await ctx.request().post(`/api/chats/${chatId}/stop`).set(ctx.user.auth);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ stopping: true });
    expect(failing).toHaveBeenCalled();
  } finally {
    failing.mockRestore();
  }
  await s.ended;
  const stored = await eventually(
    () => Message.findOne({ chatId, role: 'assistant' }).lean(),
    (m) => m?.status === 'incomplete',
  );
  expect(stored?.status).toBe('incomplete');
});
