/**
 * The benchmark's baseline: the physical floor for our hot path on this machine. A bare node:http
 * server that does the same work as SigmaGPT's POST /api/chats/:id/messages (stream) and GET
 * /api/chats, with nothing else: the same JWT check (jsonwebtoken, HS256, KeyObject, same claims),
 * the same session lookup, the same database operations through the native `mongodb` driver against
 * the same database, and a keep-alive node:http agent to the same upstream. Each content chunk is
 * relayed as one SSE event, with backpressure; the reply is stored once at the end.
 *
 * Database operations per streamed exchange, mirroring src/modules/chats (rate limits off):
 *   sessions.findOne · chats.findOne · generations.insertOne (lease) · messages.find (history)
 *   · messages.insertOne (user) · chats.updateOne (lastMessageAt) · [stream] ·
 *   messages.insertOne (assistant) · generations.deleteOne (lease release)
 *
 * And POST /api/auth/login (figure 6's floor), mirroring src/modules/auth and src/modules/users
 * (rate limits off): users.findOne (by email) · bcrypt compare, at most BCRYPT_MAX_CONCURRENCY at
 * once · sessions.insertOne · users.findOne (by _id, the deletion race check) ·
 * login_networks.updateOne (a known network) · the access token and the refresh cookie.
 */
import { createHash, createHmac, createSecretKey, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import bcrypt from 'bcrypt';
import jwt from 'jsonwebtoken';
import { MongoClient, ObjectId, type Document } from 'mongodb';

const env = process.env;
const key = createSecretKey(Buffer.from(env.JWT_SECRET ?? ''));
const ISSUER = env.JWT_ISSUER ?? 'sigmagpt-api';
const AUDIENCE = env.JWT_AUDIENCE ?? 'sigmagpt-clients';
const upstreamUrl = new URL(`${(env.OPENAI_BASE_URL ?? '').replace(/\/$/, '')}/chat/completions`);
const API_KEY = env.OPENAI_API_KEY ?? 'bench';
const HISTORY_LIMIT = Math.min(1000, Math.ceil(Number(env.HISTORY_TOKEN_BUDGET ?? 8000) / 5));
const PAGE = Number(env.PAGE_SIZE_MAX ?? 100);
const INSTANCE = randomUUID();
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, keepAliveMsecs: 30_000 });
/**
 * An experiment, off by default: CPU time (µs) spent after relaying each chunk, so the relay can be
 * made as busy as our server and its gaps compared at the same load (bench/README.md, figure 3).
 */
const BURN_US = Number(env.BASELINE_BURN_US ?? 0);
function burn(): void {
  for (const end = performance.now() + BURN_US / 1000; performance.now() < end;);
}

const client = new MongoClient(env.MONGODB_URI ?? '', { maxPoolSize: 50 });
const db = client.db();
const sessions = db.collection('sessions');
const chats = db.collection('chats');
const messages = db.collection('messages');
const generations = db.collection('generations');
const users = db.collection('users');
const loginNetworks = db.collection('login_networks');

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

const SUB_ID = /^[a-f0-9]{24}$/;
async function authenticate(
  req: http.IncomingMessage,
): Promise<{ userId: ObjectId; sessionId: ObjectId } | null> {
  const header = req.headers.authorization;
  if (!header?.startsWith('Bearer ')) return null;
  let payload: jwt.JwtPayload | string;
  try {
    payload = jwt.verify(header.slice(7), key, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
    });
  } catch {
    return null;
  }
  if (typeof payload !== 'object' || payload.typ !== 'access' || typeof payload.exp !== 'number')
    return null;
  if (
    typeof payload.sub !== 'string' ||
    typeof payload.sid !== 'string' ||
    !SUB_ID.test(payload.sub) ||
    !SUB_ID.test(payload.sid)
  )
    return null;
  const userId = new ObjectId(payload.sub);
  const sessionId = new ObjectId(payload.sid);
  const session = await sessions.findOne(
    { _id: sessionId, userId, revokedAt: null, expiresAt: { $gt: new Date() } },
    { projection: { _id: 1 } },
  );
  return session ? { userId, sessionId } : null;
}

