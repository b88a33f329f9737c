import http from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Chat, type ChatDoc } from '../../src/modules/chats/chat.model.js';
import { Message, type MessageDoc } from '../../src/modules/chats/message.model.js';
import { TERMS_VERSION } from '../../src/modules/chats/search-terms.js';
import { expectError } from '../helpers/auth.js';
import { eventually } from '../helpers/eventually.js';
import { useChatApp } from '../helpers/chat-app.js';
import { publishedSchemas } from '../helpers/published.js';
import { createUser, type TestUser } from '../helpers/users.js';

/**
 * POST /api/chats/import: a chat's export (GET /api/chats/:id/export) made into a new chat of the
 * caller. BODY_LIMIT is small here and IMPORT_BODY_LIMIT larger, so an export past the one and
 * within the other shows the route reads its body with its own limit.
 */
const ctx = useChatApp({
  RATE_LIMITS_ENABLED: 'false',
  TITLES: 'off',
  BODY_LIMIT: '60kb',
  IMPORT_BODY_LIMIT: '200kb',
  MAX_TREE_MESSAGES: '30',
  MAX_CHATS_PER_USER: '4',
  MAX_MESSAGES_PER_USER: '40',
  MAX_STORED_BYTES_PER_USER: '150000',
  STORAGE_RECOUNT_SECONDS: '0',
});

