import http from 'node:http';
import type { CommandStartedEvent } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { whenClosed } from '../../src/lib/http/response-closed.js';
import { Message, type MessageDoc } from '../../src/modules/chats/message.model.js';
import { expectError } from '../helpers/auth.js';
import { insertBigChat, type BigChat } from '../helpers/big-chat.js';
import { useChatApp } from '../helpers/chat-app.js';
import { monitoredClient, named } from '../helpers/commands.js';
import { eventually } from '../helpers/eventually.js';
import { publishedSchemas } from '../helpers/published.js';
import { blockedOnClient, textParser } from '../helpers/sse.js';
import { createUser } from '../helpers/users.js';

/**
 * GET /api/chats/:id/export: the chat as a file. JSON holds every message of every branch, read
 * from the database a batch at a time (PAGE_SIZE_MAX here is 4, so even small chats take several
 * batches); Markdown holds the active branch. The tree window is small (10), so a chat past it is
 * easy to make.
 */
const ctx = useChatApp({
  MAX_TREE_MESSAGES: '10',
  PAGE_SIZE_MAX: '4',
  DB_COMMAND_METRICS: 'true',
  RATE_LIMITS_ENABLED: 'false',
  TITLES: 'off',
  MAX_STORED_BYTES_PER_USER: '100000000',
  // A client that takes nothing of an export for a second loses it (the least the setting takes).
  SEND_TIMEOUT_MS: '1000',
});

let published: ReturnType<typeof publishedSchemas>;
const check = (name: string, value: unknown) => published.check(name, value);
beforeAll(async () => {
  published = publishedSchemas((await ctx.request().get('/api/openapi.json').expect(200)).body);
});

interface Msg {
  id: string;
  parentId: string | null;
  role: 'user' | 'assistant';
  content: string;
  status: string;
  createdAt: string;
}

const send = (chatId: string, body: Record<string, unknown>) =>
  ctx
    .request()
    .post(`/api/chats/${chatId}/messages`)
    .set(ctx.user.auth)
    .send({ stream: false, ...body });

const newChat = async (title: string) =>
  (await ctx.request().post('/api/chats').set(ctx.user.auth).send({ title }).expect(201)).body
    .id as string;

const exportOf = (chatId: string, query = '', auth = ctx.user.auth) =>
  ctx.request().get(`/api/chats/${chatId}/export${query}`).set(auth).buffer(true);

const markdownOf = async (chatId: string) => {
  const res = await exportOf(chatId, '?format=markdown').parse(textParser).expect(200);
  expect(res.headers['content-type']).toBe('text/markdown; charset=utf-8');
  return res.body as string;
};

/** The chat's messages as stored, oldest first as every tree read sorts them. */
const storedIds = async (chatId: string) =>
  (
    await Message.find({ chatId: new Types.ObjectId(chatId) }, { _id: 1 })
      .sort({ createdAt: 1, _id: 1 })
      .lean<Pick<MessageDoc, '_id'>[]>()
  ).map((m) => String(m._id));

/**
 * Q1 → A1 → Q2 → A2, then A2 regenerated (A2'), then Q2 edited (Q2' → A2''): three branches, the
 * active one the edit's. Returns the chat and its messages by name.
 */
async function branchedChat(title: string) {
  const chatId = await newChat(title);
  ctx.upstream.setDefault({ chunks: ['A1 **bold** <b>x</b> & y'] });
  const first = (await send(chatId, { content: 'Q1 `code` & <tag>' }).expect(201)).body
    .messages as Msg[];
  ctx.upstream.setDefault({ chunks: ['A2'] });
  const second = (await send(chatId, { content: 'Q2' }).expect(201)).body.messages as Msg[];
  ctx.upstream.setDefault({ chunks: ['A2 again'] });
  const regen = (
    await ctx
      .request()
      .post(`/api/chats/${chatId}/messages/${second[1]!.id}/regenerate`)
      .set(ctx.user.auth)
      .send({ stream: false })
      .expect(201)
  ).body.messages as Msg[];
  ctx.upstream.setDefault({ chunks: ['A2 edited'] });
  const edit = (await send(chatId, { content: 'Q2 edited', parentId: first[1]!.id }).expect(201))
    .body.messages as Msg[];
  return { chatId, first, second, regen: regen[1]!, edit };
}

