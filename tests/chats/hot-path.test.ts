import type { CommandStartedEvent } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import mongoose from '../../src/lib/db/mongoose.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { parseSse, textParser } from '../helpers/sse.js';
import { createUser } from '../helpers/users.js';

const ctx = useChatApp({
  MESSAGES_PER_MINUTE: '4',
  // Both replies end long before a checkpoint is due, however loaded the machine (tests/chats/
  // resume.test.ts shows checkpoints growing with the duration).
  STREAM_CHECKPOINT_MS: '10000',
});
const WRITES = new Set(['insert', 'update', 'delete', 'findAndModify']);
const commands: CommandStartedEvent[] = [];

beforeAll(async () => {
  // Command monitoring is a connection option: reconnect this file's database with it on.
  const { host, port, name } = mongoose.connection;
  await mongoose.disconnect();
  await mongoose.connect(`mongodb://${host}:${port}/`, { dbName: name, monitorCommands: true });
  mongoose.connection.getClient().on('commandStarted', (event) => commands.push(event));
});

async function writesDuring(action: () => Promise<void>): Promise<string[]> {
  commands.length = 0;
  await action();
  return commands
    .filter((c) => WRITES.has(c.commandName))
    .map((c) => `${c.commandName}:${String(c.command[c.commandName])}`);
}

describe('database work per exchange', () => {
  it('when the reply has 60 chunks instead of 3 (both shorter than a checkpoint interval), then the exchange issues exactly the same database writes', async () => {
    const chatId = (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body
      .id as string;
    const exchange = (chunks: number) => async () => {
      ctx.upstream.script({ chunks: Array.from({ length: chunks }, (_, i) => `t${i} `) });
      const res = await ctx
        .request()
        .post(`/api/chats/${chatId}/messages`)
        .set(ctx.user.auth)
        .send({ content: 'count', stream: true })
        .buffer(true)
        .parse(textParser);
      expect(parseSse(res.body as string).events.filter((e) => e.event === 'delta')).toHaveLength(
        chunks,
      );
    };
    const short = await writesDuring(exchange(3));
    const long = await writesDuring(exchange(60));
    // The shared rate counter's writes depend on where the minute window stands, not on the reply.
    const own = (writes: string[]) => writes.filter((w) => !w.endsWith(':rate_limits'));
    expect(own(long)).toEqual(own(short));
    // Both messages in one insert (the reply `streaming` and empty), its final state in one update.
    expect(own(short)).toEqual([
      'insert:generations',
      'insert:messages',
      'update:chats',
      // The reply's tokens, in the usage ledger before its slot is released (budgets rely on it).
      'insert:usage',
      'update:messages',
      'delete:generations',
    ]);
    for (const writes of [short, long])
      expect(writes.length - own(writes).length).toBeLessThanOrEqual(2);
  });
});

describe('messages per minute', () => {
  it('when a user sends more than MESSAGES_PER_MINUTE, then 429 RATE_LIMITED with Retry-After, nothing stored, no upstream call', async () => {
    const user = await createUser({ label: 'limited' });
    // Stay inside one minute window so the count cannot reset halfway through.
    const leftInMinute = 60_000 - (Date.now() % 60_000);
    if (leftInMinute < 5000) await new Promise((r) => setTimeout(r, leftInMinute + 50));
    const chatId = (await ctx.request().post('/api/chats').set(user.auth).send({})).body
      .id as string;
    for (let i = 0; i < 4; i += 1) {
      expect(
        (
          await ctx
            .request()
            .post(`/api/chats/${chatId}/messages`)
            .set(user.auth)
            .send({ content: `m${i}` })
        ).status,
      ).toBe(201);
    }
    const asked = ctx.upstream.requests.length;
    const res = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(user.auth)
      .send({ content: 'one too many', stream: true });
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('RATE_LIMITED');
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await Message.countDocuments({ chatId, content: 'one too many' })).toBe(0);
    expect(ctx.upstream.requests.length).toBe(asked);
    const compat = await ctx
      .request()
      .post('/api/chat')
      .set(user.auth)
      .send({ message: 'also limited' });
    expect(compat.status).toBe(429);
  });
});