const chatJson = (c: Document) => ({
  id: String(c._id),
  title: c.title,
  pinned: c.pinned,
  archived: c.archived,
  model: c.model,
  systemPrompt: c.systemPrompt,
  createdAt: (c.createdAt as Date).toISOString(),
  updatedAt: (c.updatedAt as Date).toISOString(),
  lastMessageAt: (c.lastMessageAt as Date).toISOString(),
});
const messageJson = (m: Document) => ({
  id: String(m._id),
  chatId: String(m.chatId),
  parentId: m.parentId ? String(m.parentId) : null,
  role: m.role,
  content: m.content,
  status: m.status,
  model: m.model ?? null,
  finishReason: m.finishReason ?? null,
  usage: m.usage ?? null,
  error: m.error ?? null,
  createdAt: (m.createdAt as Date).toISOString(),
});

function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    req.on('error', reject);
  });
}

async function listChats(res: http.ServerResponse, userId: ObjectId): Promise<void> {
  const rows = await chats
    .find({ userId, archived: false })
    .sort({ pinned: -1, lastMessageAt: -1, _id: -1 })
    .limit(PAGE + 1)
    .toArray();
  json(res, 200, rows.slice(0, PAGE).map(chatJson));
}

async function acquireLease(userId: ObjectId, chatId: ObjectId) {
  const token = randomUUID();
  const doc = {
    userId,
    chatId,
    instanceId: INSTANCE,
    token,
    expiresAt: new Date(Date.now() + 60_000),
    waitingSince: null,
  };
  for (let slot = 0; slot < 64; slot += 1) {
    try {
      await generations.insertOne({ ...doc, slot });
      return { userId, slot, token };
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
    }
  }
  return null;
}

