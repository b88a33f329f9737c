import { vi } from 'vitest';
import mongoose, { Types } from '../../src/lib/db/mongoose.js';
import { config } from '../../src/lib/config.js';
import { branchTurns } from '../../src/modules/chats/branch.service.js';
import { Tree } from '../../src/modules/chats/branch.tree.js';
import { Chat, type ChatDoc } from '../../src/modules/chats/chat.model.js';
import { ChatDeletion } from '../../src/modules/chats/chat-deletion.model.js';
import { ChatSlot } from '../../src/modules/chats/chat-slot.model.js';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { GenerationFlag } from '../../src/modules/chats/generation/generation-flag.model.js';
import { runningGenerations } from '../../src/modules/chats/generation/registry.js';
import { IdempotencyKey } from '../../src/modules/chats/idempotency.model.js';
import { Message, type MessageDoc } from '../../src/modules/chats/message.model.js';
import { ReplyReader } from '../../src/modules/chats/reply-reader.model.js';
import { UsageEntry } from '../../src/modules/usage/usage.model.js';
import { openSse } from './sse.js';
import type { Upstream } from './upstream.js';
import type { TestUser } from './users.js';

/**
 * A model-based check of the data's invariants (tests/chats/invariants.test.ts and
 * tests/cluster/invariants-two-instances.test.ts): from a seeded PRNG, several users each run a
 * mix of every chat operation concurrently on a few chats, through plain HTTP to one instance or
 * several (each request to one picked at random). Once all of it has ended, the database is read
 * directly (through this process's Mongoose connection, which must be on the instances' database)
 * and every invariant the data keeps is checked, and what the API shows is compared with it.
 */
export interface Workload {
  /** Base URLs of the instances (`http://127.0.0.1:<port>`). */
  urls: string[];
  /** The scripted model every instance talks to. */
  upstream: Upstream;
  /** Delay between the scripted model's chunks. */
  delayMs: number;
}

/** A fetch-based request with a supertest-like shape: `client(url, headers).post(path).send(body)`. */
function client(base: string, headers: Record<string, string>) {
  const call = (method: string, path: string) => ({
    async send(body?: unknown): Promise<{ status: number; body: any }> {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...headers,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // an export's Markdown, an event stream
      }
      return { status: res.status, body: parsed };
    },
  });
  return {
    get: (path: string) => call('GET', path),
    post: (path: string) => call('POST', path),
    patch: (path: string) => call('PATCH', path),
    delete: (path: string) => call('DELETE', path),
  };
}

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick<T>(items: readonly T[]): T | undefined {
      return items.length === 0 ? undefined : items[Math.floor(next() * items.length)];
    },
  };
}
export type Rng = ReturnType<typeof prng>;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const OPS = [
  'create',
  'createWithMessage',
  'sendJson',
  'sendStream',
  'sendStreamLeave',
  'stop',
  'regenerate',
  'continue',
  'edit',
  'editRoot',
  'switch',
  'deleteMessage',
  'fork',
  'deleteChat',
  'rename',
  'export',
  'modelFailure',
] as const;
type Op = (typeof OPS)[number];

/** What one step did, for the log of a failing seed. */
export interface Step {
  user: number;
  op: Op;
  chat?: string;
  target?: string;
  status?: number;
}

async function chatsOf(user: TestUser): Promise<string[]> {
  const chats = await Chat.find({ userId: user.id }, { _id: 1 }).lean();
  return chats.map((c) => String(c._id));
}

async function messagesOf(chatId: string, role?: 'user' | 'assistant') {
  const rows = await Message.find(
    { chatId: new Types.ObjectId(chatId), ...(role ? { role } : {}) },
    { _id: 1, status: 1 },
  ).lean();
  return rows;
}