let published: ReturnType<typeof publishedSchemas>;
beforeAll(async () => {
  published = publishedSchemas((await ctx.request().get('/api/openapi.json').expect(200)).body);
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
  chat: { id: string; activeLeafId?: string; [field: string]: unknown };
  exportedAt: string;
  messages: Msg[];
}

const send = (user: TestUser, chatId: string, body: Record<string, unknown>) =>
  ctx
    .request()
    .post(`/api/chats/${chatId}/messages`)
    .set(user.auth)
    .send({ stream: false, ...body });

const exportOf = async (user: TestUser, chatId: string) =>
  (await ctx.request().get(`/api/chats/${chatId}/export`).set(user.auth).buffer(true).expect(200))
    .body as Export;

const importAs = (user: TestUser, body: unknown, key?: string) => {
  const req = ctx.request().post('/api/chats/import').set(user.auth);
  if (key) req.set('Idempotency-Key', key);
  return req.send(body as object);
};

const owner = (user: TestUser) => ({ userId: new Types.ObjectId(user.id) });
const storedOf = async (user: TestUser) => ({
  chats: await Chat.countDocuments(owner(user)),
  messages: await Message.countDocuments(owner(user)),
});

/**
 * Q1 → A1 → Q2 → A2, A2 regenerated (A2'), Q2 edited (Q2' → A2''): three branches, the active one
 * the edit's. Made by sends, as a user makes one.
 */
async function branchedChat(user: TestUser, title: string) {
  const chatId = (await ctx.request().post('/api/chats').set(user.auth).send({ title }).expect(201))
    .body.id as string;
  ctx.upstream.setDefault({ chunks: ['A1 about zebrafish'] });
  const first = (await send(user, chatId, { content: 'Q1 quokka' }).expect(201)).body
    .messages as Msg[];
  ctx.upstream.setDefault({ chunks: ['A2'] });
  const second = (await send(user, chatId, { content: 'Q2' }).expect(201)).body.messages as Msg[];
  ctx.upstream.setDefault({ chunks: ['A2 again'] });
  await ctx
    .request()
    .post(`/api/chats/${chatId}/messages/${second[1]!.id}/regenerate`)
    .set(user.auth)
    .send({ stream: false })
    .expect(201);
  ctx.upstream.setDefault({ chunks: ['A2 edited'] });
  await send(user, chatId, { content: 'Q2 edited', parentId: first[1]!.id }).expect(201);
  ctx.upstream.setDefault({ chunks: ['Hello world!'] });
  return chatId;
}

/** A small export made by hand: Q → A, both complete, in the chat `c1`. */
function handExport(): Export {
  const at = (s: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, s)).toISOString();
  const reply = {
    model: 'test-model',
    finishReason: 'stop',
    usage: null,
    error: null,
    stopReason: null,
  };
  const question = { ...reply, model: null, finishReason: null };
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
        ...question,
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

/** The export with each id replaced by its position (oldest first), for comparing two exports. */
function byPosition(exported: Export) {
  const position = new Map(exported.messages.map((m, i) => [m.id, i]));
  const { id: _id, activeLeafId, ...chat } = exported.chat;
  return {
    chat: { ...chat, activeLeafId: activeLeafId && position.get(activeLeafId) },
    messages: exported.messages.map(({ id, chatId: _chat, parentId, ...m }) => ({
      ...m,
      at: position.get(id),
      parent: parentId === null ? null : position.get(parentId),
    })),
  };
}

describe('POST /api/chats/import of an export', () => {
  it('when another account imports a branched chat’s export, then 201 answers the new chat as GET shows it, and its export is the original’s with new ids: every branch, roles, text, status, times and the active leaf', async () => {
    const alice = await createUser({ label: 'alice' });
    const bob = await createUser({ label: 'bob' });
    const original = await exportOf(alice, await branchedChat(alice, 'Round trip'));
    const res = await importAs(bob, original).expect(201);
    published.check('ChatWithMessages', res.body);
    const id = res.body.id as string;
    expect(id).not.toBe(original.chat.id);
    const shown = await ctx.request().get(`/api/chats/${id}`).set(bob.auth).expect(200);
    expect(res.body).toEqual(shown.body);

    const again = await exportOf(bob, id);
    expect(byPosition(again)).toEqual(byPosition(original));
    expect(again.messages.every((m) => m.chatId === id)).toBe(true);
    const oldIds = new Set(original.messages.map((m) => m.id));
    expect(again.messages.some((m) => oldIds.has(m.id))).toBe(false);
    // The original is untouched, and still alice's alone.
    await ctx.request().get(`/api/chats/${original.chat.id}`).set(bob.auth).expect(404);
    expect((await exportOf(alice, original.chat.id)).messages).toEqual(original.messages);
  });

  it('when a chat is imported, then the database holds its messages under the caller with sizes and search keys as sends store them, and the chat’s kept turns are the original’s', async () => {
    const alice = await createUser({ label: 'alice' });
    const bob = await createUser({ label: 'bob' });
    const chatId = await branchedChat(alice, 'Stored as sent');
    const original = await exportOf(alice, chatId);
    const id = (await importAs(bob, original).expect(201)).body.id as string;
    const stored = await Message.find({ chatId: new Types.ObjectId(id) })
      .sort({ createdAt: 1, _id: 1 })
      .lean<MessageDoc[]>();
    expect(stored).toHaveLength(7);
    for (const m of stored) {
      expect(String(m.userId)).toBe(bob.id);
      expect(m.bytes).toBe(Buffer.byteLength(m.content));
      expect(m.termsVersion).toBe(TERMS_VERSION);
      expect(m.terms!.length).toBeGreaterThan(0);
      expect(m.charge).toBeUndefined();
      expect(m.lease).toBeUndefined();
    }
    const sent = await Chat.findById(chatId).lean<ChatDoc>();
    const made = await Chat.findById(id).lean<ChatDoc>();
    expect(String(made!.userId)).toBe(bob.id);
    expect(made!.titleBytes).toBe(Buffer.byteLength('Stored as sent'));
    expect(made!.termsVersion).toBe(TERMS_VERSION);
    // The kept turns: the same text, ending at the imported leaf, settled.
    expect(sent!.context).toBeTruthy();
    expect(made!.context).toEqual({
      ...sent!.context,
      leafId: made!.activeLeafId,
    });
    expect(String(made!.activeLeafId)).toBe(
      String(stored[original.messages.findIndex((m) => m.id === original.chat.activeLeafId)]!._id),
    );
  });

  it('when the first message is sent to an imported chat, then the model is given the imported branch’s turns, as the original chat gives them', async () => {
    const alice = await createUser({ label: 'alice' });
    const bob = await createUser({ label: 'bob' });
    const chatId = await branchedChat(alice, 'History');
    const id = (await importAs(bob, await exportOf(alice, chatId)).expect(201)).body.id as string;
    ctx.upstream.reset();
    await send(alice, chatId, { content: 'Next?' }).expect(201);
    await send(bob, id, { content: 'Next?' }).expect(201);
    const [toOriginal, toImported] = ctx.upstream.requests;
    expect(toImported!.messages).toEqual(toOriginal!.messages);
    expect(toImported!.messages.map((m) => m.content)).toEqual([
      'Q1 quokka',
      'A1 about zebrafish',
      'Q2 edited',
      'A2 edited',
      'Next?',
    ]);
  });

  it('when a chat never branched, then its import names no active leaf either and the next send follows its newest reply', async () => {
    const alice = await createUser({ label: 'alice' });
    const chatId = (
      await ctx.request().post('/api/chats').set(alice.auth).send({ title: 'Plain' }).expect(201)
    ).body.id as string;
    await send(alice, chatId, { content: 'one' }).expect(201);
    await send(alice, chatId, { content: 'two' }).expect(201);
    const original = await exportOf(alice, chatId);
    expect(original.chat.activeLeafId).toBeUndefined();
    const bob = await createUser({ label: 'bob' });
    const res = await importAs(bob, original).expect(201);
    expect(res.body.activeLeafId).toBe(res.body.messages.at(-1).id);
    const made = await Chat.findById(res.body.id).lean<ChatDoc>();
    expect(made!.activeLeafId).toBeUndefined();
    expect(String(made!.context!.leafId)).toBe(res.body.messages.at(-1).id);
    ctx.upstream.reset();
    await send(bob, res.body.id as string, { content: 'three' }).expect(201);
    expect(ctx.upstream.requests[0]!.messages.map((m) => m.content)).toEqual([
      'one',
      'Hello world!',
      'two',
      'Hello world!',
      'three',
    ]);
  });

  it('when a reply was exported while streaming, then it is imported `incomplete`; a time in the future becomes now, and none is older than its parent', async () => {
    const bob = await createUser({ label: 'bob' });
    const body = handExport();
    body.messages[1]!.status = 'streaming';
    body.messages[1]!.finishReason = null;
    body.messages[0]!.createdAt = '2999-01-01T00:00:00.000Z';
    const before = Date.now();
    const res = await importAs(bob, body).expect(201);
    const [question, reply] = res.body.messages as Msg[];
    expect(reply!.status).toBe('incomplete');
    expect(Date.parse(question!.createdAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(question!.createdAt)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(reply!.createdAt)).toBeGreaterThanOrEqual(Date.parse(question!.createdAt));
    expect(reply!.parentId).toBe(question!.id);
  });

  it('when the export names a model this server does not offer, then the chat takes the default model and its messages keep theirs', async () => {
    const bob = await createUser({ label: 'bob' });
    const body = handExport();
    body.chat.model = 'gpt-elsewhere';
    body.messages[1]!.model = 'gpt-elsewhere';
    const res = await importAs(bob, body).expect(201);
    expect(res.body.model).toBe('test-model');
    expect(res.body.messages[1].model).toBe('gpt-elsewhere');
  });

  it('when a word of an imported message is searched, then the imported chat is found', async () => {
    const alice = await createUser({ label: 'alice' });
    const bob = await createUser({ label: 'bob' });
    const id = (
      await importAs(bob, await exportOf(alice, await branchedChat(alice, 'Found'))).expect(201)
    ).body.id as string;
    for (const q of ['zebrafish', 'quokka']) {
      const found = await ctx.request().get(`/api/chats?q=${q}`).set(bob.auth).expect(200);
      expect(found.body.map((c: { id: string }) => c.id)).toEqual([id]);
    }
  });
});

describe('POST /api/chats/import within the caller’s caps', () => {
  it('when the export is larger than BODY_LIMIT but within IMPORT_BODY_LIMIT, then it is imported', async () => {
    const bob = await createUser({ label: 'bob' });
    const body = handExport();
    body.messages[1]!.content = 'long '.repeat(20_000);
    const res = await importAs(bob, body).expect(201);
    expect(res.body.messages[1].content).toHaveLength(100_000);
  });

  it('when the body is larger than IMPORT_BODY_LIMIT, then 413 PAYLOAD_TOO_LARGE and nothing is stored; a caller not signed in gets 401 before any of it is read', async () => {
    const bob = await createUser({ label: 'bob' });
    const body = handExport();
    body.messages[1]!.content = 'x'.repeat(210 * 1024);
    expectError(await importAs(bob, body), 413, 'PAYLOAD_TOO_LARGE');
    expect(await storedOf(bob)).toEqual({ chats: 0, messages: 0 });
    expectError(await ctx.request().post('/api/chats/import').send(body), 401, 'UNAUTHENTICATED');
  });

  it('when the caller has no chat left, then 409 CHAT_LIMIT_REACHED and nothing is stored', async () => {
    const bob = await createUser({ label: 'bob' });
    for (let i = 0; i < 4; i += 1)
      await ctx
        .request()
        .post('/api/chats')
        .set(bob.auth)
        .send({ title: `c${i}` })
        .expect(201);
    expectError(await importAs(bob, handExport()), 409, 'CHAT_LIMIT_REACHED');
    expect(await storedOf(bob)).toEqual({ chats: 4, messages: 0 });
  });

  it('when the export’s messages pass the caller’s message cap, then 409 MESSAGE_LIMIT_REACHED and nothing of it is stored', async () => {
    const bob = await createUser({ label: 'bob' });
    await importAs(bob, chainExport(15)).expect(201);
    // 30 stored; 12 more would be 42 of MAX_MESSAGES_PER_USER 40.
    expectError(await importAs(bob, chainExport(6)), 409, 'MESSAGE_LIMIT_REACHED');
    expect(await storedOf(bob)).toEqual({ chats: 1, messages: 30 });
    await importAs(bob, chainExport(5)).expect(201);
  });

  it('when the export’s text passes the caller’s byte cap, then 409 STORAGE_LIMIT_REACHED and nothing of it is stored', async () => {
    const bob = await createUser({ label: 'bob' });
    const big = handExport();
    big.messages[1]!.content = 'y'.repeat(100_000);
    await importAs(bob, big).expect(201);
    expectError(await importAs(bob, big), 409, 'STORAGE_LIMIT_REACHED');
    expect(await storedOf(bob)).toEqual({ chats: 1, messages: 2 });
  });

  it('when the export holds more than MAX_TREE_MESSAGES messages, then 400 naming `messages` and the cap', async () => {
    const bob = await createUser({ label: 'bob' });
    const res = await importAs(bob, chainExport(16));
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.details).toEqual([
      { path: 'messages', message: expect.stringContaining('MAX_TREE_MESSAGES') },
    ]);
    expect(await storedOf(bob)).toEqual({ chats: 0, messages: 0 });
  });

  it('when a user message passes MAX_MESSAGE_CHARS, then 400 naming its content', async () => {
    const bob = await createUser({ label: 'bob' });
    const body = handExport();
    body.messages[0]!.content = 'z'.repeat(16_001);
    const res = await importAs(bob, body);
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.details).toEqual([
      { path: 'messages.0.content', message: expect.stringContaining('16000') },
    ]);
  });
});

