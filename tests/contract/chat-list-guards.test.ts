import type { CommandStartedEvent } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { useTestApp } from '../helpers/app.js';
import { monitoredClient, named } from '../helpers/commands.js';
import { publishedSchemas } from '../helpers/published.js';
import { createUser, type TestUser } from '../helpers/users.js';

/**
 * Guard rails for whoever adds a filter or a field to chats: each reads what the description
 * publishes (or what the list's query asks of the database), so a new query parameter or a new
 * field is checked without this file knowing its name.
 */
const ctx = useTestApp({
  OPENAI_API_KEY: '',
  MODELS: 'demo',
  CHAT_WRITES_PER_MINUTE: '1000',
  SEARCHES_PER_MINUTE: '1000',
  TITLES: 'off',
  DB_COMMAND_METRICS: 'true',
});

type Json = Record<string, unknown>;
interface Parameter {
  name: string;
  in: string;
  schema?: { enum?: string[]; type?: string };
}

let user: TestUser;
let document: Json;

beforeAll(async () => {
  user = await createUser({ label: 'guards' });
  for (const title of ['plan a', 'plan b', 'other c'])
    expect((await ctx.request().post('/api/chats').set(user.auth).send({ title })).status).toBe(
      201,
    );
  document = (await ctx.request().get('/api/openapi.json').expect(200)).body;
});

/** The query parameters GET /api/chats publishes, with the values worth trying for each. */
function filters(): [string, string[]][] {
  const paths = document.paths as Record<string, Record<string, { parameters?: Parameter[] }>>;
  const params = (paths['/api/chats']!.get!.parameters ?? []).filter(
    (p) => p.in === 'query' && p.name !== 'limit' && p.name !== 'cursor',
  );
  return params.map((p) => [p.name, p.schema?.enum ?? ['plan']]);
}

const list = (query: Record<string, string>) =>
  ctx.request().get('/api/chats').query(query).set(user.auth);
const ids = (res: { body: { id: string }[] }) => res.body.map((c) => c.id);

describe('GET /api/chats: every filter goes with its cursor', () => {
  it('when a cursor of the unfiltered list is given with any published filter that changes the list, then 400 on cursor (the filter is in the cursor scope)', async () => {
    const all = await list({});
    const first = await list({ limit: '1' });
    const cursor = /[?&]cursor=([^&>]+)/.exec(first.headers.link ?? '')![1]!;
    const tried: string[] = [];
    for (const [name, values] of filters()) {
      for (const value of values) {
        const filtered = await list({ [name]: value });
        expect(filtered.status, `GET /api/chats?${name}=${value}`).toBe(200);
        // The same list under another spelling (archived=false) may go on with the same cursor.
        if (JSON.stringify(ids(filtered)) === JSON.stringify(ids(all))) continue;
        tried.push(`${name}=${value}`);
        const res = await list({ [name]: value, cursor });
        expect(
          [res.status, res.body.error?.details],
          `GET /api/chats?${name}=${value} read a cursor of the unfiltered list as a position in its own: add \`${name}\` to the list's cursor scope (chats.service listChats \`scope\`; lib/http/cursor.ts)`,
        ).toEqual([400, [{ path: 'cursor', message: 'Invalid cursor' }]]);
      }
    }
    // The check has teeth: at least the search and the archive filter changed the list.
    expect(tried.length).toBeGreaterThanOrEqual(2);
  });
});

describe('GET /api/chats: an index serves every filter and the order', () => {
  it('when the list is read with any published filter but a search, then some index of Chat starts with its filtered fields, then its sort', async () => {
    const seen: CommandStartedEvent[] = [];
    const client = monitoredClient();
    const note = (event: CommandStartedEvent) => {
      if (named(event) === 'find:chats') seen.push(event);
    };
    client.on('commandStarted', note);
    try {
      await list({});
      for (const [name, values] of filters())
        if (name !== 'q') for (const value of values) await list({ [name]: value });
    } finally {
      client.off('commandStarted', note);
    }
    expect(seen.length).toBeGreaterThan(0);
    const indexes = Chat.schema.indexes().map(([keys]) => Object.entries(keys as Json));
    for (const { command } of seen) {
      const filtered = Object.keys(command.filter as Json).filter((k) => !k.startsWith('$'));
      // The driver sends the sort as a Map (its order is the order of the keys).
      const sort: [string, unknown][] =
        command.sort instanceof Map ? [...command.sort.entries()] : Object.entries(command.sort);
      expect(sort.length, 'the list has an order').toBeGreaterThan(0);
      const served = indexes.some(
        (keys) =>
          keys.length >= filtered.length + sort.length &&
          filtered.every((f) => keys.slice(0, filtered.length).some(([k]) => k === f)) &&
          sort.every(([k, dir], i) => {
            const at = keys[filtered.length + i];
            return at !== undefined && at[0] === k && at[1] === dir;
          }),
      );
      expect(
        served,
        `find:chats filters on ${JSON.stringify(filtered)} and sorts by ${JSON.stringify(sort)}, and no index of Chat (chat.model.ts) has those fields first, then that sort: declare one (MongoDB reads the whole collection otherwise)`,
      ).toBe(true);
    }
  });
});

describe('a chat as the oldest supported version stored it', () => {
  /**
   * What the first version stored (README, Upgrades: chats stored by earlier versions are read as
   * they left them). Never add a field here when the model gains one: a field added later is
   * absent from these documents, and must be read right without it (a default in the mapper, a
   * filter that matches its absence, or a backfill).
   */
  const storedByTheFirstVersion = (userId: string, title: string) => {
    const now = new Date(Date.now() - 60_000);
    return {
      _id: new Types.ObjectId(),
      userId: new Types.ObjectId(userId),
      title,
      pinned: false,
      archived: false,
      model: 'demo',
      systemPrompt: '',
      lastMessageAt: now,
      createdAt: now,
      updatedAt: now,
    };
  };

  it('when such a chat is read, listed, searched and changed, then every answer is the published Chat', async () => {
    const owner = await createUser({ label: 'older' });
    const doc = storedByTheFirstVersion(owner.id, 'Heirloom tomatoes');
    await Chat.collection.insertOne(doc);
    const id = String(doc._id);
    const published = publishedSchemas(document);

    const listed = await ctx.request().get('/api/chats').set(owner.auth);
    expect(listed.status).toBe(200);
    expect(ids(listed), 'an older chat is missing from the default list').toEqual([id]);
    published.check('Chat', listed.body[0], 'GET /api/chats item');

    const found = await ctx.request().get('/api/chats').query({ q: 'heirloom' }).set(owner.auth);
    expect(ids(found)).toEqual([id]);

    const read = await ctx.request().get(`/api/chats/${id}`).set(owner.auth);
    expect(read.status).toBe(200);
    const { messages: _messages, hasMore: _hasMore, ...chat } = read.body;
    published.check('Chat', chat, 'GET /api/chats/:id');

    const changed = await ctx
      .request()
      .patch(`/api/chats/${id}`)
      .set(owner.auth)
      .send({ title: 'Heirloom tomatoes, 2026' });
    expect(changed.status).toBe(200);
    published.check('Chat', changed.body, 'PATCH /api/chats/:id');
  });
});