/** Runs one operation of `user`, chosen by `rng`; never throws for an answer the API may give. */
export async function runOp(w: Workload, rng: Rng, u: number, user: TestUser, log: Step[]) {
  const op = OPS[rng.int(OPS.length)]!;
  const step: Step = { user: u, op };
  log.push(step);
  const chats = await chatsOf(user);
  const chat = rng.pick(chats);
  step.chat = chat;
  // Some requests carry an Idempotency-Key from a small pool (so keys are reused, with the same
  // body or another), and some of those are sent twice at once, as a client retrying.
  const key = rng.next() < 0.3 ? `k${u}-${rng.int(4)}` : undefined;
  const twice = key !== undefined && rng.next() < 0.5;
  const base = rng.pick(w.urls)!;
  const auth: Record<string, string> = key ? { ...user.auth, 'Idempotency-Key': key } : user.auth;
  const req = () => client(base, auth);
  const both = async (send: () => Promise<{ status: number }>) => {
    const answers = await Promise.all(twice ? [send(), send()] : [send()]);
    step.status = answers[0].status;
  };
  const text = `m${rng.int(1000)}`;
  // A third of the answers from here on are cut by the token limit: continuable.
  w.upstream.setDefault({
    chunks: ['Hel', 'lo', ' there'],
    delayMs: w.delayMs,
    ...(rng.next() < 0.35 ? { finishReason: 'length' } : {}),
  });
  const streamTo = async (path: string, body: object, leaveAfterDelta: boolean) => {
    const one = async () => {
      const client = openSse(Number(new URL(base).port), {
        path,
        token: user.accessToken,
        method: 'POST',
        body: { ...body, stream: true },
        headers: key ? { 'Idempotency-Key': key } : {},
      });
      if (leaveAfterDelta) {
        await Promise.race([
          client.waitForEvent('delta', 3000).catch(() => undefined),
          client.ended,
        ]);
        client.close();
      } else {
        await client.ended;
      }
      return client;
    };
    await both(one);
  };
  switch (op) {
    case 'create': {
      step.status = (await req().post('/api/chats').send({ title: text })).status;
      return;
    }
    case 'createWithMessage': {
      if (rng.next() < 0.5) await both(() => req().post('/api/chats').send({ message: text }));
      else await streamTo('/api/chats', { message: text }, rng.next() < 0.3);
      return;
    }
    case 'sendJson':
    case 'sendStream':
    case 'sendStreamLeave': {
      if (!chat) return;
      if (op === 'sendJson')
        await both(() => req().post(`/api/chats/${chat}/messages`).send({ content: text }));
      else
        await streamTo(`/api/chats/${chat}/messages`, { content: text }, op === 'sendStreamLeave');
      return;
    }
    case 'stop': {
      if (!chat) return;
      step.status = (await req().post(`/api/chats/${chat}/stop`).send()).status;
      return;
    }
    case 'regenerate':
    case 'continue': {
      if (!chat) return;
      const target = rng.pick(await messagesOf(chat, op === 'continue' ? 'assistant' : undefined));
      if (!target) return;
      step.target = String(target._id);
      const path = `/api/chats/${chat}/messages/${String(target._id)}/${op}`;
      if (rng.next() < 0.5) await both(() => req().post(path).send({}));
      else await streamTo(path, {}, rng.next() < 0.3);
      return;
    }
    case 'edit':
    case 'editRoot': {
      if (!chat) return;
      let parentId: string | null = null;
      if (op === 'edit') {
        const target = rng.pick(await messagesOf(chat, 'assistant'));
        if (!target) return;
        parentId = String(target._id);
      }
      step.target = String(parentId);
      if (rng.next() < 0.5)
        await both(() =>
          req().post(`/api/chats/${chat}/messages`).send({ content: text, parentId }),
        );
      else await streamTo(`/api/chats/${chat}/messages`, { content: text, parentId }, false);
      return;
    }
    case 'switch': {
      if (!chat) return;
      const target = rng.pick(await messagesOf(chat));
      if (!target) return;
      step.target = String(target._id);
      step.status = (
        await req()
          .patch(`/api/chats/${chat}`)
          .send({ activeLeafId: String(target._id) })
      ).status;
      return;
    }
    case 'deleteMessage': {
      if (!chat) return;
      const target = rng.pick(await messagesOf(chat));
      if (!target) return;
      step.target = String(target._id);
      step.status = (
        await req()
          .delete(`/api/chats/${chat}/messages/${String(target._id)}`)
          .send()
      ).status;
      return;
    }
    case 'fork': {
      if (!chat) return;
      const target = rng.pick(await messagesOf(chat));
      if (!target) return;
      step.target = String(target._id);
      await both(() =>
        req()
          .post(`/api/chats/${chat}/fork`)
          .send({ messageId: String(target._id) }),
      );
      return;
    }
    case 'deleteChat': {
      // Rarer than the rest, so the chats live long enough to be worked on.
      if (!chat || rng.next() < 0.5) return;
      step.status = (await req().delete(`/api/chats/${chat}`).send()).status;
      return;
    }
    case 'rename': {
      if (!chat) return;
      step.status = (
        await req()
          .patch(`/api/chats/${chat}`)
          .send({ title: `title ${text}`, ...(rng.next() < 0.3 ? { systemPrompt: text } : {}) })
      ).status;
      return;
    }
    case 'export': {
      if (!chat) return;
      const format = rng.next() < 0.5 ? 'json' : 'markdown';
      step.status = (await req().get(`/api/chats/${chat}/export?format=${format}`).send()).status;
      return;
    }
    case 'modelFailure': {
      // The next model call (whichever request makes it) fails mid-stream or at once.
      const kind = rng.int(3);
      w.upstream.script(
        kind === 0
          ? { chunks: ['part', 'ial', 'more'], delayMs: 15, failAfter: 2, failWith: 'error-event' }
          : kind === 1
            ? { chunks: ['cut', ' off'], delayMs: 15, failAfter: 1, failWith: 'close' }
            : { status: 500 },
      );
      return;
    }
  }
}

