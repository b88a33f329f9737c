import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { startFerretdb, type EmbeddedDatabase } from '../../src/lib/db/embedded.js';
import { databaseUri, startInstance, type Instance } from '../helpers/instances.js';
import { openStream } from '../helpers/sse.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';
import { eventually, newChat, portOf, post, userOn, withDatabase } from './cluster-helpers.js';

/**
 * A real server process on a database of this file's own, which the tests stop and start again on
 * the same port and data folder. (tests/db/database-down.test.ts covers the auth routes in-process;
 * this adds the process that must stay up, the chat routes, and a reply that cannot be stored.)
 */
const log = { info: () => undefined, warn: () => undefined };
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sigmagpt-outage-'));
let database: EmbeddedDatabase | null;
let dbPort: number;
let uri: string;
let upstream: Upstream;
let server: Instance;

beforeAll(async () => {
  database = await startFerretdb({ dataDir, log });
  dbPort = Number(new URL(database.uri).port);
  uri = databaseUri(database.uri, 'outage');
  upstream = await startUpstream();
  server = await startInstance({
    MONGODB_URI: uri,
    OPENAI_BASE_URL: upstream.url,
    OPENAI_API_KEY: 'test-key',
    MODELS: 'scripted-model',
    UPSTREAM_MAX_RETRIES: '0',
    MESSAGES_PER_MINUTE: '1000',
    // A reply's final write is tried again for half the lease time (3 s here) before its stream
    // ends with the outage's error.
    GENERATION_LEASE_SECONDS: '6',
  });
}, 60_000);

