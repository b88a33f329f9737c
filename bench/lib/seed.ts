import { createHash, createSecretKey, randomBytes } from 'node:crypto';
import bcrypt from 'bcrypt';
import jwt from 'jsonwebtoken';
import { MongoClient, ObjectId } from 'mongodb';
import { searchKeys } from '../../src/modules/chats/search-terms.js';
import { sleep } from './common.js';
import { BCRYPT_COST, JWT_AUDIENCE, JWT_ISSUER, JWT_SECRET } from './servers.js';

export const PASSWORD = 'bench-password-1';
export const LOGIN_EMAIL = 'login@bench.test';

export interface SeedUser {
  userId: string;
  token: string;
  chatIds: string[];
}

export interface Seeded {
  users: SeedUser[];
  hash: string;
}

const key = createSecretKey(Buffer.from(JWT_SECRET));

/** An access token exactly as src/modules/auth/tokens.ts signs it (valid 1 h: the run is shorter). */
export function accessToken(userId: string, sessionId: string): string {
  return jwt.sign({ sid: sessionId, typ: 'access' }, key, {
    algorithm: 'HS256',
    subject: userId,
    issuer: JWT_ISSUER,
    audience: JWT_AUDIENCE,
    expiresIn: 3600,
  });
}

let cachedHash: string | undefined;
export async function passwordHash(): Promise<string> {
  cachedHash ??= await bcrypt.hash(PASSWORD, BCRYPT_COST);
  return cachedHash;
}

/**
 * Users, one open session each, and chats, written with the native driver in the shapes the
 * Mongoose models store (users, sessions, chats). Each user gets `chatsPerUser` chats; every
 * stream of the benchmark goes to its own user, so per-user stream limits never interfere.
 * `threads`: also one thread document per chat for the thread relay (bench/thread-relay.ts), with
 * the chat's id as its threadId, the same owner and title, and no messages, as the chats have none.
 */
export async function seed(
  uri: string,
  options: { users: number; chatsPerUser: number; loginUser?: boolean; threads?: boolean },
): Promise<Seeded> {
  const client = await MongoClient.connect(uri);
  try {
    const db = client.db();
    const hash = await passwordHash();
    const now = new Date();
    const users: SeedUser[] = [];
    const userDocs = [];
    const sessionDocs = [];
    const chatDocs = [];
    const threadDocs = [];
    for (let u = 0; u < options.users; u += 1) {
      const userId = new ObjectId();
      const sessionId = new ObjectId();
      userDocs.push({
        _id: userId,
        email: `user${u}-${userId.toHexString()}@bench.test`,
        name: `Bench ${u}`,
        passwordHash: hash,
        createdAt: now,
        updatedAt: now,
      });
      sessionDocs.push({
        _id: sessionId,
        userId,
        refreshTokenHash: createHash('sha256').update(randomBytes(32)).digest('base64url'),
        previousRefreshTokenHash: null,
        expiresAt: new Date(now.getTime() + 86_400_000),
        revokedAt: null,
        userAgent: 'bench',
        createdAt: now,
        updatedAt: now,
      });
      const chatIds: string[] = [];
      for (let c = 0; c < options.chatsPerUser; c += 1) {
        const chatId = new ObjectId();
        const at = new Date(now.getTime() - c * 1000);
        const title = `Bench chat ${c}`;
        // With the sizes and search keys a chat gets when it is created: without them, our server's
        // search backfill would rewrite every seeded chat right after it starts, beside the first arm.
        chatDocs.push({
          _id: chatId,
          userId,
          title,
          pinned: c === 0,
          archived: false,
          model: 'bench-model',
          systemPrompt: '',
          titleBytes: Buffer.byteLength(title),
          promptBytes: 0,
          ...searchKeys(title),
          lastMessageAt: at,
          createdAt: at,
          updatedAt: at,
        });
        chatIds.push(chatId.toHexString());
        if (options.threads)
          threadDocs.push({
            _id: new ObjectId(),
            threadId: chatId.toHexString(),
            userId: userId.toHexString(),
            title,
            messages: [],
            createdAt: at,
            updatedAt: at,
            __v: 0,
          });
      }
      users.push({
        userId: userId.toHexString(),
        token: accessToken(userId.toHexString(), sessionId.toHexString()),
        chatIds,
      });
    }
    if (options.loginUser)
      userDocs.push({
        _id: new ObjectId(),
        email: LOGIN_EMAIL,
        name: 'Login',
        passwordHash: hash,
        createdAt: now,
        updatedAt: now,
      });
    for (const [name, docs] of [
      ['users', userDocs],
      ['sessions', sessionDocs],
      ['chats', chatDocs],
      ['threads', threadDocs],
    ] as const) {
      for (let i = 0; i < docs.length; i += 1000)
        await db.collection(name).insertMany(docs.slice(i, i + 1000));
    }
    return { users, hash };
  } finally {
    await client.close();
  }
}