/** Waits until nothing is generated any more and no reply is left streaming. */
export async function allWorkEnded(withinMs = 15_000) {
  const giveUpAt = Date.now() + withinMs;
  while (Date.now() < giveUpAt) {
    const streaming = await Message.countDocuments({ status: 'streaming' });
    const leases = await Generation.countDocuments({});
    if (runningGenerations() === 0 && streaming === 0 && leases === 0) return;
    await sleep(50);
  }
}

const idOf = (id: { toString(): string } | null | undefined) => (id == null ? null : String(id));

/** Every invariant the data keeps; returns the violations found (empty: all hold). */
export async function violations(w: Workload, users: TestUser[]): Promise<string[]> {
  const found: string[] = [];
  const userIds = users.map((u) => new Types.ObjectId(u.id));
  const chats = await Chat.collection.find({ userId: { $in: userIds } }).toArray();
  const chatIds = new Set(chats.map((c) => String(c._id)));
  const messages = (await Message.collection
    .find({ userId: { $in: userIds } })
    .toArray()) as unknown as MessageDoc[];
  const byId = new Map(messages.map((m) => [String(m._id), m]));

  for (const m of messages) {
    const at = `message ${String(m._id)} (${m.role} ${JSON.stringify(m.content.slice(0, 20))})`;
    if (!chatIds.has(String(m.chatId))) found.push(`${at}: its chat ${String(m.chatId)} is gone`);
    if (m.parentId) {
      const parent = byId.get(String(m.parentId));
      if (!parent) found.push(`${at}: its parent ${String(m.parentId)} is gone`);
      else if (String(parent.chatId) !== String(m.chatId))
        found.push(`${at}: its parent is in another chat`);
      else if (parent.role === m.role) found.push(`${at}: its parent has the same role`);
    } else if (m.role !== 'user') found.push(`${at}: a reply is a root`);
    if ((m.bytes ?? 0) !== Buffer.byteLength(m.content, 'utf8'))
      found.push(`${at}: bytes ${m.bytes} for ${Buffer.byteLength(m.content, 'utf8')}`);
    if (m.status === 'streaming') found.push(`${at}: left streaming`);
    if (m.role === 'user' && m.status !== 'complete') found.push(`${at}: a question ${m.status}`);
  }

  for (const chat of chats) {
    const at = `chat ${String(chat._id)}`;
    const mine = messages.filter((m) => String(m.chatId) === String(chat._id));
    const inChat = (id: unknown) => mine.some((m) => String(m._id) === String(id));
    if (chat.activeLeafId && !inChat(chat.activeLeafId))
      found.push(`${at}: activeLeafId ${String(chat.activeLeafId)} is not one of its messages`);
    if ((chat.titleBytes ?? 0) !== Buffer.byteLength(chat.title))
      found.push(`${at}: titleBytes ${chat.titleBytes}`);
    if ((chat.promptBytes ?? 0) !== Buffer.byteLength(chat.systemPrompt ?? ''))
      found.push(`${at}: promptBytes ${chat.promptBytes}`);
    const newestQuestion = Math.max(
      0,
      ...mine.filter((m) => m.role === 'user').map((m) => m.createdAt.getTime()),
    );
    if (chat.lastMessageAt.getTime() < newestQuestion)
      found.push(`${at}: lastMessageAt before its newest question`);
    const context = chat.context as ChatDoc['context'];
    if (context && !context.pending) {
      const counts =
        context.budget === config().HISTORY_TOKEN_BUDGET &&
        (!chat.activeLeafId || String(chat.activeLeafId) === String(context.leafId));
      if (counts) {
        if (!inChat(context.leafId))
          found.push(`${at}: kept turns end at ${String(context.leafId)}, not one of its messages`);
        else {
          const tree = await Tree.load(chat._id);
          const { turns } = await branchTurns(tree.pathTo(context.leafId));
          const kept = context.turns.map((t) => `${t.role}:${t.content}`);
          const real = turns.map((t) => `${t.role}:${t.content}`).slice(-kept.length);
          if (kept.length > 0 && JSON.stringify(kept) !== JSON.stringify(real))
            found.push(
              `${at}: kept turns ${JSON.stringify(kept)} are not its branch's ${JSON.stringify(real)}`,
            );
        }
      }
    }
    const slots = await ChatSlot.countDocuments({ chatId: chat._id });
    if (slots !== 1) found.push(`${at}: holds ${slots} chat places`);
  }

  for (const slot of await ChatSlot.find({ userId: { $in: userIds } }).lean())
    if (!chatIds.has(String(slot.chatId)))
      found.push(`chat place ${slot._id} is taken by a chat that is gone`);
  const leases = await Generation.countDocuments({ userId: { $in: userIds } });
  if (leases) found.push(`${leases} generation leases left`);
  // Flags of ended leases are dropped by a periodic job (leases.ts dropFlagsOfEndedLeases): only
  // a flag naming a lease still held counts.
  for (const flag of await GenerationFlag.find({}).lean())
    if (await Generation.exists({ token: flag.token }))
      found.push(`generation flag ${flag._id} left on a held lease`);
  for (const key of await IdempotencyKey.find({ userId: { $in: userIds } }).lean())
    if (!chatIds.has(String(key.chatId)) && key.stored)
      found.push(`idempotency record ${String(key._id)} names a chat that is gone`);
  for (const reader of await ReplyReader.find({ userId: { $in: userIds } }).lean())
    if (!chatIds.has(String(reader.chatId)) || !byId.has(String(reader._id)))
      found.push(`reply reader ${String(reader._id)} follows a reply that is gone`);
  const deletions = await ChatDeletion.countDocuments({ userId: { $in: userIds } });
  if (deletions) found.push(`${deletions} chat deletions left unfinished`);
  for (const entry of await UsageEntry.find({ userId: { $in: userIds } }).lean()) {
    if (entry.chatId && !chatIds.has(String(entry.chatId)))
      found.push(
        `usage entry ${String(entry._id)} still names deleted chat ${String(entry.chatId)}`,
      );
    if (byId.has(String(entry._id)) && byId.get(String(entry._id))!.charge)
      found.push(`call ${String(entry._id)} charged twice (ledger and reply)`);
  }

  // Every model call is charged once at most, and every call that ran to its end is charged.
  const charged =
    messages.filter((m) => m.charge).length +
    (await UsageEntry.countDocuments({ userId: { $in: userIds } }));
  const calls = w.upstream.requests;
  const ranToEnd = calls.filter((r) => r.endedAt > 0 && !r.aborted && r.chunksSent > 0).length;
  if (charged > calls.length) found.push(`${charged} charges for ${calls.length} model calls`);
  if (charged < ranToEnd) found.push(`${charged} charges for ${ranToEnd} model calls that ended`);
  for (const m of messages)
    if (m.charge && m.charge.totalTokens !== m.charge.promptTokens + m.charge.completionTokens)
      found.push(`message ${String(m._id)}: charge total is not its sum`);

  // What the API shows equals the database.
  for (const user of users) {
    const list = await client(w.urls[0]!, user.auth).get('/api/chats?limit=100').send();
    const archived = await client(w.urls[0]!, user.auth)
      .get('/api/chats?limit=100&archived=true')
      .send();
    const listed = [...list.body, ...archived.body].map((c: { id: string }) => c.id).sort();
    const stored = chats.filter((c) => String(c.userId) === user.id).map((c) => String(c._id));
    if (JSON.stringify(listed) !== JSON.stringify(stored.sort()))
      found.push(`user ${user.id}: lists ${listed.length} chats, stores ${stored.length}`);
    for (const chatId of stored) {
      const tree = await client(w.urls[0]!, user.auth)
        .get(`/api/chats/${chatId}/messages?view=tree&limit=1000`)
        .send();
      const shown = (
        tree.body as { id: string; content: string; status: string; parentId: string | null }[]
      )
        .map((m) => `${m.id}:${m.parentId}:${m.status}:${m.content}`)
        .sort();
      const real = messages
        .filter((m) => String(m.chatId) === chatId)
        .map((m) => `${String(m._id)}:${idOf(m.parentId)}:${m.status}:${m.content}`)
        .sort();
      if (JSON.stringify(shown) !== JSON.stringify(real))
        found.push(`chat ${chatId}: the tree shown is not the tree stored`);
      const one = await client(w.urls[0]!, user.auth).get(`/api/chats/${chatId}`).send();
      const chat = await Chat.findById(chatId).lean();
      const t = await Tree.load(new Types.ObjectId(chatId));
      const leaf = t.activeLeaf(chat!);
      const path = t.pathTo(leaf?._id).map((n) => String(n._id));
      const shownPath = (one.body.messages as { id: string }[]).map((m) => m.id);
      if (
        JSON.stringify(shownPath) !== JSON.stringify(path.slice(-shownPath.length)) ||
        (path.length > 0 && shownPath.length === 0)
      )
        found.push(
          `chat ${chatId}: GET shows branch ${shownPath.join(',')}, the tree's active branch is ${path.join(',')}`,
        );
    }
  }
  return found;
}

