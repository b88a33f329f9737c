import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { expectError } from '../helpers/auth.js';
import { useChatApp } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';
import { createUser, type TestUser } from '../helpers/users.js';

/**
 * POST /api/chats/import, imports at once on one instance: each holds its parsed file while it
 * stores it and holds the event loop while it parses and checks it, so the instance runs at most
 * IMPORTS_PER_INSTANCE of them, whoever sends them (1 here). The chat write rate is small, to see
 * that an import refused for want of a place costs no write.
 */
const ctx = useChatApp({
  TITLES: 'off',
  CHAT_WRITES_PER_MINUTE: '1',
  BODY_LIMIT: '60kb',
  IMPORT_BODY_LIMIT: '200kb',
  IMPORTS_PER_INSTANCE: '1',
});

/**
 * An import whose client declares a body and sends only its start, until destroyed; `answered`
 * once the server answers it (refused).
 */
function heldImport(user: TestUser): { req: http.ClientRequest; answered: () => boolean } {
  let answered = false;
  const req = http.request({
    port: ctx.server.port,
    method: 'POST',
    path: '/api/chats/import',
    headers: { ...user.auth, 'Content-Type': 'application/json', 'Content-Length': '1000' },
  });
  req.on('error', () => undefined);
  req.on('response', (res) => {
    answered = true;
    res.resume();
  });
  req.write('{"chat":');
  return { req, answered: () => answered };
}

/** Q → A, both complete. */
function handExport() {
  const at = new Date(Date.UTC(2025, 0, 1)).toISOString();
  const common = { chatId: 'c1', createdAt: at, usage: null, error: null, stopReason: null };
  return {
    chat: {
      id: 'c1',
      title: 'By hand',
      pinned: false,
      archived: false,
      model: 'test-model',
      systemPrompt: '',
      createdAt: at,
      updatedAt: at,
      lastMessageAt: at,
    },
    exportedAt: at,
    messages: [
      {
        ...common,
        id: 'q',
        parentId: null,
        role: 'user',
        content: 'hi',
        status: 'complete',
        model: null,
        finishReason: null,
      },
      {
        ...common,
        id: 'a',
        parentId: 'q',
        role: 'assistant',
        content: 'hello',
        status: 'complete',
        model: 'test-model',
        finishReason: 'stop',
      },
    ],
  };
}

describe('POST /api/chats/import, imports at once on an instance', () => {
  it('when another user’s import is still sending its file, then an import is a 429 RATE_LIMITED with Retry-After before its body is read, costs no chat write, and is admitted once that import ends', async () => {
    const alice = await createUser({ label: 'alice' });
    const bob = await createUser({ label: 'bob' });
    const carol = await createUser({ label: 'carol' });
    const importAs = (user: TestUser) => () =>
      ctx.request().post('/api/chats/import').set(user.auth).send(handExport());
    const placeTaken = (res: { status: number; body: { error?: { message: string } } }) =>
      res.status === 429 && (res.body.error?.message.includes('on this instance') ?? false);
    // Carol's imports tell when Alice's has been admitted (the instance's place is then taken);
    // one of Carol's may hold the place as Alice's arrives, which is then refused: sent again.
    let held = heldImport(alice);
    await eventually(importAs(carol), (res) => {
      if (held.answered()) held = heldImport(alice);
      return placeTaken(res) && !held.answered();
    });
    const send = importAs(bob);
    const refused = await send();
    expectError(refused, 429, 'RATE_LIMITED');
    expect(refused.body.error.message).toMatch(/on this instance/);
    expect(refused.headers['retry-after']).toBe('1');
    held.req.destroy();
    // Bob's one chat write a minute is still his: the refusals did not charge it.
    const admitted = await eventually(send, (res) => res.status !== 429);
    expect(admitted.status).toBe(201);
    expect(await Chat.countDocuments({ userId: new Types.ObjectId(bob.id) })).toBe(1);
    expect(await Chat.countDocuments({ userId: new Types.ObjectId(alice.id) })).toBe(0);
  });
});