/** A chat of `pairs` questions and answers in a line. */
function chainExport(pairs: number): Export {
  const body = handExport();
  const [q, a] = body.messages as [Msg, Msg];
  body.messages = [];
  for (let i = 0; i < pairs; i += 1)
    body.messages.push(
      { ...q, id: `q${i}`, parentId: i === 0 ? null : `a${i - 1}` },
      { ...a, id: `a${i}`, parentId: `q${i}` },
    );
  return body;
}

/** The export with one change made to it. */
const broken = (change: (body: Export) => void) => {
  const body = handExport();
  change(body);
  return body;
};

describe('POST /api/chats/import, imports at once', () => {
  it('when a user has two imports still sending their files, then a third is a 429 RATE_LIMITED before its body is read, and one is admitted again once one of them ends', async () => {
    const bob = await createUser({ label: 'bob' });
    /** An import whose client declares a body and sends only its start. */
    const held = () => {
      const req = http.request({
        port: ctx.server.port,
        method: 'POST',
        path: '/api/chats/import',
        headers: { ...bob.auth, 'Content-Type': 'application/json', 'Content-Length': '1000' },
      });
      req.on('error', () => undefined);
      req.write('{"chat":');
      return req;
    };
    const first = held();
    const second = held();
    // A body that is no export: admitted, it is a 400 at once and frees its place.
    const third = () => importAs(bob, {});
    const refused = await eventually(third, (res) => res.status === 429);
    expectError(refused, 429, 'RATE_LIMITED');
    expect(refused.headers['retry-after']).toBe('1');
    first.destroy();
    const admitted = await eventually(third, (res) => res.status === 400);
    expectError(admitted, 400, 'VALIDATION_FAILED');
    second.destroy();
    expect(await storedOf(bob)).toEqual({ chats: 0, messages: 0 });
  });
});

