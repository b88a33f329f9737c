import { beforeAll, describe, expect, it } from 'vitest';
import { reloadConfig } from '../../src/lib/config.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useTestApp } from '../helpers/app.js';
import { expectError } from '../helpers/auth.js';
import { createUser, type TestUser } from '../helpers/users.js';

// No API key → the built-in demo model answers, fast.
const CRUD_ENV = {
  OPENAI_API_KEY: '',
  MODELS: 'demo',
  DEMO_CHUNK_DELAY_MS: '0',
  MESSAGES_PER_MINUTE: '1000',
  PAGE_SIZE_MAX: '5',
};
const ctx = useTestApp(CRUD_ENV);
let user: TestUser;

beforeAll(async () => {
  user = await createUser();
});

const create = async (who: TestUser, body: Record<string, unknown> = {}) => {
  const res = await ctx.request().post('/api/chats').set(who.auth).send(body);
  expect(res.status).toBe(201);
  return res.body;
};

describe('chat CRUD', () => {
  it('when a chat is created without a message, then 201 with the Chat shape and the default model', async () => {
    const chat = await create(user, { title: '  Trip plans ', systemPrompt: 'You are terse.' });
    expect(chat).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      title: 'Trip plans',
      pinned: false,
      archived: false,
      model: 'demo',
      systemPrompt: 'You are terse.',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      lastMessageAt: expect.any(String),
    });
    const stored = await Chat.findById(chat.id).lean();
    expect(String(stored!.userId)).toBe(user.id);
    expect(stored!.title).toBe('Trip plans');
  });

  it('when a chat is created with a message, then the title comes from it and the demo reply is stored (JSON)', async () => {
    const long = `Please   explain how   ${'very '.repeat(30)}long titles get cut`;
    const res = await ctx
      .request()
      .post('/api/chats')
      .set(user.auth)
      .send({ message: long, stream: false });
    expect(res.status).toBe(201);
    expect(res.body.chat.title.length).toBeLessThanOrEqual(60);
    expect(res.body.chat.title).toMatch(/^Please explain how very/);
    expect(res.body.chat.title.endsWith('…')).toBe(true);
    expect(res.body.messages).toHaveLength(2);
    expect(res.body.messages[1]).toMatchObject({
      role: 'assistant',
      status: 'complete',
      model: 'demo',
      finishReason: 'stop',
    });
    expect(res.body.messages[1].content).toMatch(/^\[Demo model\]/);
    expect(await Message.countDocuments({ chatId: res.body.chat.id })).toBe(2);
  });

  it('when a chat created without a title gets its first message, then it is named after it; later messages and chosen titles stay', async () => {
    const untitled = await create(user);
    expect(untitled.title).toBe('New chat');
    const first = await ctx
      .request()
      .post(`/api/chats/${untitled.id}/messages`)
      .set(user.auth)
      .send({ content: '  Plan a weekend in Lisbon ', stream: false });
    expect(first.status).toBe(201);
    expect(first.body.chat.title).toBe('Plan a weekend in Lisbon');
    await ctx
      .request()
      .post(`/api/chats/${untitled.id}/messages`)
      .set(user.auth)
      .send({ content: 'And Porto?', stream: false });
    expect((await Chat.findById(untitled.id).lean())!.title).toBe('Plan a weekend in Lisbon');

    const named = await create(user, { title: 'Trips' });
    await ctx
      .request()
      .post(`/api/chats/${named.id}/messages`)
      .set(user.auth)
      .send({ content: 'Plan a weekend in Lisbon', stream: false });
    expect((await Chat.findById(named.id).lean())!.title).toBe('Trips');
  });

  it('when titles are cut (a first message of emoji, a fork of such a title), then they count characters as the limits do (an emoji is one), none is cut in half, and the stored title is the one answered', async () => {
    const whole = await create(user, { message: '😀'.repeat(40), stream: false });
    expect(whole.chat.title).toBe('😀'.repeat(40));
    const created = await create(user, { message: '😀'.repeat(100), stream: false });
    // A first-message title keeps 60 characters: 59 of the message and the ellipsis.
    expect(created.chat.title).toBe(`${'😀'.repeat(59)}…`);
    expect((await Chat.findById(created.chat.id).lean())!.title).toBe(created.chat.title);

    const messages = (await ctx.request().get(`/api/chats/${created.chat.id}`).set(user.auth)).body
      .messages as { id: string }[];
    const forkTitled = async (title: string) => {
      const renamed = await ctx
        .request()
        .patch(`/api/chats/${created.chat.id}`)
        .set(user.auth)
        .send({ title });
      expect(renamed.status).toBe(200);
      const forked = await ctx
        .request()
        .post(`/api/chats/${created.chat.id}/fork`)
        .set(user.auth)
        .send({ messageId: messages.at(-1)!.id });
      expect(forked.status).toBe(201);
      expect((await Chat.findById(forked.body.id).lean())!.title).toBe(forked.body.title);
      return forked.body.title as string;
    };
    // 150 + 7 characters: within the 200 of MAX_TITLE_CHARS.
    expect(await forkTitled('😀'.repeat(150))).toBe(`${'😀'.repeat(150)} (fork)`);
    expect(await forkTitled('😀'.repeat(200))).toBe(`${'😀'.repeat(192)}… (fork)`);
  });

  it('when titles are cut inside an emoji made of several characters (a flag, a skin tone, a family), then the cut falls before that emoji, never leaving part of it', async () => {
    const flag = '🇫🇷'; // two regional indicators: alone, each shows as a letter in a box
    const thumb = '👍🏽'; // a thumb and its skin tone
    const family = '👨‍👩‍👧'; // three people joined by two zero-width joiners (5 characters)
    // 59 characters are kept before the ellipsis: each of these cuts an emoji there.
    const flags = await create(user, { message: flag.repeat(40), stream: false });
    expect(flags.chat.title).toBe(`${flag.repeat(29)}…`);
    const thumbs = await create(user, { message: thumb.repeat(40), stream: false });
    expect(thumbs.chat.title).toBe(`${thumb.repeat(29)}…`);
    const families = await create(user, { message: family.repeat(20), stream: false });
    expect(families.chat.title).toBe(`${family.repeat(11)}…`);

    const messages = (await ctx.request().get(`/api/chats/${flags.chat.id}`).set(user.auth)).body
      .messages as { id: string }[];
    // 199 characters; a fork keeps 192 of them before "… (fork)".
    await ctx
      .request()
      .patch(`/api/chats/${flags.chat.id}`)
      .set(user.auth)
      .send({ title: `x${flag.repeat(99)}` })
      .expect(200);
    const forked = await ctx
      .request()
      .post(`/api/chats/${flags.chat.id}/fork`)
      .set(user.auth)
      .send({ messageId: messages.at(-1)!.id });
    expect(forked.status).toBe(201);
    expect(forked.body.title).toBe(`x${flag.repeat(95)}… (fork)`);
  });

  it('when MAX_TITLE_CHARS is small, then a fork keeps its suffix whole, and the title cut to the limit when not one character fits beside it', async () => {
    const chat = await create(user, { message: 'q', stream: false });
    const messages = (await ctx.request().get(`/api/chats/${chat.chat.id}`).set(user.auth)).body
      .messages as { id: string }[];
    const forkTitled = async (title: string) => {
      await Chat.updateOne({ _id: chat.chat.id }, { $set: { title } });
      const forked = await ctx
        .request()
        .post(`/api/chats/${chat.chat.id}/fork`)
        .set(user.auth)
        .send({ messageId: messages.at(-1)!.id });
      expect(forked.status).toBe(201);
      return forked.body.title as string;
    };
    try {
      reloadConfig({ ...process.env, ...CRUD_ENV, MAX_TITLE_CHARS: '10' });
      expect(await forkTitled('😀'.repeat(8))).toBe('😀😀… (fork)');
      expect(await forkTitled('abcdefgh')).toBe('ab… (fork)');
      reloadConfig({ ...process.env, ...CRUD_ENV, MAX_TITLE_CHARS: '8' });
      expect(await forkTitled('😀'.repeat(8))).toBe('😀'.repeat(8));
      expect(await forkTitled('abcdefgh')).toBe('abcdefgh');
    } finally {
      reloadConfig({ ...process.env, ...CRUD_ENV });
    }
  });

  it('when a chat is patched with nothing to change, then 200 with the chat as it is, and nothing is written (updatedAt kept)', async () => {
    const chat = await create(user, { title: 'Unchanged' });
    const before = await Chat.findById(chat.id).lean();
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (const method of ['patch', 'put'] as const) {
      const res = await ctx.request()[method](`/api/chats/${chat.id}`).set(user.auth).send({});
      expect(res.status).toBe(200);
      expect(res.body).toEqual(chat);
    }
    expect(await Chat.findById(chat.id).lean()).toEqual(before);
  });

  it('when a chat is created with `stream` but no message, then 400 VALIDATION_FAILED on stream and no chat is created', async () => {
    const before = await Chat.countDocuments({});
    for (const stream of [true, false]) {
      const res = await ctx.request().post('/api/chats').set(user.auth).send({ stream });
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([
        { path: 'stream', message: expect.stringMatching(/first `message`/) },
      ]);
    }
    expect(await Chat.countDocuments({})).toBe(before);
  });

  it('when a chat is read, then it carries its latest messages oldest first and hasMore with a Link to older ones', async () => {
    const chat = await create(user);
    for (let i = 0; i < 3; i += 1)
      await ctx
        .request()
        .post(`/api/chats/${chat.id}/messages`)
        .set(user.auth)
        .send({ content: `m${i}` });
    const res = await ctx.request().get(`/api/chats/${chat.id}`).set(user.auth);
    expect(res.status).toBe(200);
    expect(res.body.hasMore).toBe(true);
    expect(res.body.messages).toHaveLength(5);
    expect(res.body.messages.map((m: { role: string }) => m.role)).toEqual([
      'assistant',
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
    expect(res.body.messages[1].content).toBe('m1');
    const times = res.body.messages.map((m: { createdAt: string }) => m.createdAt);
    expect([...times].sort()).toEqual(times);
    const link = res.headers.link as string;
    expect(link).toMatch(
      new RegExp(`^</api/chats/${chat.id}/messages\\?cursor=[^>]+>; rel="next"$`),
    );
    const older = await ctx
      .request()
      .get(link.slice(1, link.indexOf('>')))
      .set(user.auth);
    expect(older.status).toBe(200);
    expect(older.body.map((m: { content: string }) => m.content)).toEqual(['m0']);
    expect(older.headers.link).toBeUndefined();
  });

  it('when a chat is patched (and put), then the fields change and unknown fields are refused', async () => {
    const chat = await create(user);
    const patched = await ctx
      .request()
      .patch(`/api/chats/${chat.id}`)
      .set(user.auth)
      .send({ title: 'Renamed', pinned: true, archived: false, systemPrompt: '' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: chat.id, title: 'Renamed', pinned: true });
    const put = await ctx
      .request()
      .put(`/api/chats/${chat.id}`)
      .set(user.auth)
      .send({ pinned: false });
    expect(put.status).toBe(200);
    expect(put.body.pinned).toBe(false);
    const stored = await Chat.findById(chat.id).lean();
    expect(stored).toMatchObject({ title: 'Renamed', pinned: false });
  });

  it('when a chat is deleted, then it and its messages are gone and it answers 404 afterwards', async () => {
    const chat = await create(user);
    await ctx
      .request()
      .post(`/api/chats/${chat.id}/messages`)
      .set(user.auth)
      .send({ content: 'hello' });
    expect(await Message.countDocuments({ chatId: chat.id })).toBe(2);
    const res = await ctx.request().delete(`/api/chats/${chat.id}`).set(user.auth);
    expect(res.status).toBe(204);
    expect(await Chat.countDocuments({ _id: chat.id })).toBe(0);
    expect(await Message.countDocuments({ chatId: chat.id })).toBe(0);
    expect((await ctx.request().get(`/api/chats/${chat.id}`).set(user.auth)).status).toBe(404);
  });

  it("when a first message, a title and a system prompt at their default limits come with every character escaped (as Python's json.dumps writes them), then 201 with all of it stored, and one more character is a 400, never a 413", async () => {
    // ensure_ascii: each UTF-16 unit as \uXXXX, so an emoji (one character) takes 12 bytes.
    const escaped = (body: Record<string, unknown>) =>
      JSON.stringify(body).replace(
        /[\u0080-\uffff]/g,
        (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`,
      );
    const send = (message: string) =>
      ctx
        .request()
        .post('/api/chats')
        .set(user.auth)
        .set('Content-Type', 'application/json')
        .send(
          escaped({
            message,
            title: '😀'.repeat(200),
            systemPrompt: '😀'.repeat(8_000),
            stream: false,
          }),
        );
    const res = await send('😀'.repeat(16_000));
    expect(res.body.error).toBeUndefined();
    expect(res.status).toBe(201);
    const chat = await Chat.findById(res.body.chat.id).lean();
    expect(chat).toMatchObject({ title: '😀'.repeat(200), systemPrompt: '😀'.repeat(8_000) });
    const question = await Message.findById(res.body.messages[0].id).lean();
    expect(question!.content).toBe('😀'.repeat(16_000));

    const over = await send('😀'.repeat(16_001));
    expectError(over, 400, 'VALIDATION_FAILED');
    expect(over.body.error.details).toEqual([{ path: 'message', message: expect.any(String) }]);
  });

  it('when models are listed, then the configured ones come back with the default marked', async () => {
    const res = await ctx.request().get('/api/models').set(user.auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([{ id: 'demo', provider: 'demo', default: true }]);
  });
});

describe('listing chats', () => {
  let lister: TestUser;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    lister = await createUser({ label: 'lister' });
    for (const title of ['alpha', 'beta (1+1)', 'gamma', 'delta', 'epsilon', 'zeta', 'eta']) {
      ids[title] = (await create(lister, { title })).id;
    }
    // Activity: beta gets a message later than all creations; gamma is pinned; eta is archived.
    await ctx
      .request()
      .post(`/api/chats/${ids['beta (1+1)']}/messages`)
      .set(lister.auth)
      .send({ content: 'the word Needle.* is here' });
    await ctx.request().patch(`/api/chats/${ids.gamma}`).set(lister.auth).send({ pinned: true });
    await ctx.request().patch(`/api/chats/${ids.eta}`).set(lister.auth).send({ archived: true });
  });

  const titles = (body: { title: string }[]) => body.map((c) => c.title);

  it('when chats are listed, then pinned come first, then the most recently active, archived left out, Link to the next page', async () => {
    const first = await ctx.request().get('/api/chats?limit=3').set(lister.auth);
    expect(first.status).toBe(200);
    expect(titles(first.body)).toEqual(['gamma', 'beta (1+1)', 'zeta']);
    const link = first.headers.link as string;
    expect(link).toMatch(/^<\/api\/chats\?limit=3&cursor=[A-Za-z0-9_-]+>; rel="next"$/);
    const second = await ctx
      .request()
      .get(link.slice(1, link.indexOf('>')))
      .set(lister.auth);
    expect(titles(second.body)).toEqual(['epsilon', 'delta', 'alpha']);
    expect(second.headers.link).toBeUndefined();
  });

  it('when limit is over the maximum, then it is clamped (PAGE_SIZE_MAX=5 here)', async () => {
    const res = await ctx.request().get('/api/chats?limit=1000').set(lister.auth);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(5);
    expect(res.headers.link).toContain('limit=1000');
  });

  it.each([
    ['abc', 'Expected a whole number in decimal digits, given once'],
    ['1&limit=2', 'Expected a whole number in decimal digits, given once'],
    ['99999999999999999999999', 'Too big: expected int to be <=9007199254740991'],
  ])('when limit is %s, then 400 with one detail saying what is wanted', async (limit, message) => {
    const res = await ctx.request().get(`/api/chats?limit=${limit}`).set(lister.auth);
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.details).toEqual([{ path: 'limit', message }]);
  });

  // Number() reads all of these as 3 (or 1): a client that sends them has a bug to hear about.
  it.each(['0x3', '1e0', '%203', '3%20', '3.0', '%2B3', ''])(
    'when limit is "%s" (not plain decimal digits), then every list answers 400 on limit',
    async (limit) => {
      const lists = [
        '/api/chats',
        '/api/chats?q=alpha',
        `/api/chats/${ids['beta (1+1)']}/messages`,
        `/api/chats/${ids['beta (1+1)']}/messages?view=tree`,
      ];
      for (const list of lists) {
        const res = await ctx
          .request()
          .get(`${list}${list.includes('?') ? '&' : '?'}limit=${limit}`)
          .set(lister.auth);
        expectError(res, 400, 'VALIDATION_FAILED');
        expect(res.body.error.details).toEqual([
          { path: 'limit', message: 'Expected a whole number in decimal digits, given once' },
        ]);
      }
    },
  );

  it('when limit is plain decimal digits, leading zeros included, then it is the page size', async () => {
    const res = await ctx.request().get('/api/chats?limit=03').set(lister.auth);
    expect(res.status).toBe(200);
    expect(titles(res.body)).toEqual(['gamma', 'beta (1+1)', 'zeta']);
  });

  it('when archived=true, then only archived chats are listed', async () => {
    const res = await ctx.request().get('/api/chats?archived=true').set(lister.auth);
    expect(titles(res.body)).toEqual(['eta']);
  });

  it('when q is given, then titles and message text are searched case-insensitively, with regex metacharacters taken literally', async () => {
    expect(titles((await ctx.request().get('/api/chats?q=ALPH').set(lister.auth)).body)).toEqual([
      'alpha',
    ]);
    expect(
      titles(
        (
          await ctx
            .request()
            .get(`/api/chats?q=${encodeURIComponent('needle.*')}`)
            .set(lister.auth)
        ).body,
      ),
    ).toEqual(['beta (1+1)']);
    expect(
      titles(
        (
          await ctx
            .request()
            .get(`/api/chats?q=${encodeURIComponent('(1+1)')}`)
            .set(lister.auth)
        ).body,
      ),
    ).toEqual(['beta (1+1)']);
    const everything = await ctx
      .request()
      .get(`/api/chats?q=${encodeURIComponent('.*')}`)
      .set(lister.auth);
    expect(everything.status).toBe(200);
    expect(titles(everything.body)).toEqual(['beta (1+1)']);
    const unbalanced = await ctx
      .request()
      .get(`/api/chats?q=${encodeURIComponent('[(\\')}`)
      .set(lister.auth);
    expect(unbalanced.status).toBe(200);
    expect(unbalanced.body).toEqual([]);
  });

  it('when the cursor is garbage, then 400, never 500', async () => {
    const res = await ctx.request().get('/api/chats?cursor=%7B%24gt%3A1%7D').set(lister.auth);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('when another user lists, then none of these chats appear whatever the query', async () => {
    for (const query of ['', '?q=alpha', '?archived=true']) {
      const res = await ctx.request().get(`/api/chats${query}`).set(user.auth);
      expect(res.status).toBe(200);
      expect(res.body.some((c: { id: string }) => Object.values(ids).includes(c.id))).toBe(false);
    }
    // Naming the owner is not a parameter: refused, not ignored.
    const named = await ctx.request().get(`/api/chats?userId=${lister.id}`).set(user.auth);
    expect(named.status).toBe(400);
    expect(named.body.error.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(named.body.error.details)).toContain('userId');
  });

  it('when a list or a chat is read with a query parameter it does not take (even one without a name), then 400 naming it', async () => {
    const chatId = Object.values(ids)[0]!;
    for (const path of [
      '/api/chats?sort=title',
      `/api/chats/${chatId}?=x&=y`,
      `/api/chats/${chatId}/messages?include=all`,
    ]) {
      const res = await ctx.request().get(path).set(lister.auth);
      expect(res.status, path).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
  });
});