/**
 * Widens the windows between a request's reads and its writes, as a busy database does: each
 * read of a chat's tree, each read of messages' text and each write of a message or a chat waits
 * a few milliseconds first, drawn from a PRNG of its own.
 */
export function jitter(seed: number) {
  const rng = prng(seed ^ 0x5eed);
  const wait = () => sleep(rng.int(25));
  const load = Tree.load.bind(Tree);
  vi.spyOn(Tree, 'load').mockImplementation(async (...args) => {
    const tree = await load(...args);
    await wait();
    return tree;
  });
  for (const collection of [Message.collection, Chat.collection] as const)
    for (const method of ['updateOne', 'insertMany', 'deleteMany', 'findOneAndUpdate'] as const) {
      const target = collection as unknown as Record<string, (...a: unknown[]) => unknown>;
      const original = target[method]!.bind(collection);
      vi.spyOn(target, method).mockImplementation(async (...args: unknown[]) => {
        await wait();
        return original(...args);
      });
    }
}

/** Runs a seed's workload and checks the invariants once all of it has ended. */
export async function runSeed(
  w: Workload,
  seed: number,
  users: TestUser[],
  { opsPerUser = 25, lanes = 3, chats = 2 } = {},
) {
  w.upstream.setDefault({ chunks: ['Hel', 'lo', ' there'], delayMs: w.delayMs });
  for (const user of users)
    for (let i = 0; i < chats; i += 1)
      await client(w.urls[0]!, user.auth)
        .post('/api/chats')
        .send({ message: `start ${i}` });
  const log: Step[] = [];
  // Each user's operations run in `lanes` concurrent lanes, each with a PRNG of its own seeded
  // from the seed: a seed always asks for the same operations (their interleaving varies).
  await Promise.all(
    users.flatMap((user, u) =>
      Array.from({ length: lanes }, async (_, lane) => {
        const laneRng = prng(seed * 1000 + u * 10 + lane);
        for (let i = 0; i < Math.ceil(opsPerUser / lanes); i += 1) {
          await sleep(laneRng.int(30));
          await runOp(w, laneRng, u, user, log);
        }
      }),
    ),
  );
  await allWorkEnded();
  return { log, found: await violations(w, users) };
}

/** The report of a failing seed: what broke, and the steps that ran. */
export const describeRun = (seed: number, found: string[], log: Step[]) =>
  `seed ${seed}:\n${found.join('\n')}\nsteps:\n${log.map((s) => JSON.stringify(s)).join('\n')}`;

/** The operations that succeeded at least once: a seed whose steps all failed proves nothing. */
export function succeeded(log: Step[]): Set<Op> {
  return new Set(log.filter((s) => s.status && s.status < 300).map((s) => s.op));
}

/** Empties every collection of the connected database: each seed starts from nothing. */
export async function emptyDatabase() {
  const db = mongoose.connection.db!;
  for (const { name } of await db.listCollections().toArray())
    await db.collection(name).deleteMany({});
}
