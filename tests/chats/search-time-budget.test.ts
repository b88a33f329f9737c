import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useTestApp } from '../helpers/app.js';
import { expectError } from '../helpers/auth.js';
import { createUser } from '../helpers/users.js';

const ctx = useTestApp({ SEARCH_TIMEOUT_MS: '1000' });

afterEach(() => {
  vi.restoreAllMocks();
});

/** The search of the messages takes `ms` longer than the database does: a slow first query. */
function slowMessageSearch(ms: number): void {
  const aggregate = Message.aggregate.bind(Message);
  vi.spyOn(Message, 'aggregate').mockImplementation(((...args: Parameters<typeof aggregate>) => {
    const pipeline = aggregate(...args);
    const exec = pipeline.exec.bind(pipeline);
    pipeline.exec = async () => {
      await sleep(ms);
      return exec();
    };
    return pipeline;
  }) as typeof Message.aggregate);
}

/** The maxTimeMS each read of the chats list is given. */
function chatQueryTimes(): (number | undefined)[] {
  const given: (number | undefined)[] = [];
  const find = Chat.collection.find.bind(Chat.collection);
  vi.spyOn(Chat.collection, 'find').mockImplementation((...args: Parameters<typeof find>) => {
    given.push(args[1]?.maxTimeMS);
    return find(...args);
  });
  return given;
}

describe("a search's two queries share SEARCH_TIMEOUT_MS", () => {
  it('when the search of the messages took part of SEARCH_TIMEOUT_MS, then the chats are read within what is left of it', async () => {
    const user = await createUser({ label: 'budget-left' });
    await ctx.request().post('/api/chats').set(user.auth).send({ title: 'Budget talk' });
    slowMessageSearch(600);
    const given = chatQueryTimes();
    const res = await ctx.request().get('/api/chats').query({ q: 'budget' }).set(user.auth);
    expect(res.status).toBe(200);
    expect(res.body.map((c: { title: string }) => c.title)).toEqual(['Budget talk']);
    expect(given).toHaveLength(1);
    expect(given[0]).toBeGreaterThan(0);
    expect(given[0]).toBeLessThanOrEqual(400);
  });

  it('when the search of the messages used up SEARCH_TIMEOUT_MS, then 503 SEARCH_TIMEOUT and the chats are not read', async () => {
    const user = await createUser({ label: 'budget-spent' });
    await ctx.request().post('/api/chats').set(user.auth).send({ title: 'Budget talk' });
    slowMessageSearch(1100);
    const given = chatQueryTimes();
    const res = await ctx.request().get('/api/chats').query({ q: 'budget' }).set(user.auth);
    expectError(res, 503, 'SEARCH_TIMEOUT');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(given).toEqual([]);
  });
});