/**
 * Empties the messages, leases and lease flags collections, and the thread relay's threads of their messages,
 * so every arm starts from the same database state. Of ours' messages, the replies its chats' kept
 * turns end at stay (chat-context.ts), emptied and marked `benchKept`: a send checks that the
 * message it follows is still there (a deletion through the API clears the turns with it), so
 * removing them under the chats would refuse the next send. The relay's history skips them (no
 * text), and the counts below leave them out. The chats' kept turns are emptied too: every arm of
 * every server starts from no history, as the relays' do.
 */
export async function resetMessages(uri: string): Promise<void> {
  const client = await MongoClient.connect(uri);
  try {
    const db = client.db();
    const leaves = (
      await db
        .collection<{ context?: { leafId?: ObjectId } }>('chats')
        .find({ 'context.leafId': { $exists: true } }, { projection: { 'context.leafId': 1 } })
        .toArray()
    ).flatMap((chat) => (chat.context?.leafId ? [chat.context.leafId] : []));
    await db.collection('messages').deleteMany({ _id: { $nin: leaves } });
    if (leaves.length > 0) {
      await db
        .collection('messages')
        .updateMany({ _id: { $in: leaves } }, { $set: { content: '', benchKept: true } });
      await db
        .collection('chats')
        .updateMany({ 'context.leafId': { $exists: true } }, { $set: { 'context.turns': [] } });
    }
    await db.collection('generations').deleteMany({});
    await db.collection('generation_flags').deleteMany({});
    await db.collection('threads').updateMany({}, { $set: { messages: [] } });
  } finally {
    await client.close();
  }
}

/** Median time of one bcrypt compare at the server's cost, on one thread of this machine. */
export async function bcryptCompareMs(samples: number): Promise<number> {
  const hash = await passwordHash();
  const times: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const t = performance.now();
    await bcrypt.compare(PASSWORD, hash);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/**
 * bcrypt's raw capacity on this machine now: `parallel` compares kept running at once (one per
 * core) for `seconds`, in this process, counted per second. Measured next to each login storm, so
 * it sees the same machine (other load, clock, the cores' sharing) that the storm does; a single
 * compare timed on an idle thread and multiplied by the core count overstates it whenever the
 * cores are not both free.
 */
export async function bcryptComparesPerSec(parallel: number, seconds: number): Promise<number> {
  const hash = await passwordHash();
  const end = performance.now() + seconds * 1000;
  let done = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (performance.now() < end) {
        await bcrypt.compare(PASSWORD, hash);
        done += 1;
      }
    }),
  );
  return done / ((performance.now() - t0) / 1000);
}

/**
 * Characters of reply text stored for assistant messages (what a server relayed before the cut),
 * once every reply is stored for good: ours keeps checkpoints while a reply runs, and the final
 * write of a cut reply of megabytes can land after its client has gone.
 */
export async function storedReplyChars(uri: string): Promise<{ messages: number; chars: number }> {
  const client = await MongoClient.connect(uri);
  try {
    const messages = client.db().collection('messages');
    const deadline = performance.now() + 15_000;
    while (
      (await messages.countDocuments({ role: 'assistant', status: 'streaming' })) > 0 &&
      performance.now() < deadline
    )
      await sleep(200);
    const rows = await messages
      .find({ role: 'assistant', benchKept: { $ne: true } }, { projection: { content: 1 } })
      .toArray();
    return {
      messages: rows.length,
      chars: rows.reduce((n, r) => n + String(r.content ?? '').length, 0),
    };
  } finally {
    await client.close();
  }
}

/**
 * Replies stored whole, per layout: ours as `complete` assistant messages, the thread relay's as
 * assistant entries in the threads (figure 9 checks both servers kept every reply they sent).
 */
export async function storedReplies(uri: string): Promise<{ messages: number; threads: number }> {
  const client = await MongoClient.connect(uri);
  try {
    const db = client.db();
    const messages = await db
      .collection('messages')
      .countDocuments({ role: 'assistant', status: 'complete', benchKept: { $ne: true } });
    const threads = await db
      .collection('threads')
      .find({}, { projection: { messages: 1 } })
      .toArray();
    return {
      messages,
      threads: threads.reduce(
        (n, t) =>
          n + (t.messages as { role: string }[]).filter((m) => m.role === 'assistant').length,
        0,
      ),
    };
  } finally {
    await client.close();
  }
}