describe('GET /api/chats/:id/export as JSON', () => {
  it('when a chat has several branches, then the export is valid against the published ChatExport and holds every message of every branch, oldest first, each as the tree shows it', async () => {
    const { chatId } = await branchedChat('Branches');
    const res = await exportOf(chatId).expect(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    check('ChatExport', res.body);
    expect(Object.keys(res.body)).toEqual(['chat', 'exportedAt', 'messages']);
    // The chat as the chat routes show it.
    const listed = (await ctx.request().get('/api/chats').set(ctx.user.auth).expect(200)).body as {
      id: string;
    }[];
    expect(res.body.chat).toEqual(listed.find((c) => c.id === chatId));
    expect(Date.parse(res.body.exportedAt as string)).toBeLessThanOrEqual(Date.now());
    const messages = res.body.messages as Msg[];
    expect(messages.map((m) => m.id)).toEqual(await storedIds(chatId));
    expect(messages).toHaveLength(7);
    const times = messages.map((m) => Date.parse(m.createdAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // Each as the tree view shows it, without the tree-only siblingIds.
    const tree = (
      await ctx
        .request()
        .get(`/api/chats/${chatId}/messages?view=tree&limit=4`)
        .set(ctx.user.auth)
        .expect(200)
    ).body as (Msg & { siblingIds: string[] })[];
    for (const shown of tree) {
      const { siblingIds: _siblings, ...message } = shown;
      expect(messages.find((m) => m.id === shown.id)).toEqual(message);
    }
  });

  it('when a chat holds more messages than MAX_TREE_MESSAGES, then the JSON export still holds every one of them', async () => {
    const big = await insertBigChat(ctx.user.id, { depth: 24, edits: 3, regens: 4 });
    const res = await exportOf(String(big.chatId)).expect(200);
    check('ChatExport', res.body);
    const ids = (res.body.messages as Msg[]).map((m) => m.id);
    expect(ids).toHaveLength(big.all.length);
    expect(ids).toEqual(await storedIds(String(big.chatId)));
    expect(new Set(ids)).toEqual(new Set(big.all.map((m) => String(m._id))));
  });

  it('when a chat has no messages, then the export is the chat and an empty list', async () => {
    const chatId = await newChat('Empty');
    const res = await exportOf(chatId, '?format=json').expect(200);
    check('ChatExport', res.body);
    expect(res.body.messages).toEqual([]);
    expect(await markdownOf(chatId)).toBe('# Empty\n\n');
  });

  it('when a reply is still streaming, then the export holds it as stored so far with status streaming, and Markdown marks it', async () => {
    const chatId = await newChat('Streaming');
    let release!: () => void;
    ctx.upstream.script({
      chunks: ['partial'],
      holdUntil: new Promise<void>((r) => (release = r)),
    });
    const held = ctx.stream(`/api/chats/${chatId}/messages`, { content: 'go on', stream: true });
    await held.waitForEvent('delta');
    try {
      const res = await exportOf(chatId).expect(200);
      check('ChatExport', res.body);
      const [question, reply] = res.body.messages as Msg[];
      expect(question).toMatchObject({ role: 'user', content: 'go on', status: 'complete' });
      const stored = await Message.findById(reply!.id).lean<MessageDoc>();
      expect(reply).toMatchObject({ role: 'assistant', status: 'streaming' });
      expect(reply!.content).toBe(stored!.content);
      expect(await markdownOf(chatId)).toContain(
        '## Assistant\n\n' +
          (stored!.content ? `${stored!.content}\n\n` : '') +
          '> _This reply was still being written when the chat was exported._\n\n',
      );
    } finally {
      release();
      await held.ended;
    }
  });

  it('when the export is read, then the messages come from cursors with a batch size and several batches, never one query holding them all', async () => {
    const big = await insertBigChat(ctx.user.id, { depth: 20, edits: 0, regens: 0 });
    const commands: CommandStartedEvent[] = [];
    const client = monitoredClient();
    const record = (event: CommandStartedEvent) => {
      // A getMore names its cursor, and the collection apart.
      if (named(event) === 'find:messages' || event.command.collection === 'messages')
        commands.push(event);
    };
    client.on('commandStarted', record);
    try {
      await exportOf(String(big.chatId)).expect(200);
      const finds = commands.filter((c) => c.commandName === 'find');
      expect(finds).toHaveLength(1);
      expect(finds[0]!.command.filter).toEqual({ chatId: big.chatId });
      expect(finds[0]!.command.batchSize).toBe(4);
      // 20 messages, 4 a batch: the first with the find, the rest one getMore each.
      expect(commands.filter((c) => c.commandName === 'getMore').length).toBeGreaterThanOrEqual(4);

      commands.length = 0;
      await markdownOf(String(big.chatId));
      // The branch's shape in batches, then its text from one more cursor over the chat: never a
      // query by `_id`s per batch (on the embedded FerretDB each reads the whole collection).
      const byChat = commands.filter(
        (c) =>
          c.commandName === 'find' &&
          (c.command.filter as Record<string, unknown>).chatId !== undefined,
      );
      expect(byChat).toHaveLength(2);
      expect(byChat.every((c) => (c.command.batchSize as number) > 0)).toBe(true);
      const byId = commands.filter(
        (c) =>
          c.commandName === 'find' &&
          (c.command.filter as Record<string, unknown>)._id !== undefined,
      );
      expect(byId).toHaveLength(0);
    } finally {
      client.off('commandStarted', record);
    }
  });
});

describe('GET /api/chats/:id/export as Markdown', () => {
  it('when a chat has several branches, then the document is its title and the turns of the active branch, each under its heading, with the text as written', async () => {
    const { chatId, first, edit } = await branchedChat('Trip & <plans>');
    expect(await markdownOf(chatId)).toBe(
      [
        '# Trip & <plans>',
        '## User',
        first[0]!.content,
        '## Assistant',
        first[1]!.content,
        '## User',
        edit[0]!.content,
        '## Assistant',
        edit[1]!.content,
        '',
      ].join('\n\n'),
    );
    expect(first[1]!.content).toBe('A1 **bold** <b>x</b> & y');
  });

  it('when the active branch is switched, then the document follows it', async () => {
    const { chatId, first, second, regen } = await branchedChat('Switched');
    await ctx
      .request()
      .patch(`/api/chats/${chatId}`)
      .set(ctx.user.auth)
      .send({ activeLeafId: second[1]!.id })
      .expect(200);
    const text = await markdownOf(chatId);
    expect(text).toContain(`## User\n\nQ2\n\n## Assistant\n\nA2\n\n`);
    expect(text).not.toContain(regen.content);
    expect(text.startsWith(`# Switched\n\n## User\n\n${first[0]!.content}\n\n`)).toBe(true);
  });

  it('when a reply failed or was stopped, then the document marks it below its text', async () => {
    const chatId = await newChat('Troubles');
    ctx.upstream.script({ status: 500 });
    await send(chatId, { content: 'fail please' }).expect(502);
    ctx.upstream.script({ chunks: ['half'], endless: true });
    const held = ctx.stream(`/api/chats/${chatId}/messages`, { content: 'stop me', stream: true });
    await held.waitForEvent('delta');
    await ctx.request().post(`/api/chats/${chatId}/stop`).set(ctx.user.auth).expect(202);
    await held.ended;
    const text = await markdownOf(chatId);
    const failed = (await Message.findOne({ chatId, status: 'error' }).lean<MessageDoc>())!;
    expect(text).toContain(
      `## User\n\nfail please\n\n## Assistant\n\n> _This reply failed: ${failed.error!.message}_\n\n`,
    );
    expect(text).toMatch(
      /## User\n\nstop me\n\n## Assistant\n\n(half)+\n\n> _This reply was cut off before it finished \(it was stopped\)\._\n\n$/,
    );
  });

  it('when the active branch is longer than MAX_TREE_MESSAGES, then the document holds all of it', async () => {
    const big = await insertBigChat(ctx.user.id, { depth: 30, edits: 2, regens: 3 });
    const text = await markdownOf(String(big.chatId));
    expect(text).toBe(
      [
        '# The big chat',
        ...big.active.flatMap((m) => [m.role === 'user' ? '## User' : '## Assistant', m.content]),
        '',
      ].join('\n\n'),
    );
  });
});

describe('the file name', () => {
  const dispositionFor = async (title: string, format = 'json') => {
    const chatId = await newChat('x');
    await ctx
      .request()
      .patch(`/api/chats/${chatId}`)
      .set(ctx.user.auth)
      .send({ title })
      .expect(200);
    const res = await exportOf(chatId, `?format=${format}`).parse(textParser).expect(200);
    return res.headers['content-disposition'] as string;
  };

  it('when the title is plain ASCII, then the file is named after it, without filename*', async () => {
    expect(await dispositionFor('Weekend in Lisbon')).toBe(
      'attachment; filename="Weekend in Lisbon.json"',
    );
    expect(await dispositionFor('Weekend in Lisbon', 'markdown')).toBe(
      'attachment; filename="Weekend in Lisbon.md"',
    );
  });

  it('when the title has an emoji and accents, then filename is an ASCII fallback and filename* the title in UTF-8', async () => {
    expect(await dispositionFor('Café trip 🏖️')).toBe(
      `attachment; filename="Cafe trip _.json"; filename*=UTF-8''${encodeURIComponent('Café trip 🏖️.json')}`,
    );
  });

  it('when the title is right-to-left with a direction override, then the override is dropped and the extension stays last', async () => {
    const header = await dispositionFor('שלום \u202Egpj.exe');
    expect(header).toBe(
      `attachment; filename="_ gpj.exe.json"; filename*=UTF-8''${encodeURIComponent('שלום gpj.exe.json')}`,
    );
    expect(decodeURIComponent(header.split("UTF-8''")[1]!)).not.toMatch(/[\u202a-\u202e]/);
  });

  it('when the title holds quotes, a backslash, slashes and a line break, then none of them reaches the header', async () => {
    const header = await dispositionFor('He said "hi"\\ ../../etc/passwd\r\nSet-Cookie: x=1');
    expect(header).toBe('attachment; filename="He said hi .. .. etc passwd Set-Cookie x=1.json"');
  });

  it('when the title has nothing a file name can keep, then the file is named chat', async () => {
    expect(await dispositionFor('"""')).toBe('attachment; filename="chat.json"');
    expect(await dispositionFor('你好')).toBe(
      `attachment; filename="chat.json"; filename*=UTF-8''${encodeURIComponent('你好.json')}`,
    );
  });
});

describe('refusals', () => {
  it("when the chat is another user's, or does not exist, then 404 exactly as reading it answers", async () => {
    const chatId = await newChat('Mine');
    const stranger = await createUser();
    const read = await ctx.request().get(`/api/chats/${chatId}`).set(stranger.auth);
    for (const query of ['', '?format=markdown']) {
      const res = await ctx.request().get(`/api/chats/${chatId}/export${query}`).set(stranger.auth);
      expectError(res, 404, 'NOT_FOUND');
      expect(res.body.error.message).toBe(read.body.error.message);
      expect(res.headers['content-disposition']).toBeUndefined();
    }
    const missing = await ctx
      .request()
      .get(`/api/chats/${new Types.ObjectId().toHexString()}/export`)
      .set(ctx.user.auth);
    expectError(missing, 404, 'NOT_FOUND');
    expectError(
      await ctx.request().get('/api/chats/not-an-id/export').set(ctx.user.auth),
      404,
      'NOT_FOUND',
    );
  });

  it('when the format is unknown, then 400 VALIDATION_FAILED naming format', async () => {
    const chatId = await newChat('Formats');
    for (const query of [
      '?format=pdf',
      '?format=',
      '?format=JSON',
      '?format=json&format=markdown',
    ]) {
      const res = await exportOf(chatId, query);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(['format']);
    }
    const extra = await exportOf(chatId, '?view=tree');
    expectError(extra, 400, 'VALIDATION_FAILED');
  });

  it('when no token is sent, then 401', async () => {
    const chatId = await newChat('Private');
    const res = await ctx.request().get(`/api/chats/${chatId}/export`);
    expectError(res, 401, 'UNAUTHENTICATED');
  });
});

describe('a large export', () => {
  // 60 replies of 400 kB, 4 messages a batch: 30 batches, 24 MB, far more than the sockets on
  // either side hold. Removed afterwards: the embedded database reads every message for a filter
  // on a chat, and the other tests need not read these.
  let big: BigChat;
  beforeAll(async () => {
    big = await insertBigChat(ctx.user.id, {
      depth: 120,
      edits: 0,
      regens: 0,
      content: (i, role) => (role === 'assistant' ? `${i} `.padEnd(400_000, 'x') : `q${i}`),
    });
  }, 60_000);
  afterAll(async () => {
    await Message.collection.deleteMany({ chatId: big.chatId });
  });

  it('when the client stops reading a large export, then the reads wait for it, and when it leaves they stop and the cursor is closed', async () => {
    const path = `/api/chats/${String(big.chatId)}/export`;
    const reads: string[] = [];
    const client = monitoredClient();
    const record = (event: CommandStartedEvent) => {
      if (event.command.collection === 'messages') reads.push('getMore');
      else if (named(event) === 'killCursors:messages') reads.push('killCursors');
    };
    client.on('commandStarted', record);
    try {
      const req = http.get({
        host: '127.0.0.1',
        port: ctx.server.port,
        path,
        headers: { authorization: `Bearer ${ctx.user.accessToken}` },
        agent: false,
      });
      const response = await new Promise<http.IncomingMessage>((resolve) =>
        req.on('response', resolve),
      );
      expect(response.statusCode).toBe(200);
      // Read one chunk, then stop reading: the server fills the sockets and waits.
      await new Promise((resolve) => response.once('data', resolve));
      response.pause();
      const served = ctx.server.lastServed('GET', path);
      await blockedOnClient(served, 300);
      const whileBlocked = reads.length;
      expect(whileBlocked).toBeLessThan(29);
      // Blocked for as long again: nothing more was read meanwhile.
      await blockedOnClient(served, 300);
      expect(reads).toHaveLength(whileBlocked);
      expect(reads).not.toContain('killCursors');
      req.destroy();
      await eventually(
        () => Promise.resolve(reads),
        (r) => r.includes('killCursors'),
        10_000,
      );
      // At most the batch that was wanted when the client left; then the cursor is closed.
      expect(reads.filter((r) => r === 'getMore').length).toBeLessThanOrEqual(whileBlocked + 1);
      expect(reads.at(-1)).toBe('killCursors');
    } finally {
      client.off('commandStarted', record);
    }
  });

  it('when the client keeps the connection open and never reads, then after SEND_TIMEOUT_MS the connection is cut and the cursor closed', async () => {
    let killed = 0;
    const client = monitoredClient();
    const record = (event: CommandStartedEvent) => {
      if (named(event) === 'killCursors:messages') killed += 1;
    };
    client.on('commandStarted', record);
    try {
      const req = http.get({
        host: '127.0.0.1',
        port: ctx.server.port,
        path: `/api/chats/${String(big.chatId)}/export`,
        headers: { authorization: `Bearer ${ctx.user.accessToken}` },
        agent: false,
      });
      const response = await new Promise<http.IncomingMessage>((resolve) =>
        req.on('response', resolve),
      );
      await new Promise((resolve) => response.once('data', resolve));
      response.pause();
      // The server cuts its side (a paused client socket reads nothing, so it would not notice).
      const { res } = ctx.server.lastServed('GET', `/api/chats/${String(big.chatId)}/export`);
      await new Promise<void>((resolve) => whenClosed(res, resolve));
      expect(res.writableFinished).toBe(false);
      await eventually(
        () => Promise.resolve(killed),
        (n) => n > 0,
        10_000,
      );
      req.destroy();
    } finally {
      client.off('commandStarted', record);
    }
  });
});
