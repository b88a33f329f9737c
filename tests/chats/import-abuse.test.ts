import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Chat, type ChatDoc } from '../../src/modules/chats/chat.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { expectError } from '../helpers/auth.js';
import { useChatApp } from '../helpers/chat-app.js';
import { createUser, type TestUser } from '../helpers/users.js';

/**
 * POST /api/chats/import under abuse: what a refused import costs the account (the chat write
 * rate), times an export may hold, and a keyed repeat. The write rate is small here and the
 * other limits as in import.test.ts.
 */
const ctx = useChatApp({
  TITLES: 'off',
  CHAT_WRITES_PER_MINUTE: '2',
  BODY_LIMIT: '60kb',
  IMPORT_BODY_LIMIT: '200kb',
});

interface Msg {
  id: string;
  chatId: string;
  parentId: string | null;
  role: 'user' | 'assistant';
  content: string;
  status: string;
  createdAt: string;
  [field: string]: unknown;
}
interface Export {
  chat: { id: string; title: string; createdAt: string; [field: string]: unknown };
  exportedAt: string;
  messages: Msg[];
}

/** Q → A, both complete, in the chat `c1`. */
function handExport(): Export {
  const at = (s: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, s)).toISOString();
  const reply = {
    model: 'test-model',
    finishReason: 'stop',
    usage: null,
    error: null,
    stopReason: null,
  };
  return {
    chat: {
      id: 'c1',
      title: 'By hand',
      pinned: false,
      archived: false,
      model: 'test-model',
      systemPrompt: '',
      createdAt: at(0),
      updatedAt: at(2),
      lastMessageAt: at(1),
    },
    exportedAt: at(3),
    messages: [
      {
        ...reply,
        model: null,
        finishReason: null,
        id: 'q',
        chatId: 'c1',
        parentId: null,
        role: 'user',
        content: 'hi',
        status: 'complete',
        createdAt: at(1),
      },
      {
        ...reply,
        id: 'a',
        chatId: 'c1',
        parentId: 'q',
        role: 'assistant',
        content: 'hello',
        status: 'complete',
        createdAt: at(2),
      },
    ],
  };
}

const importAs = (user: TestUser, body: unknown, path = '/api/chats/import') =>
  ctx
    .request()
    .post(path)
    .set(user.auth)
    .send(body as object);

const owner = (user: TestUser) => ({ userId: new Types.ObjectId(user.id) });
const storedOf = async (user: TestUser) => ({
  chats: await Chat.countDocuments(owner(user)),
  messages: await Message.countDocuments(owner(user)),
});

/**
 * An import whose client declares `length` bytes and sends only the start of them: resolves with
 * the status the server answers within `waitMs`, or 0 when it is still waiting for the body.
 */
function heldImport(user: TestUser, length: number, waitMs: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request({
      port: ctx.server.port,
      method: 'POST',
      path: '/api/chats/import',
      headers: {
        ...user.auth,
        'Content-Type': 'application/json',
        'Content-Length': String(length),
      },
    });
    const timer = setTimeout(() => {
      req.destroy();
      resolve(0);
    }, waitMs);
    req.on('response', (res) => {
      clearTimeout(timer);
      res.resume();
      req.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => undefined);
    req.write('{"chat":');
  });
}

describe('POST /api/chats/import and the chat write rate', () => {
  it('when an account keeps sending imports that are refused as no export, then past CHAT_WRITES_PER_MINUTE they are a 429 RATE_LIMITED, as each made the server read and check a body of up to IMPORT_BODY_LIMIT', async () => {
    const bob = await createUser({ label: 'bob' });
    // A duplicate id, which only the check of the whole tree finds: the body was read, parsed and
    // checked field by field first (about 200 ms of the event loop for a 20 MB export).
    const body = handExport();
    body.messages.push({ ...body.messages[1]!, id: 'q' });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await importAs(bob, body)).status);
    expect(statuses).toEqual([400, 400, 429, 429]);
    expect(await storedOf(bob)).toEqual({ chats: 0, messages: 0 });
  });

  it('when an account has used its chat writes, then an import is a 429 RATE_LIMITED before its body is read', async () => {
    const bob = await createUser({ label: 'bob' });
    await importAs(bob, handExport()).expect(201);
    await importAs(bob, handExport()).expect(201);
    // Sent whole, a third is refused (checkChatWriteRate), once all of it was read and checked.
    expectError(await importAs(bob, handExport()), 429, 'RATE_LIMITED');
    // The third is refused from its headers, as a third import at once is (admitImport), rather
    // than once its whole body has come and been parsed and checked.
    expect(await heldImport(bob, 150_000, 2000)).toBe(429);
    expect(await storedOf(bob)).toEqual({ chats: 2, messages: 4 });
  });
});

describe('POST /api/chats/import of times the server cannot write back', () => {
  it('when an export’s time is in year 0 with a positive offset (before 0000-01-01T00:00:00Z), then 400 naming it and nothing is stored, rather than a chat whose times the API writes as "-000001-…" and whose export is refused', async () => {
    const bob = await createUser({ label: 'bob' });
    const body = handExport();
    body.chat.createdAt = '0000-01-01T00:00:00+01:00';
    const res = await importAs(bob, body);
    // Today: 201 with "createdAt": "-000001-12-31T23:00:00.000Z", and the chat's own export is
    // then a 400 "Invalid ISO datetime" on import.
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain('chat.createdAt');
    expect(await storedOf(bob)).toEqual({ chats: 0, messages: 0 });
  });
  it('when an export’s time is 0000-01-01T00:00:00Z, the first the API writes, then it is taken and written back as it is', async () => {
    const bob = await createUser({ label: 'bob' });
    const body = handExport();
    body.chat.createdAt = '0000-01-01T01:00:00+01:00';
    const res = await importAs(bob, body).expect(201);
    expect(res.body.createdAt).toBe('0000-01-01T00:00:00.000Z');
    expect(await storedOf(bob)).toEqual({ chats: 1, messages: 2 });
  });
});

describe('POST /api/chats/import of a title', () => {
  it('when the export’s title has spaces around it, then the chat’s title is stored trimmed, as POST /api/chats and PATCH store a title', async () => {
    const bob = await createUser({ label: 'bob' });
    const body = handExport();
    body.chat.title = '  Spaced out  ';
    const res = await importAs(bob, body).expect(201);
    expect(res.body.title).toBe('Spaced out');
    const made = await Chat.findById(res.body.id).lean<ChatDoc>();
    expect(made!.title).toBe('Spaced out');
  });
});

describe('POST /api/chats/import repeated with its Idempotency-Key', () => {
  it('when the repeat spells the path in capitals (the router takes any case), then it answers the chat the first made, not 409 IDEMPOTENCY_KEY_REUSED', async () => {
    const bob = await createUser({ label: 'bob' });
    const first = await ctx
      .request()
      .post('/api/chats/import')
      .set(bob.auth)
      .set('Idempotency-Key', 'spelled')
      .send(handExport())
      .expect(201);
    const again = await ctx
      .request()
      .post('/API/chats/import')
      .set(bob.auth)
      .set('Idempotency-Key', 'spelled')
      .send(handExport());
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(await storedOf(bob)).toEqual({ chats: 1, messages: 2 });
  });
});
