import { expect, it, vi } from 'vitest';
import { GenerationFlag } from '../../src/modules/chats/generation/generation-flag.model.js';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { sweepInterrupted } from '../../src/modules/chats/interrupted-replies.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';

/**
 * A stop (POST /:id/stop, an administrator disabling or signing out the account) inserts a flag
 * for the instance holding the reply's lease and, when the reply streams on this instance, aborts
 * it at once. That instance's stop poll runs only while something streams there, and keeps a flag
 * of a generation it does not run ("may be about to register"): the flag of a reply aborted here
 * has ended before the poll reads it, and so has one that reaches another instance after its
 * generation ended. A restarted instance polls under a new instance id. Every stop poll reads
 * the collection: a flag nobody will act on must not stay.
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

it("when the embedded database's write lock refuses the stop's flag once (other writers held it), then the flag is written again and the stop answers as made", async () => {
  ctx.upstream.setDefault({ chunks: ['w '], endless: true, delayMs: 10 });
  const chatId = (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body
    .id as string;
  const s = ctx.stream(`/api/chats/${chatId}/messages`, { content: 'hello', stream: true });
  await s.waitFor(() => s.events.some((e) => e.event === 'delta'));
  const locked = vi
    .spyOn(GenerationFlag, 'create')
    .mockRejectedValueOnce(new Error('database is locked (SQLITE_BUSY)'));
  try {
    const res = await ctx.request().post(`/api/chats/${chatId}/stop`).set(ctx.user.auth);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ stopping: true });
    expect(locked).toHaveBeenCalledTimes(2);
  } finally {
    locked.mockRestore();
  }
  await s.ended;
  const stored = await eventually(
    () => Message.findOne({ chatId, role: 'assistant' }).lean(),
    (m) => m?.status === 'incomplete',
  );
  expect(stored?.status).toBe('incomplete');
});

it('when a stop made here is for a reply on another instance whose generation ends before that instance reads the flag, then the sweep drops the flag, and keeps the flag of one still running there until its lease lapses', async () => {
  // Replies generated on another instance: what a stop here reads of them is their leases.
  const stopElsewhere = async (slot: number) => {
    const chatId = (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body
      .id as string;
    const token = `elsewhere-${slot}`;
    await Generation.create({
      userId: ctx.user.id,
      chatId,
      token,
      slot,
      instanceId: 'elsewhere',
      expiresAt: new Date(Date.now() + 60_000),
    });
    const res = await ctx.request().post(`/api/chats/${chatId}/stop`).set(ctx.user.auth);
    expect(res.body).toEqual({ stopping: true });
    return token;
  };
  const [ended, running] = [await stopElsewhere(5), await stopElsewhere(6)];
  const flagsOf = async (token: string) => GenerationFlag.countDocuments({ token });
  // Raised for the instance holding each lease, whose stop poll reads them.
  expect([await flagsOf(ended), await flagsOf(running)]).toEqual([1, 1]);
  // The first one's model call ended there before its stop poll read the flag, and its lease was
  // given back: that poll keeps a flag of a generation it does not run, and stops with the last
  // generation of its instance (a restarted instance polls under another id). Nothing else reads it.
  await Generation.deleteOne({ token: ended });
  await sweepInterrupted();
  expect(await flagsOf(ended)).toBe(0);
  // The other still runs there: its instance acts on the flag (and drops it).
  expect(await flagsOf(running)).toBe(1);
  // That instance died instead: its lease lapses, and no one will read the flag.
  await Generation.updateOne(
    { token: running },
    { $set: { expiresAt: new Date(Date.now() - 1000) } },
  );
  await sweepInterrupted();
  expect(await flagsOf(running)).toBe(0);
  await Generation.deleteMany({ token: { $in: [ended, running] } });
});
