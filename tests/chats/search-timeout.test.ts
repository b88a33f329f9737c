import { beforeAll, describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useTestApp } from '../helpers/app.js';
import { expectError } from '../helpers/auth.js';
import { createUser, type TestUser } from '../helpers/users.js';

// A search may run for 1 ms: far less than scanning the messages below takes.
const ctx = useTestApp({ SEARCH_TIMEOUT_MS: '1' });
let user: TestUser;

beforeAll(async () => {
  user = await createUser({ label: 'heavy' });
  const owner = new Types.ObjectId(user.id);
  const chatId = new Types.ObjectId();
  const now = new Date();
  await Chat.collection.insertOne({
    _id: chatId,
    userId: owner,
    title: 'Big chat',
    pinned: false,
    archived: false,
    model: 'demo',
    systemPrompt: '',
    lastMessageAt: now,
    createdAt: now,
    updatedAt: now,
  });
  await Message.collection.insertMany(
    Array.from({ length: 3000 }, (_, i) => ({
      chatId,
      userId: owner,
      parentId: null,
      role: 'user' as const,
      content: `message number ${i} with some words to scan through`,
      status: 'complete' as const,
      createdAt: new Date(now.getTime() + i),
    })),
  );
});

describe('a search that runs too long', () => {
  it('when the search exceeds SEARCH_TIMEOUT_MS, then 503 SEARCH_TIMEOUT with Retry-After, never 500', async () => {
    const res = await ctx.request().get('/api/chats').query({ q: 'no such text' }).set(user.auth);
    expectError(res, 503, 'SEARCH_TIMEOUT');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    // Listing without a search is not bounded by it.
    expect((await ctx.request().get('/api/chats').set(user.auth)).status).toBe(200);
  });
});