async function sendMessage(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  userId: ObjectId,
  chatIdText: string,
): Promise<void> {
  const body = await readJson(req);
  const content = body.content;
  if (typeof content !== 'string' || content.trim().length === 0 || content.length > 16_000)
    return json(res, 400, { error: { code: 'VALIDATION_FAILED' } });
  if (!SUB_ID.test(chatIdText)) return json(res, 404, { error: { code: 'NOT_FOUND' } });
  const chatId = new ObjectId(chatIdText);
  const chat = await chats.findOne({ _id: chatId, userId });
  if (!chat) return json(res, 404, { error: { code: 'NOT_FOUND' } });
  const lease = await acquireLease(userId, chatId);
  if (!lease) return json(res, 429, { error: { code: 'TOO_MANY_STREAMS' } });
  const rows = await messages
    .find({ chatId }, { projection: { role: 1, content: 1, status: 1 } })
    .sort({ createdAt: -1, _id: -1 })
    .limit(HISTORY_LIMIT)
    .toArray();
  const history = rows
    .filter((m) => m.content && m.status !== 'error')
    .reverse()
    .map((m) => ({ role: m.role as string, content: m.content as string }));
  const now = new Date();
  const userMessage = {
    _id: new ObjectId(),
    chatId,
    userId,
    parentId: rows[0]?._id ?? null,
    role: 'user',
    content,
    status: 'complete',
    model: null,
    finishReason: null,
    usage: null,
    error: null,
    ttftMs: null,
    durationMs: null,
    createdAt: now,
  };
  await messages.insertOne(userMessage);
  await chats.updateOne({ _id: chatId }, { $set: { lastMessageAt: now, updatedAt: now } });
  const updated = { ...chat, lastMessageAt: now, updatedAt: now };
  const model = (body.model as string | undefined) ?? (chat.model as string);
  const assistant: Record<string, unknown> = {
    ...userMessage,
    _id: new ObjectId(),
    parentId: userMessage._id,
    role: 'assistant',
    content: '',
    status: 'streaming',
    model,
    createdAt: new Date(Math.max(Date.now(), now.getTime() + 1)),
  };
  const turns = [
    ...(chat.systemPrompt ? [{ role: 'system', content: chat.systemPrompt as string }] : []),
    ...history,
    { role: 'user', content },
  ];

  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-store, no-transform',
    'x-accel-buffering': 'no',
    connection: 'keep-alive',
  });
  let id = 1;
  let clientGone = false;
  const event = (name: string, data: unknown) =>
    res.write(`event: ${name}\nid: ${id++}\ndata: ${JSON.stringify(data)}\n\n`);
  const chatOut = chatJson(updated);
  event('meta', {
    chat: chatOut,
    userMessage: messageJson(userMessage),
    assistantMessage: messageJson(assistant),
  });

  const started = performance.now();
  let text = '';
  let finishReason: string | null = null;
  let usage: Record<string, number> | null = null;
  let ttftMs: number | null = null;
  let failed = false;
  await new Promise<void>((resolve) => {
    const payload = JSON.stringify({
      model,
      messages: turns,
      stream: true,
      stream_options: { include_usage: true },
    });
    const upstream = http.request(upstreamUrl, {
      method: 'POST',
      agent,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${API_KEY}`,
        'content-length': Buffer.byteLength(payload),
        accept: 'text/event-stream',
      },
    });
    res.once('close', () => {
      if (!res.writableFinished) {
        clientGone = true;
        upstream.destroy();
        resolve();
      }
    });
    upstream.once('error', () => {
      failed = !clientGone;
      resolve();
    });
    upstream.once('response', (up) => {
      if (up.statusCode !== 200) {
        failed = true;
        up.resume();
        resolve();
        return;
      }
      up.setEncoding('utf8');
      let buffer = '';
      up.on('data', (data: string) => {
        buffer += data;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!block.startsWith('data: ')) continue;
          const raw = block.slice(6);
          if (raw === '[DONE]') continue;
          const chunk = JSON.parse(raw) as {
            choices?: { delta?: { content?: string }; finish_reason?: string | null }[];
            usage?: {
              prompt_tokens: number;
              completion_tokens: number;
              total_tokens: number;
            } | null;
          };
          const choice = chunk.choices?.[0];
          const piece = choice?.delta?.content;
          if (piece) {
            ttftMs ??= Math.round(performance.now() - started);
            text += piece;
            const written = event('delta', { content: piece });
            if (BURN_US > 0) burn();
            if (!written && !up.isPaused()) {
              up.pause();
              res.once('drain', () => up.resume());
            }
          }
          if (choice?.finish_reason) finishReason = choice.finish_reason;
          if (chunk.usage)
            usage = {
              promptTokens: chunk.usage.prompt_tokens,
              completionTokens: chunk.usage.completion_tokens,
              totalTokens: chunk.usage.total_tokens,
            };
        }
      });
      up.once('end', () => resolve());
      up.once('error', () => {
        failed = !clientGone;
        resolve();
      });
    });
    upstream.end(payload);
  });
  const stored = {
    ...assistant,
    content: text,
    status: failed ? 'error' : clientGone ? 'incomplete' : 'complete',
    finishReason: failed || clientGone ? null : finishReason,
    usage,
    error: failed
      ? { code: 'UPSTREAM_ERROR', message: 'The model provider failed to answer' }
      : null,
    ttftMs,
    durationMs: Math.round(performance.now() - started),
  };
  await messages.insertOne(stored);
  await generations.deleteOne({ userId: lease.userId, slot: lease.slot, token: lease.token });
  if (clientGone) return;
  if (failed) event('error', { error: stored.error, message: messageJson(stored) });
  else event('done', { message: messageJson(stored), chat: chatOut });
  res.end();
}

// Compares wait for one of BCRYPT_MAX_CONCURRENCY turns, as src/modules/users/passwords.ts does.
const BCRYPT_TURNS = Number(env.BCRYPT_MAX_CONCURRENCY ?? 2);
let comparing = 0;
const waitingTurns: (() => void)[] = [];
async function comparePassword(password: string, hash: string): Promise<boolean> {
  if (comparing >= BCRYPT_TURNS) await new Promise<void>((turn) => waitingTurns.push(turn));
  else comparing += 1;
  try {
    return await bcrypt.compare(password, hash);
  } finally {
    const next = waitingTurns.shift();
    if (next) next();
    else comparing -= 1;
  }
}

const REFRESH_TTL_MS = Number(env.REFRESH_TOKEN_TTL_DAYS ?? 30) * 86_400_000;
const ACCESS_TTL_S = Number(env.ACCESS_TOKEN_TTL_SECONDS ?? 900);
const mac = (text: string) => createHmac('sha256', key).update(text).digest('base64url');

async function login(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const body = await readJson(req);
  const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
  const password = typeof body.password === 'string' ? body.password : '';
  const user = await users.findOne({ email });
  if (!user || !(await comparePassword(password, String(user.passwordHash))))
    return json(res, 401, { error: { code: 'INVALID_CREDENTIALS' } });
  const sessionId = new ObjectId();
  const tokenBody = `${String(sessionId)}.${randomBytes(32).toString('base64url')}`;
  const refreshToken = `${tokenBody}.${mac(`refresh:${tokenBody}`).slice(0, 22)}`;
  const expiresAt = new Date(Date.now() + REFRESH_TTL_MS);
  const now = new Date();
  await sessions.insertOne({
    _id: sessionId,
    userId: user._id,
    refreshTokenHash: createHash('sha256').update(refreshToken).digest('base64url'),
    expiresAt,
    userAgent: String(req.headers['user-agent'] ?? '').slice(0, 200),
    revokedAt: null,
    createdAt: now,
    updatedAt: now,
  });
  const current = await users.findOne({ _id: user._id });
  if (!current || current.disabled || current.passwordHash !== user.passwordHash) {
    await sessions.deleteOne({ _id: sessionId });
    return json(res, 401, { error: { code: 'INVALID_CREDENTIALS' } });
  }
  // The network's id as src/modules/users/login-networks.ts derives it (an IPv4 /24 here).
  const v4 = /^(?:::ffff:)?(\d+\.\d+\.\d+)\.\d+$/.exec(req.socket.remoteAddress ?? '');
  const network = mac(`login-network|${String(user._id)}|${v4 ? `${v4[1]}.0/24` : 'unknown'}`);
  await loginNetworks.updateOne({ _id: network as never }, { $set: { lastLoginAt: now } });
  const accessToken = jwt.sign({ sid: String(sessionId), typ: 'access' }, key, {
    algorithm: 'HS256',
    subject: String(user._id),
    issuer: ISSUER,
    audience: AUDIENCE,
    expiresIn: ACCESS_TTL_S,
  });
  res.setHeader(
    'set-cookie',
    `refresh_token=${refreshToken}; Path=/api/auth; Expires=${expiresAt.toUTCString()}; HttpOnly; SameSite=Strict`,
  );
  json(res, 200, {
    user: {
      id: String(user._id),
      email: user.email,
      name: user.name ?? null,
      role: user.role ?? 'user',
      createdAt: (user.createdAt as Date).toISOString(),
    },
    accessToken,
    tokenType: 'Bearer',
    expiresIn: ACCESS_TTL_S,
  });
}

const CHAT_MESSAGES = /^\/api\/chats\/([^/]+)\/messages$/;
const server = http.createServer((req, res) => {
  const url = (req.url ?? '/').split('?')[0]!;
  if (url === '/healthz') return json(res, 200, { status: 'ok' });
  const handle = async () => {
    if (req.method === 'POST' && url === '/api/auth/login') return login(req, res);
    const auth = await authenticate(req);
    if (!auth) return json(res, 401, { error: { code: 'UNAUTHENTICATED' } });
    if (req.method === 'GET' && url === '/api/chats') return listChats(res, auth.userId);
    const match = req.method === 'POST' ? CHAT_MESSAGES.exec(url) : null;
    if (match) return sendMessage(req, res, auth.userId, match[1]!);
    json(res, 404, { error: { code: 'NOT_FOUND' } });
  };
  handle().catch((error: unknown) => {
    console.error('baseline error', error);
    if (!res.headersSent) json(res, 500, { error: { code: 'INTERNAL' } });
    else res.end();
  });
});
server.keepAliveTimeout = 65_000;
server.maxConnections = 30_000;

await client.connect();
server.listen(Number(env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`READY ${(server.address() as { port: number }).port}`);
});
process.on('SIGTERM', () => {
  server.close();
  void client.close().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});
