import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { databaseUri, startInstance, type Instance } from '../helpers/instances.js';
import { parseSse, type SseEvent } from '../helpers/sse.js';
import { startUpstream, type Upstream, type UpstreamScript } from '../helpers/upstream.js';
import {
  eventually,
  memoryOf,
  newChat,
  post,
  serverPid,
  userOn,
  withDatabase,
} from '../cluster/cluster-helpers.js';

/**
 * Load without loss: many users send messages at once through two instances against the scripted
 * model, some clients disconnect mid-reply, some replies are stopped from either instance, some users
 * go over their message budget. Afterwards the database must hold exactly what the clients were
 * told was accepted, every reply in a final state, nothing orphaned, no lease left, no budget
 * exceeded; and the servers' memory must not keep growing. Bounded (a few hundred exchanges, loopback).
 */
const MESSAGES_PER_MINUTE = 8;
const NORMAL_USERS = 24;
const GREEDY_USERS = 6;
const NORMAL_ATTEMPTS = 7; // never over the budget, even within one window
const GREEDY_ATTEMPTS = 20; // over it even when the run straddles two windows (2 × 8 < 20)
const WARMUP_ATTEMPTS = 2;
const LANES_PER_USER = 2;

let upstream: Upstream;
let instances: Instance[];
let uri: string;

/** Deterministic randomness, so a failing run can be replayed with SOAK_SEED. */
const seed = Number(process.env.SOAK_SEED ?? Date.now() % 100_000);
let state = seed;
const random = () => {
  state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
  return state / 2 ** 31;
};
const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)]!;
const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));

beforeAll(async () => {
  upstream = await startUpstream();
  upstream.setDefault({ chunks: ['x', 'y', 'z'], delayMs: 10 });
  const scripts: UpstreamScript[] = Array.from({ length: 2000 }, () => ({
    chunks: Array.from({ length: between(1, 8) }, (_, i) => `c${i} `),
    delayMs: between(5, 40),
  }));
  upstream.script(...scripts);
  uri = databaseUri(inject('mongoUri'), `soak_${Date.now().toString(36)}`);
  const env = {
    MONGODB_URI: uri,
    OPENAI_BASE_URL: upstream.url,
    OPENAI_API_KEY: 'test-key',
    MODELS: 'scripted-model',
    UPSTREAM_MAX_RETRIES: '0',
    MESSAGES_PER_MINUTE: String(MESSAGES_PER_MINUTE),
    MAX_CONCURRENT_STREAMS: '2',
    SIGNUP_LIMIT_PER_IP: '1000',
    // Every user signs up at once from this machine's one address.
    PASSWORD_CHECKS_PER_ADDRESS: '100',
    PASSWORD_CHECKS_PER_IP_PER_MINUTE: '1000',
    // What this measures is what is stored and held, not how soon an outage is noticed: on a
    // loaded machine a heartbeat answered past the 1.5 s default marks the database unreachable
    // and the instance refuses requests (503) until the next one, though nothing went down.
    DB_SERVER_SELECTION_TIMEOUT_MS: '5000',
  };
  instances = await Promise.all([startInstance(env), startInstance(env)]);
}, 60_000);

afterAll(async () => {
  await Promise.all((instances ?? []).map((i) => i.stop()));
  await upstream?.close();
});

interface SoakUser {
  id: string;
  token: string;
  greedy: boolean;
  chats: Set<string>;
  /** Contents of the messages the API accepted (201 / stream opened) and refused (429). */
  accepted: string[];
  refused: string[];
  rateLimited: number;
}

const figures = {
  attempts: 0,
  accepted: 0,
  rateLimited: 0,
  tooManyStreams: 0,
  disconnects: 0,
  stops: 0,
  other: [] as string[],
};

async function attempt(user: SoakUser, n: number): Promise<void> {
  figures.attempts += 1;
  const instance = pick(instances);
  const content = `soak ${user.id} #${n}`;
  const createChat = random() < 0.15;
  const path = createChat ? '/api/chats' : `/api/chats/${pick([...user.chats])}/messages`;
  const body = createChat ? { message: content, stream: true } : { content, stream: true };

  const refusal = (status: number, code: string) => {
    if (status === 429 && code === 'RATE_LIMITED') {
      figures.rateLimited += 1;
      user.rateLimited += 1;
    } else if (status === 429 && code === 'TOO_MANY_STREAMS') figures.tooManyStreams += 1;
    else figures.other.push(`${status} ${code}`);
    user.refused.push(content);
  };

  if (random() < 0.2) {
    const res = await post(`${instance.url}${path}`, { ...body, stream: false }, user.token);
    const json = (await res.json()) as any;
    if (res.status !== 201) return refusal(res.status, json.error?.code);
    user.accepted.push(content);
    figures.accepted += 1;
    if (createChat) user.chats.add(json.chat.id);
    return;
  }

  const s = await openSseFetch(`${instance.url}${path}`, user.token, body);
  if (s.status !== 200) return refusal(s.status, s.errorCode);
  await s.waitFor('meta');
  const meta = s.events.find((e) => e.event === 'meta')!;
  user.accepted.push(content);
  figures.accepted += 1;
  if (createChat) user.chats.add(meta.data.chat.id);
  const roll = random();
  if (roll < 0.2) {
    figures.disconnects += 1;
    if (random() < 0.5) await s.waitFor('delta').catch(() => undefined);
    s.close();
    return;
  }
  if (roll < 0.3) {
    figures.stops += 1;
    const stop = await post(
      `${pick(instances).url}/api/chats/${meta.data.chat.id}/stop`,
      {},
      user.token,
    );
    expect(stop.status).toBe(202);
  }
  await s.ended;
  const finals = s.events.filter((e) => e.event === 'done' || e.event === 'error');
  expect(finals).toHaveLength(1);
  expect(finals[0]!.event).toBe('done');
  expect(['complete', 'incomplete']).toContain(finals[0]!.data.message.status);
}

