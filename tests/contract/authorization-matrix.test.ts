import { beforeAll, describe, expect, it } from 'vitest';
import type { Response } from 'supertest';
import mongoose from '../../src/lib/db/mongoose.js';
import { useChatApp } from '../helpers/chat-app.js';
import { createUser, type TestUser } from '../helpers/users.js';
import { documentedOperations } from './routes.js';

/**
 * The two-user authorization matrix SECURITY.md asks for ("How it is tested"): every documented
 * operation that names an object by a path parameter, called by Bob with Alice's ids (and, where an
 * id also travels in the body or the query, Bob's own chat with Alice's ids there). Each answer must
 * be the 404 a missing id gets (code and message; only the request id differs), no model call may go
 * out, and nothing Alice holds may change. A documented operation with a path parameter that is
 * neither in the matrix nor exempted (with its reason) fails the file: a new route joins the matrix.
 */

const ctx = useChatApp();
let alice: TestUser;
let bob: TestUser;
const ids = {} as {
  chat: string;
  question: string;
  answer: string;
  key: string;
  bobChat: string;
  bobKey: string;
};
const MISSING = '0123456789abcdef01234567';

/** Operations whose path parameter does not name another user's object, and why. */
const EXEMPT: Record<string, string> = {
  'GET /v1/models/{model}': 'a model id, not user data',
  'GET /api/ai-sdk/chat/{id}/messages':
    "useChat ids are per user (tests/ai-sdk: another user's id gives none)",
  'GET /api/ai-sdk/chat/{id}/stream': 'always 204: nothing to resume (tests/ai-sdk)',
  'GET /api/admin/users/{id}': '403 for non-administrators (tests/admin)',
  'PATCH /api/admin/users/{id}': '403 for non-administrators (tests/admin)',
  'POST /api/admin/users/{id}/sign-out': '403 for non-administrators (tests/admin)',
};

type Call = {
  op: string;
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** The path with Alice's ids, and with ids that name nothing. */
  path: (v: typeof ids) => string;
  body?: (v: typeof ids) => unknown;
  /** Authenticates with an API key instead of the access token. */
  key?: boolean;
};
const missingIds = new Proxy({} as typeof ids, {
  get: (_t, name) => (name === 'bobChat' ? ids.bobChat : name === 'bobKey' ? ids.bobKey : MISSING),
});