afterAll(async () => {
  await server?.stop('SIGKILL');
  await upstream?.close();
  await database?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function stopDatabase() {
  await database!.stop();
  database = null;
}
async function startDatabase() {
  database = await startFerretdb({ dataDir, log, port: dbPort });
}

async function timed(
  request: () => Promise<Response>,
): Promise<{ res: Response; ms: number; body: any }> {
  const started = Date.now();
  const res = await request();
  const text = await res.text();
  const ms = Date.now() - started;
  return { res, ms, body: text.startsWith('{') ? JSON.parse(text) : text };
}

const get = (pathname: string, token?: string) =>
  fetch(`${server.url}${pathname}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
const alive = () => server.child.exitCode === null && server.child.signalCode === null;
/** The end of the server's log (warnings and errors), for the message of a failed check. */
const serverLog = () => `server log:\n${server.output().slice(-6000)}`;

// Failing fast means waiting at most one server-selection timeout (DB_SERVER_SELECTION_TIMEOUT_MS,
// 1.5 s), not mongoose's 10 s command buffering or the driver's 30 s default. The bound sits between
// them: the 1.5 s plus room for scheduling delays on a loaded machine (a run beside a CPU hog took
// 2.1 s), still far below the 10 s a wait on the database would take.
const FAIL_FAST_MS = 5000;

describe('when the database stops and comes back', () => {
  it('then API calls fail fast with 503 JSON, /readyz 503, /healthz 200, the process stays up, and it recovers by itself', async () => {
    const user = await userOn(server, 'outage');
    const chatId = await newChat(server, user.accessToken);
    const first = await post(
      `${server.url}/api/chats/${chatId}/messages`,
      { content: 'before', stream: false },
      user.accessToken,
    );
    expect(first.status).toBe(201);

    await stopDatabase();

    const calls: [string, () => Promise<Response>][] = [
      ['list chats', () => get('/api/chats', user.accessToken)],
      ['read a chat', () => get(`/api/chats/${chatId}`, user.accessToken)],
      [
        'send a message (JSON)',
        () =>
          post(
            `${server.url}/api/chats/${chatId}/messages`,
            { content: 'during', stream: false },
            user.accessToken,
          ),
      ],
      // The stream is not opened before the message is stored, so this is a JSON error too.
      [
        'send a message (stream)',
        () =>
          post(
            `${server.url}/api/chats/${chatId}/messages`,
            { content: 'during', stream: true },
            user.accessToken,
          ),
      ],
      ['new chat', () => post(`${server.url}/api/chats`, { title: 'x' }, user.accessToken)],
      ['stop', () => post(`${server.url}/api/chats/${chatId}/stop`, {}, user.accessToken)],
    ];
    for (const [name, call] of calls) {
      const { res, ms, body } = await timed(call);
      expect(res.status, name).toBe(503);
      expect(res.headers.get('content-type'), name).toMatch(/^application\/json/);
      expect(body.error.code, name).toBe('SERVICE_UNAVAILABLE');
      expect(JSON.stringify(body), name).not.toMatch(
        /Mongo|ECONNREFUSED|127\.0\.0\.1|ferret|stack/i,
      );
      expect(ms, name).toBeLessThan(FAIL_FAST_MS);
    }
    const ready = await timed(() => get('/readyz'));
    expect(ready.res.status).toBe(503);
    expect(ready.ms).toBeLessThan(FAIL_FAST_MS);
    expect((await get('/healthz')).status).toBe(200);
    expect(upstream.requests).toHaveLength(1); // nothing reached the model while the message could not be stored
    expect(alive()).toBe(true);

    await startDatabase();
    const deadline = Date.now() + 20_000;
    let again = await get('/api/chats', user.accessToken);
    while (again.status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      again = await get('/api/chats', user.accessToken);
    }
    expect(again.status).toBe(200);
    expect(((await again.json()) as { id: string }[]).map((c) => c.id)).toEqual([chatId]);
    // Readiness answers from a ping at most a second old (READY_CACHE_MS) that gives up after
    // 1.5 s: just after the database is back it may still say 503 (an answer cached from the
    // outage, or a first ping slower than its timeout on a loaded machine). It must turn 200 by
    // itself.
    const readyBy = Date.now() + 5_000;
    let readyAgain = await get('/readyz');
    while (readyAgain.status !== 200 && Date.now() < readyBy) {
      await new Promise((r) => setTimeout(r, 100));
      readyAgain = await get('/readyz');
    }
    expect(readyAgain.status).toBe(200);
    const after = await post(
      `${server.url}/api/chats/${chatId}/messages`,
      { content: 'after', stream: false },
      user.accessToken,
    );
    expect(after.status).toBe(201);
    expect(alive()).toBe(true);
    await withDatabase(uri, async (db) => {
      const messages = await db
        .collection('messages')
        .find({ chatId: new db.base.Types.ObjectId(chatId) })
        .sort({ createdAt: 1 })
        .toArray();
      expect(messages.map((m) => [m.role, m.content.slice(0, 6), m.status])).toEqual([
        ['user', 'before', 'complete'],
        ['assistant', 'Hello ', 'complete'],
        ['user', 'after', 'complete'],
        ['assistant', 'Hello ', 'complete'],
      ]);
    });
  }, 60_000);

  it('when the database stops while a reply streams, then the stream ends with an error event SERVICE_UNAVAILABLE, the process stays up, and the slot comes back', async () => {
    const user = await userOn(server, 'outage-stream');
    const chatId = await newChat(server, user.accessToken);
    // The reply stays open after its chunks until the database has shut down.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    upstream.setDefault({
      chunks: Array.from({ length: 10 }, (_, i) => `w${i} `),
      holdUntil: held,
    });
    const s = openStream(portOf(server), `/api/chats/${chatId}/messages`, user.accessToken, {
      content: 'store me',
      stream: true,
    });
    await s.waitFor(() => s.events.filter((e) => e.event === 'delta').length >= 3, 10_000);

    await stopDatabase();
    release();
    await s.ended;
    const finals = s.events.filter((e) => e.event === 'done' || e.event === 'error');
    expect(finals).toHaveLength(1);
    expect(finals[0]!.event).toBe('error');
    expect(finals[0]!.data.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(finals[0]!.data.error.message).not.toMatch(/Mongo|ECONNREFUSED|127\.0\.0\.1|ferret/i);
    // The reply the client saw is kept in the event, but not presented as a finished, stored answer.
    const partial = s.events
      .filter((e) => e.event === 'delta')
      .map((e) => e.data.content)
      .join('');
    expect(finals[0]!.data.message).toMatchObject({
      status: 'error',
      content: partial,
      error: { code: 'SERVICE_UNAVAILABLE' },
    });
    expect((await get('/healthz')).status).toBe(200);
    expect(alive()).toBe(true);

    await startDatabase();
    const deadline = Date.now() + 20_000;
    let readyStatus = (await get('/readyz')).status;
    while (readyStatus !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      readyStatus = (await get('/readyz')).status;
    }
    // A server that does not reconnect would otherwise show only as the slot check below failing.
    expect(readyStatus, serverLog()).toBe(200);
    // Its final state was never stored (it said so); the question was, and the reply as far as its
    // last checkpoint before the database went away.
    await withDatabase(uri, async (db) => {
      const messages = await db
        .collection('messages')
        .find({ chatId: new db.base.Types.ObjectId(chatId) })
        .sort({ createdAt: 1 })
        .toArray();
      expect(messages.map((m) => m.role)).toEqual(['user', 'assistant']);
      // (`incomplete` already if the periodic sweep got to it first.)
      expect(['streaming', 'incomplete']).toContain(messages[1]!.status);
      expect(partial.startsWith(messages[1]!.content)).toBe(true);
    });
    // Its call is charged once all the same: the reply's write failed, so the runner put the
    // charge into the ledger, retried until the database was back (a sweep finishing the reply
    // first would have made the one entry itself; either way the ledger's key keeps it one).
    const replyId = new ObjectId(
      s.events.find((e) => e.event === 'meta')!.data.assistantMessage.id,
    );
    const charged = () =>
      withDatabase(uri, (db) => db.collection('usage').find({ _id: replyId }).toArray());
    const [entry] = await eventually(charged, (rows) => rows.length === 1, 15_000);
    expect(entry, serverLog()).toMatchObject({ chatId: new ObjectId(chatId), kind: 'reply' });
    expect(entry!.totalTokens).toBeGreaterThan(0);
    // The slot of the failed reply is freed once the database is back, not only when its lease
    // lapses (GENERATION_LEASE_SECONDS, 60 s): both slots serve again.
    const leases = await eventually(
      () =>
        withDatabase(uri, (db) =>
          db
            .collection('generations')
            .countDocuments({ userId: new db.base.Types.ObjectId(user.id) }),
        ),
      (n) => n === 0,
      15_000,
    );
    expect(leases, serverLog()).toBe(0);
    // Its lease gone, the reply is finished as interrupted when the chat is read.
    const chat = (await (await get(`/api/chats/${chatId}`, user.accessToken)).json()) as {
      messages: { role: string; status: string; error: { code: string } | null }[];
    };
    expect(chat.messages[1]).toMatchObject({
      status: 'incomplete',
      error: { code: 'INTERRUPTED' },
    });
    // Finishing it charged nothing more, and the reply holds no charge of its own.
    expect(await charged()).toHaveLength(1);
    await withDatabase(uri, async (db) => {
      const reply = await db.collection('messages').findOne({ _id: replyId });
      expect(reply).not.toHaveProperty('charge');
    });
    upstream.setDefault({ chunks: ['fine'] });
    const replies = await Promise.all(
      [0, 1].map((i) =>
        post(
          `${server.url}/api/chats/${chatId}/messages`,
          { content: `again ${i}`, stream: false },
          user.accessToken,
        ),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual([201, 201]);
    expect(alive()).toBe(true);
  }, 60_000);

  it('when the database stops answering (up, but silent), then API calls get 503 JSON within the bound all the same, and it recovers once the database answers', async () => {
    const user = await userOn(server, 'outage-silent');
    const chatId = await newChat(server, user.accessToken);
    const pid = database!.pid!;
    // A database host or network that drops packets: connections stay open, nothing comes back.
    process.kill(pid, 'SIGSTOP');
    try {
      // Sent at once, while this instance still takes the database to be up.
      const calls = await Promise.all(
        [0, 250, 500, 1000].map(async (delay) => {
          await new Promise((r) => setTimeout(r, delay));
          return timed(() => get(`/api/chats/${chatId}`, user.accessToken));
        }),
      );
      for (const { res, ms, body } of calls) {
        expect(res.status).toBe(503);
        expect(body.error.code).toBe('SERVICE_UNAVAILABLE');
        expect(ms).toBeLessThan(FAIL_FAST_MS);
      }
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const back = await eventually(
      () => get(`/api/chats/${chatId}`, user.accessToken),
      (res) => res.status === 200,
      20_000,
    );
    expect(back.status, serverLog()).toBe(200);
    expect(alive()).toBe(true);
  }, 60_000);
});