/** A streaming request over fetch: JSON error bodies are read as such, events are parsed as they come, close() disconnects. */
async function openSseFetch(url: string, token: string, body: unknown) {
  const controller = new AbortController();
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
      Accept: 'text/event-stream',
    },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  if (res.status !== 200) {
    const json = (await res.json()) as { error?: { code?: string } };
    return {
      status: res.status,
      errorCode: json.error?.code ?? 'UNKNOWN',
      events: [],
      waitFor: () => Promise.resolve(),
      close: () => undefined,
      ended: Promise.resolve(),
    };
  }
  const events: SseEvent[] = [];
  let buffer = '';
  let finished = false;
  const ended = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body!) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        const cut = buffer.lastIndexOf('\n\n');
        if (cut >= 0) {
          events.push(...parseSse(buffer.slice(0, cut + 2)).events);
          buffer = buffer.slice(cut + 2);
        }
      }
    } catch {
      // aborted by close()
    } finally {
      finished = true;
    }
  })();
  const waitFor = async (name: string) => {
    const deadline = Date.now() + 20_000;
    while (!events.some((e) => e.event === name)) {
      if (finished || Date.now() > deadline)
        throw new Error(`no ${name} event; got ${events.map((e) => e.event).join(',')}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return { status: 200, errorCode: '', events, waitFor, close: () => controller.abort(), ended };
}

async function runUser(user: SoakUser, from: number, to: number): Promise<void> {
  let next = from;
  const lane = async () => {
    while (next < to) await attempt(user, next++);
  };
  await Promise.all(Array.from({ length: LANES_PER_USER }, lane));
}

/** Greedy assignment of each stored message to its window; one right after a boundary may have been counted in the previous one. */
function windowsOverBudget(times: number[]): number {
  const counts = new Map<number, number>();
  let over = 0;
  for (const t of [...times].sort((x, y) => x - y)) {
    const w = Math.floor(t / 60_000);
    const previous = counts.get(w - 1) ?? 0;
    if (t - w * 60_000 < 1000 && counts.has(w - 1) && previous < MESSAGES_PER_MINUTE)
      counts.set(w - 1, previous + 1);
    else counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  for (const c of counts.values()) if (c > MESSAGES_PER_MINUTE) over += 1;
  return over;
}

describe('soak: many users through two instances', () => {
  it('when hundreds of exchanges run concurrently with disconnects, stops and rate limits, then the database holds exactly what was accepted and memory stays flat', async () => {
    const started = Date.now();
    const users: SoakUser[] = await Promise.all(
      Array.from({ length: NORMAL_USERS + GREEDY_USERS }, async (_, i) => {
        const instance = instances[i % 2]!;
        const { id, accessToken: token } = await userOn(instance, 'soak');
        const chat = await newChat(instance, token);
        return {
          id,
          token,
          greedy: i >= NORMAL_USERS,
          chats: new Set([chat]),
          accepted: [],
          refused: [],
          rateLimited: 0,
        };
      }),
    );
    const attemptsOf = (u: SoakUser) => (u.greedy ? GREEDY_ATTEMPTS : NORMAL_ATTEMPTS);

    // Warm-up: every code path once, so the baseline memory is taken from a warm process.
    await Promise.all(users.map((u) => runUser(u, 0, WARMUP_ATTEMPTS)));
    await new Promise((r) => setTimeout(r, 500));
    const pids = instances.map(serverPid);
    const warm = pids.map(memoryOf);

    await Promise.all(users.map((u) => runUser(u, WARMUP_ATTEMPTS, attemptsOf(u))));
    const loadMs = Date.now() - started;

    // Disconnected streams store their partial answers and free their slots a moment later.
    const leases = await eventually(
      () => withDatabase(uri, (db) => db.collection('generations').countDocuments()),
      (n) => n === 0,
      15_000,
    );
    const end = pids.map(memoryOf);
    const durationMs = Date.now() - started;

    const totals = { users: users.length, ...figures, other: figures.other.length };
    console.log(
      `soak (seed ${seed}): ${totals.users} users, ${totals.attempts} messages sent, ${totals.accepted} accepted, ` +
        `${totals.rateLimited} × 429 RATE_LIMITED, ${totals.tooManyStreams} × 429 TOO_MANY_STREAMS, ${totals.disconnects} disconnects, ` +
        `${totals.stops} stops, load ${(loadMs / 1000).toFixed(1)} s, total ${(durationMs / 1000).toFixed(1)} s; ` +
        instances
          .map(
            (_, i) =>
              `server ${'AB'[i]}: RSS ${warm[i]!.rssMb.toFixed(0)} MiB after warm-up → ${end[i]!.rssMb.toFixed(0)} MiB at the end, max ${end[i]!.peakMb.toFixed(0)} MiB`,
          )
          .join('; '),
    );

    // An unexpected answer (a 500, say) comes with the servers' error lines, so a run that cannot
    // be replayed by its seed alone still says what went wrong.
    const serverErrors = instances.flatMap((i) =>
      i
        .output()
        .split('\n')
        .filter((line) => /"level":(50|60)/.test(line))
        .map((line) => line.slice(0, 2000)),
    );
    expect(figures.other, `unexpected answers; server errors:\n${serverErrors.join('\n')}`).toEqual(
      [],
    );
    expect(leases).toBe(0);

    await withDatabase(uri, async (db) => {
      const chats = await db.collection('chats').find({}).toArray();
      const messages = await db.collection('messages').find({}).toArray();
      const chatById = new Map(chats.map((c) => [String(c._id), c]));
      const userMessages = messages.filter((m) => m.role === 'user');
      const assistantMessages = messages.filter((m) => m.role === 'assistant');
      const userMessageById = new Map(userMessages.map((m) => [String(m._id), m]));

      for (const user of users) {
        // Every accepted message stored exactly once, no refused one stored.
        const stored = userMessages
          .filter((m) => String(m.userId) === user.id)
          .map((m) => m.content as string);
        expect(stored.sort(), `messages of ${user.id}`).toEqual([...user.accepted].sort());
        expect(user.accepted.length + user.refused.length).toBe(attemptsOf(user));
        // Exactly the chats the client was told about: none lost, none duplicated, none from a refused request.
        const owned = chats.filter((c) => String(c.userId) === user.id).map((c) => String(c._id));
        expect(owned.sort(), `chats of ${user.id}`).toEqual([...user.chats].sort());
        // The budget held in every minute window.
        const times = userMessages
          .filter((m) => String(m.userId) === user.id)
          .map((m) => new Date(m.createdAt).getTime());
        expect(windowsOverBudget(times), `windows over budget for ${user.id}`).toBe(0);
        // Nobody is refused below the budget, and nobody gets more than two windows' worth in one run.
        if (!user.greedy) expect(user.rateLimited, `429s of ${user.id}`).toBe(0);
        else expect(user.accepted.length).toBeLessThanOrEqual(2 * MESSAGES_PER_MINUTE);
      }
      // Every greedy user went over the budget (at least 20 - 2 × 8 refusals each).
      expect(figures.rateLimited).toBeGreaterThanOrEqual(
        GREEDY_USERS * (GREEDY_ATTEMPTS - 2 * MESSAGES_PER_MINUTE),
      );

      // One reply per accepted message, in a final state, answering a stored question of the same chat and user.
      expect(assistantMessages).toHaveLength(userMessages.length);
      const answered = new Set<string>();
      for (const reply of assistantMessages) {
        expect(['complete', 'incomplete', 'error']).toContain(reply.status);
        const question = userMessageById.get(String(reply.parentId));
        expect(question, `parent of ${String(reply._id)}`).toBeDefined();
        expect(String(question!.chatId)).toBe(String(reply.chatId));
        expect(String(question!.userId)).toBe(String(reply.userId));
        expect(answered.has(String(reply.parentId))).toBe(false);
        answered.add(String(reply.parentId));
      }
      expect(assistantMessages.filter((m) => m.status === 'error')).toEqual([]);
      // No orphans: every message's chat exists and belongs to the message's user.
      for (const m of messages) {
        const chat = chatById.get(String(m.chatId));
        expect(chat, `chat of message ${String(m._id)}`).toBeDefined();
        expect(String(chat!.userId)).toBe(String(m.userId));
      }
    });

    // Memory: no growth with load beyond warm-up noise (generous: a leak per exchange would exceed it).
    for (let i = 0; i < instances.length; i += 1)
      expect(end[i]!.rssMb).toBeLessThan(warm[i]!.rssMb * 1.5);
    // Sized for ~30 s on two cores; the ceiling leaves room for a loaded CI machine.
    expect(durationMs).toBeLessThan(75_000);
  }, 120_000);
});
