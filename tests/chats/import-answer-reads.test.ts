import type { CommandStartedEvent } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { monitoredClient, named } from '../helpers/commands.js';
import { createUser, type TestUser } from '../helpers/users.js';

/**
 * The 201 of POST /api/chats/import is the page GET /api/chats/:id shows, made from the messages
 * the import has just stored rather than read back: on the embedded FerretDB a read of a chat's
 * messages decodes every message of every user (two such reads took 7.5 s after a 3,000-message
 * import, and every other user's request waited on the database meanwhile).
 */
const ctx = useChatApp({
  RATE_LIMITS_ENABLED: 'false',
  TITLES: 'off',
  PAGE_SIZE_MAX: '3',
  DB_COMMAND_METRICS: 'true',
});

const at = (s: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, s)).toISOString();
const base = { model: null, finishReason: null, usage: null, error: null, stopReason: null };
const question = (id: string, parentId: string | null, s: number, content: string) => ({
  ...base,
  id,
  chatId: 'c1',
  parentId,
  role: 'user',
  content,
  status: 'complete',
  createdAt: at(s),
});
const answer = (id: string, parentId: string, s: number, content: string, status = 'complete') => ({
  ...base,
  model: 'test-model',
  finishReason: status === 'complete' ? 'stop' : null,
  usage: { promptTokens: 3, completionTokens: 4, totalTokens: 7 },
  id,
  chatId: 'c1',
  parentId,
  role: 'assistant',
  content,
  status,
  createdAt: at(s),
});

/**
 * q1 → a1 → q2 → a2, a2 answered again (a2b, streaming when exported), q2 edited (q2b → a2c →
 * q3 → a3): the active branch, named, is longer than a page (PAGE_SIZE_MAX 3) and passes by an
 * answer with a sibling.
 */
const branchedExport = (activeLeafId = 'a3') => ({
  chat: {
    id: 'c1',
    title: 'Answered from memory',
    pinned: true,
    archived: false,
    model: 'test-model',
    systemPrompt: 'Be brief.',
    createdAt: at(0),
    updatedAt: at(20),
    lastMessageAt: at(20),
    activeLeafId,
  },
  exportedAt: at(30),
  messages: [
    question('q1', null, 1, 'first question'),
    answer('a1', 'q1', 2, 'first answer'),
    question('q2', 'a1', 3, 'second question'),
    answer('a2', 'q2', 4, 'second answer'),
    answer('a2b', 'q2', 5, 'second answer again', 'streaming'),
    question('q2b', 'a1', 6, 'second question edited'),
    answer('a2c', 'q2b', 7, 'edited answer'),
    question('q3', 'a2c', 8, 'third question'),
    answer('a3', 'q3', 9, 'third answer'),
  ],
});

/** The commands the app sent while `run` ran, as `name:collection`. */
async function commandsWhile<T>(run: () => Promise<T>): Promise<{ result: T; sent: string[] }> {
  const client = monitoredClient();
  const sent: string[] = [];
  const started = (event: CommandStartedEvent) => sent.push(named(event));
  client.on('commandStarted', started);
  try {
    return { result: await run(), sent };
  } finally {
    client.off('commandStarted', started);
  }
}

const importAs = (user: TestUser, body: unknown, key?: string) => {
  const req = ctx.request().post('/api/chats/import').set(user.auth);
  if (key) req.set('Idempotency-Key', key);
  return req.send(body as object);
};

describe('POST /api/chats/import, its answer', () => {
  it('when a branched chat longer than a page is imported, then the 201 is the page GET shows (siblings, next link) and no message was read back to make it', async () => {
    const user = await createUser({ label: 'reads' });
    const { result: res, sent } = await commandsWhile(() => importAs(user, branchedExport()));
    expect(res.status).toBe(201);
    expect(sent).toContain('insert:messages');
    expect(sent.filter((c) => c === 'find:messages')).toEqual([]);

    const id = res.body.id as string;
    const shown = await ctx.request().get(`/api/chats/${id}`).set(user.auth).expect(200);
    expect(res.body).toEqual(shown.body);
    expect(res.headers.link).toBe(shown.headers.link);
    expect(res.body.hasMore).toBe(true);
    expect(res.body.messages.map((m: { content: string }) => m.content)).toEqual([
      'edited answer',
      'third question',
      'third answer',
    ]);
    // The edited answer's question has a sibling: the page's first message shows its own.
    expect(res.body.messages[0].siblingIds).toHaveLength(1);
    // What the database holds is what the answer showed.
    const stored = await Message.countDocuments({ chatId: new Types.ObjectId(id) });
    expect(stored).toBe(9);
  });

  it('when the active leaf named is a question with answers below it, then the 201 ends at its newest answer, as GET does', async () => {
    const user = await createUser({ label: 'leaf' });
    const res = await importAs(user, branchedExport('q2')).expect(201);
    const shown = await ctx.request().get(`/api/chats/${res.body.id}`).set(user.auth).expect(200);
    expect(res.body).toEqual(shown.body);
    expect(res.body.messages.map((m: { content: string }) => m.content)).toEqual([
      'first answer',
      'second question',
      'second answer again',
    ]);
    // Exported while streaming, it is stored and shown cut off.
    expect(res.body.messages[2].status).toBe('incomplete');
    expect(res.body.messages[2].siblingIds).toHaveLength(2);
  });

  it('when an import is repeated under its Idempotency-Key, then the repeat answers the same page as the first', async () => {
    const user = await createUser({ label: 'keyed' });
    const first = await importAs(user, branchedExport(), 'answer-key').expect(201);
    const again = await importAs(user, branchedExport(), 'answer-key').expect(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.link).toBe(first.headers.link);
  });
});
