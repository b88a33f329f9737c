import { beforeAll, describe, expect, it } from 'vitest';
import {
  abortAllGenerations,
  runningGenerations,
} from '../../src/modules/chats/generation/registry.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { monitoredClient, named } from '../helpers/commands.js';

// Shutdown's cut leaves this process in its shutting-down state for good, so this file runs in
// the system tier, whose files each get a process.
const ctx = useChatApp({ DB_COMMAND_METRICS: 'true' });

/** Every command the app's client had answered, as `name:collection`, in the order answered. */
const answered: string[] = [];

beforeAll(() => {
  const client = monitoredClient();
  const started = new Map<number, string>();
  client.on('commandStarted', (event) => started.set(event.requestId, named(event)));
  client.on('commandSucceeded', (event) => answered.push(started.get(event.requestId) ?? '?'));
});

/** Resolves on the first turn of the event loop at which shutdown would see nothing running. */
function whenNothingRuns(): Promise<string[]> {
  return new Promise((resolve) => {
    const check = () => (runningGenerations() === 0 ? resolve([...answered]) : setImmediate(check));
    check();
  });
}

describe('shutdown and the last writes of a reply', () => {
  it('when shutdown cuts a streaming reply, then it counts the reply as running until its final state, its tokens and its slot are stored', async () => {
    ctx.upstream.setDefault({ chunks: ['w '], endless: true, delayMs: 10 });
    const chatId = (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body
      .id as string;
    const s = ctx.stream(`/api/chats/${chatId}/messages`, { content: 'hello', stream: true });
    await s.waitFor(() => s.events.some((e) => e.event === 'delta'));
    answered.length = 0;

    expect(abortAllGenerations()).toBe(1);
    // What graceful shutdown sees when it stops waiting and closes the database.
    const answeredWhenIdle = await whenNothingRuns();
    // The reply's final state carries its tokens (its charge): no ledger entry of its own.
    expect(answeredWhenIdle).toEqual(
      expect.arrayContaining(['update:messages', 'delete:generations']),
    );

    await s.ended;
    expect(s.events.at(-1)).toMatchObject({
      event: 'done',
      data: { message: { status: 'incomplete' } },
    });
    const reply = await Message.findOne({ chatId, role: 'assistant' }).lean();
    expect(reply).toMatchObject({ status: 'incomplete', error: null });
    expect(reply!.content.startsWith('w ')).toBe(true);
    expect(reply!.charge).toMatchObject({ estimated: true });
    expect(reply!.charge!.completionTokens).toBeGreaterThan(0);
    expect(await Generation.countDocuments({ chatId })).toBe(0);
  });
});