const MATRIX: Call[] = [
  { op: 'GET /api/chats/{id}', method: 'get', path: (v) => `/api/chats/${v.chat}` },
  {
    op: 'PATCH /api/chats/{id}',
    method: 'patch',
    path: (v) => `/api/chats/${v.chat}`,
    body: () => ({ title: 'pwned', pinned: true, archived: true }),
  },
  {
    op: 'PATCH /api/chats/{id}',
    method: 'patch',
    path: (v) => `/api/chats/${v.bobChat}`,
    body: (v) => ({ activeLeafId: v.answer }),
  },
  {
    op: 'PUT /api/chats/{id}',
    method: 'put',
    path: (v) => `/api/chats/${v.chat}`,
    body: () => ({ title: 'pwned' }),
  },
  { op: 'DELETE /api/chats/{id}', method: 'delete', path: (v) => `/api/chats/${v.chat}` },
  {
    op: 'GET /api/chats/{id}/messages',
    method: 'get',
    path: (v) => `/api/chats/${v.chat}/messages`,
  },
  {
    op: 'GET /api/chats/{id}/messages',
    method: 'get',
    path: (v) => `/api/chats/${v.bobChat}/messages?leafId=${v.answer}`,
  },
  { op: 'GET /api/chats/{id}/export', method: 'get', path: (v) => `/api/chats/${v.chat}/export` },
  {
    op: 'GET /api/chats/{id}/export',
    method: 'get',
    path: (v) => `/api/chats/${v.chat}/export?format=markdown`,
  },
  {
    op: 'POST /api/chats/{id}/messages',
    method: 'post',
    path: (v) => `/api/chats/${v.chat}/messages`,
    body: () => ({ content: 'hi', stream: false }),
  },
  {
    op: 'POST /api/chats/{id}/messages',
    method: 'post',
    path: (v) => `/api/chats/${v.chat}/messages`,
    body: () => ({ content: 'hi', stream: true }),
  },
  {
    op: 'POST /api/chats/{id}/messages',
    method: 'post',
    path: (v) => `/api/chats/${v.bobChat}/messages`,
    body: (v) => ({ content: 'hi', stream: false, parentId: v.answer }),
  },
  {
    op: 'GET /api/chats/{id}/messages/{messageId}/stream',
    method: 'get',
    path: (v) => `/api/chats/${v.chat}/messages/${v.answer}/stream`,
  },
  {
    op: 'GET /api/chats/{id}/messages/{messageId}/stream',
    method: 'get',
    path: (v) => `/api/chats/${v.bobChat}/messages/${v.answer}/stream`,
  },
  {
    op: 'POST /api/chats/{id}/message',
    method: 'post',
    path: (v) => `/api/chats/${v.chat}/message`,
    body: () => ({ content: 'hi', stream: false }),
  },
  ...(['regenerate', 'continue'] as const).flatMap((action): Call[] => [
    {
      op: `POST /api/chats/{id}/messages/{messageId}/${action}`,
      method: 'post',
      path: (v) => `/api/chats/${v.chat}/messages/${v.answer}/${action}`,
      body: () => ({ stream: false }),
    },
    {
      op: `POST /api/chats/{id}/messages/{messageId}/${action}`,
      method: 'post',
      path: (v) => `/api/chats/${v.bobChat}/messages/${v.answer}/${action}`,
      body: () => ({ stream: false }),
    },
  ]),
  {
    op: 'DELETE /api/chats/{id}/messages/{messageId}',
    method: 'delete',
    path: (v) => `/api/chats/${v.chat}/messages/${v.question}`,
  },
  {
    op: 'DELETE /api/chats/{id}/messages/{messageId}',
    method: 'delete',
    path: (v) => `/api/chats/${v.bobChat}/messages/${v.question}`,
  },
  {
    op: 'POST /api/chats/{id}/fork',
    method: 'post',
    path: (v) => `/api/chats/${v.chat}/fork`,
    body: (v) => ({ messageId: v.answer }),
  },
  {
    op: 'POST /api/chats/{id}/fork',
    method: 'post',
    path: (v) => `/api/chats/${v.bobChat}/fork`,
    body: (v) => ({ messageId: v.answer }),
  },
  { op: 'POST /api/chats/{id}/stop', method: 'post', path: (v) => `/api/chats/${v.chat}/stop` },
  { op: 'GET /api/chat/{id}', method: 'get', path: (v) => `/api/chat/${v.chat}` },
  {
    op: 'PUT /api/chat/{id}',
    method: 'put',
    path: (v) => `/api/chat/${v.chat}`,
    body: () => ({ title: 'pwned' }),
  },
  { op: 'DELETE /api/chat/{id}', method: 'delete', path: (v) => `/api/chat/${v.chat}` },
  {
    op: 'POST /api/chat',
    method: 'post',
    path: () => '/api/chat',
    body: (v) => ({ message: 'hi', chatId: v.chat, stream: false }),
  },
  { op: 'DELETE /api/keys/{id}', method: 'delete', path: (v) => `/api/keys/${v.key}` },
  {
    op: 'POST /v1/chat/completions',
    method: 'post',
    key: true,
    path: () => '/v1/chat/completions',
    body: (v) => ({
      model: 'test-model',
      store: true,
      metadata: { chat_id: v.chat },
      messages: [{ role: 'user', content: 'hi' }],
    }),
  },
];