describe('POST /api/chats/import of a body that is no export', () => {
  const cases: [string, Export | Record<string, unknown>, string][] = [
    [
      'a parent that is not in the export',
      broken((b) => (b.messages[1]!.parentId = 'nope')),
      'messages.1.parentId',
    ],
    [
      'two messages with one id',
      broken((b) => b.messages.push({ ...b.messages[1]!, content: 'dup' })),
      'messages.2.id',
    ],
    [
      'parents in a cycle',
      broken((b) => {
        b.messages.push(
          { ...b.messages[0]!, id: 'q2', parentId: 'a2' },
          { ...b.messages[1]!, id: 'a2', parentId: 'q2' },
        );
      }),
      'messages.2.parentId',
    ],
    [
      'an assistant message first',
      broken((b) => (b.messages[0]!.role = 'assistant')),
      'messages.0.role',
    ],
    [
      'a user message below a user message',
      broken((b) => (b.messages[1]!.role = 'user')),
      'messages.1.role',
    ],
    [
      'a user message not complete',
      broken((b) => (b.messages[0]!.status = 'error')),
      'messages.0.status',
    ],
    [
      'a message of another chat',
      broken((b) => (b.messages[1]!.chatId = 'c2')),
      'messages.1.chatId',
    ],
    [
      'an active leaf not in the export',
      broken((b) => (b.chat.activeLeafId = 'x')),
      'chat.activeLeafId',
    ],
    [
      'an unknown role',
      broken((b) => ((b.messages[0] as { role: string }).role = 'system')),
      'messages.0.role',
    ],
    [
      'a field the export has not',
      broken((b) => (b.messages[0]!.userId = 'me')),
      'messages.0.userId',
    ],
    ['a title too long', broken((b) => (b.chat.title = 't'.repeat(201))), 'chat.title'],
    ['no messages', { chat: handExport().chat, exportedAt: handExport().exportedAt }, 'messages'],
    [
      'a time that is no time',
      broken((b) => (b.messages[0]!.createdAt = 'yesterday')),
      'messages.0.createdAt',
    ],
  ];
  for (const [what, body, field] of cases)
    it(`when the body has ${what}, then 400 VALIDATION_FAILED naming ${field}, and nothing is stored`, async () => {
      const bob = await createUser({ label: 'bob' });
      const res = await importAs(bob, body);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
      expect(await storedOf(bob)).toEqual({ chats: 0, messages: 0 });
    });

  it('when the export has two first messages (the first question edited, newest), then it is a tree and is imported, its branch ending at the edit', async () => {
    const bob = await createUser({ label: 'bob' });
    const body = broken((b) =>
      b.messages.push({
        ...b.messages[0]!,
        id: 'q2',
        content: 'edited',
        createdAt: '2025-01-01T00:00:03.000Z',
      }),
    );
    const res = await importAs(bob, body).expect(201);
    expect(res.body.messages.map((m: Msg) => m.content)).toEqual(['edited']);
    expect(res.body.messages[0].siblingIds).toHaveLength(2);
  });
});

