import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../helpers/users.js';
import { databaseBack, sleep, useProxiedApp } from '../helpers/proxied-app.js';

/**
 * POST /api/chats/import when the database goes away part of the way: nothing of the import is
 * left (its messages, then its chat, are removed again, in the background until the database
 * answers), and a retry imports it once.
 */
const ctx = useProxiedApp();

/** An export of `pairs` questions and answers in a line. */
function chainExport(pairs: number) {
  const at = new Date(Date.UTC(2025, 0, 1)).toISOString();
  const base = { model: null, finishReason: null, usage: null, error: null, stopReason: null };
  const messages = [];
  for (let i = 0; i < pairs; i += 1)
    messages.push(
      {
        ...base,
        id: `q${i}`,
        chatId: 'c',
        parentId: i === 0 ? null : `a${i - 1}`,
        role: 'user',
        content: `question ${i}`,
        status: 'complete',
        createdAt: at,
      },
      {
        ...base,
        id: `a${i}`,
        chatId: 'c',
        parentId: `q${i}`,
        role: 'assistant',
        content: `answer ${i}`,
        status: 'complete',
        model: 'test-model',
        createdAt: at,
      },
    );
  return {
    chat: {
      id: 'c',
      title: 'Cut',
      pinned: false,
      archived: false,
      model: 'test-model',
      systemPrompt: '',
      createdAt: at,
      updatedAt: at,
      lastMessageAt: at,
    },
    exportedAt: at,
    messages,
  };
}

const storedOf = async (user: TestUser) => {
  const mine = { userId: new ObjectId(user.id) };
  return {
    chats: await ctx.db.collection('chats').countDocuments(mine),
    messages: await ctx.db.collection('messages').countDocuments(mine),
    slots: await ctx.db.collection('chat_slots').countDocuments(mine),
  };
};

/** Until nothing of the user's is stored (removed in the background once the database is back). */
async function nothingLeft(user: TestUser) {
  for (let i = 0; i < 50; i += 1) {
    const stored = await storedOf(user);
    if (stored.chats + stored.messages + stored.slots === 0) return;
    await sleep(100);
  }
  expect(await storedOf(user)).toEqual({ chats: 0, messages: 0, slots: 0 });
}

const importAs = (user: TestUser, body: unknown, key?: string) => {
  const req = ctx.request().post('/api/chats/import').set(user.auth);
  if (key) req.set('Idempotency-Key', key);
  return req.send(body as object);
};

describe('an import cut by the database', () => {
  it('when the chat’s insert lands but its answer is lost, then 503, the chat and its messages are removed again, and a retry imports one chat', async () => {
    const user = await createUser();
    const body = chainExport(3);
    const cut = ctx.proxy.cutReplyTo((c) => c.name === 'insert' && c.collection === 'chats');
    const first = await importAs(user, body);
    await cut;
    expect({ status: first.status, code: first.body.error?.code }).toEqual({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
    });
    await databaseBack();
    await nothingLeft(user);
    const again = await importAs(user, body);
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(await storedOf(user)).toEqual({ chats: 1, messages: 6, slots: 1 });
  });

  it('when the database goes away between two batches of messages, then 503 and the batch stored before is removed again', async () => {
    const user = await createUser();
    // 1,200 messages: three batches of at most 500.
    const body = chainExport(600);
    let inserts = 0;
    const cut = ctx.proxy.cutReplyTo(
      (c) => c.name === 'insert' && c.collection === 'messages' && (inserts += 1) === 2,
      { before: true },
    );
    const first = await importAs(user, body);
    await cut;
    expect(first.status).toBe(503);
    await databaseBack();
    await nothingLeft(user);
    await importAs(user, body).expect(201);
    expect(await storedOf(user)).toEqual({ chats: 1, messages: 1200, slots: 1 });
  }, 60_000);

  it('when a keyed import’s chat insert lands unanswered, then a retry with the key imports it once', async () => {
    await databaseBack();
    const user = await createUser();
    const body = chainExport(2);
    const cut = ctx.proxy.cutReplyTo((c) => c.name === 'insert' && c.collection === 'chats');
    const first = await importAs(user, body, 'import-cut-1');
    await cut;
    expect(first.status).toBe(503);
    await databaseBack();
    await nothingLeft(user);
    // The key's release may have met the outage too: the repeat then waits for the claim to
    // lapse and takes it over.
    const again = await importAs(user, body, 'import-cut-1');
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(await storedOf(user)).toEqual({ chats: 1, messages: 4, slots: 1 });
    const repeat = await importAs(user, body, 'import-cut-1').expect(201);
    expect(repeat.body.id).toBe(again.body.id);
  }, 60_000);
});