async function aliceHolds() {
  const db = mongoose.connection.db!;
  const of = (collection: string, filter: object) =>
    db.collection(collection).find(filter).sort({ _id: 1 }).toArray();
  const userId = new mongoose.Types.ObjectId(alice.id);
  return {
    users: await of('users', { _id: userId }),
    sessions: await of('sessions', { userId }),
    chats: await of('chats', { userId }),
    messages: await of('messages', { userId }),
    keys: await of('api_keys', { userId }),
    generations: await of('generations', {}),
    flags: await of('generation_flags', {}),
  };
}

function send(call: Call, v: typeof ids, bobKey: string) {
  const req = ctx
    .request()
    [call.method](call.path(v))
    .set('Authorization', call.key ? `Bearer ${bobKey}` : bob.auth.Authorization);
  const body = call.body?.(v);
  return body === undefined ? req : req.send(body as object);
}

/** The error without its request id, and with the id the caller sent (which /v1 echoes) masked. */
const errorOf = (res: Response, sent: string) => {
  const error = (res.body as { error?: Record<string, unknown> }).error ?? res.body;
  const { requestId: _ignored, ...rest } = (error ?? {}) as Record<string, unknown>;
  return JSON.parse(JSON.stringify(rest).replaceAll(sent, '<id>')) as unknown;
};

let bobApiKey = '';

beforeAll(async () => {
  alice = await createUser({ label: 'alice' });
  bob = await createUser({ label: 'bob' });
  ctx.upstream.setDefault({ chunks: ['secret ', 'plans'] });
  const created = await ctx
    .request()
    .post('/api/chats')
    .set(alice.auth)
    .send({ message: 'secret plans', stream: false });
  expect(created.status).toBe(201);
  ids.chat = created.body.chat.id;
  [ids.question, ids.answer] = created.body.messages.map((m: { id: string }) => m.id);
  const key = await ctx.request().post('/api/keys').set(alice.auth).send({ name: 'alice key' });
  expect(key.status).toBe(201);
  ids.key = key.body.id;
  const bobs = await ctx
    .request()
    .post('/api/chats')
    .set(bob.auth)
    .send({ message: 'my own', stream: false });
  expect(bobs.status).toBe(201);
  ids.bobChat = bobs.body.chat.id;
  const bobKey = await ctx.request().post('/api/keys').set(bob.auth).send({ name: 'bob key' });
  expect(bobKey.status).toBe(201);
  bobApiKey = bobKey.body.key;
  ids.bobKey = bobKey.body.id;
});

describe('two-user authorization matrix, from the route table', () => {
  it('when the route table is read, then every operation with a path parameter is in the matrix or exempted with its reason', async () => {
    const document = (await ctx.request().get('/api/openapi.json')).body;
    const withIds = documentedOperations(document).filter((op) => op.includes('{'));
    const inMatrix = new Set(MATRIX.map((c) => c.op));
    const missing = withIds.filter((op) => !inMatrix.has(op) && !(op in EXEMPT));
    expect(missing).toEqual([]);
  });

  it.each(MATRIX.map((c, i) => [`${c.op} #${i}`, c] as const))(
    "when Bob calls %s with Alice's ids, then the 404 of an id that names nothing, no model call, and Alice's data unchanged",
    async (_label, call) => {
      const before = await aliceHolds();
      ctx.upstream.reset();
      const theirs = await send(call, ids, bobApiKey);
      const nothing = await send(call, missingIds, bobApiKey);
      expect(theirs.status, `${call.op} → ${theirs.status} ${theirs.text.slice(0, 200)}`).toBe(404);
      expect(nothing.status).toBe(404);
      expect(errorOf(theirs, ids.chat)).toEqual(errorOf(nothing, MISSING));
      expect(theirs.text).not.toContain('secret plans');
      expect(ctx.upstream.requests).toHaveLength(0);
      expect(await aliceHolds()).toEqual(before);
    },
  );
});