describe('POST /api/chats/import with an Idempotency-Key', () => {
  it('when the same import is sent again with the same key, then it answers the same chat and one chat is stored; another body under the key is a 409', async () => {
    const bob = await createUser({ label: 'bob' });
    const body = handExport();
    const first = await importAs(bob, body, 'import-1').expect(201);
    const again = await importAs(bob, body, 'import-1').expect(201);
    expect(again.body).toEqual(first.body);
    expect(await storedOf(bob)).toEqual({ chats: 1, messages: 2 });
    const other = broken((b) => (b.chat.title = 'Other'));
    expectError(await importAs(bob, other, 'import-1'), 409, 'IDEMPOTENCY_KEY_REUSED');
    expect(await storedOf(bob)).toEqual({ chats: 1, messages: 2 });
  });

  it('when a keyed import was refused by a cap, then a retry with the key after making room imports it', async () => {
    const bob = await createUser({ label: 'bob' });
    const ids: string[] = [];
    for (let i = 0; i < 4; i += 1)
      ids.push(
        (
          await ctx
            .request()
            .post('/api/chats')
            .set(bob.auth)
            .send({ title: `c${i}` })
            .expect(201)
        ).body.id,
      );
    expectError(await importAs(bob, handExport(), 'import-2'), 409, 'CHAT_LIMIT_REACHED');
    await ctx.request().delete(`/api/chats/${ids[0]}`).set(bob.auth).expect(204);
    await importAs(bob, handExport(), 'import-2').expect(201);
    expect(await storedOf(bob)).toEqual({ chats: 4, messages: 2 });
  });
});
