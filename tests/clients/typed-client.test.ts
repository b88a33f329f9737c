import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  ApiError,
  createClient,
  type BranchMessage,
  type SigmaClient,
  type StreamEvent,
} from '../../clients/typescript/src/index.js';
import { journey } from '../../clients/typescript/examples/usage.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { ApiKey } from '../../src/modules/keys/key.model.js';
import { Session } from '../../src/modules/auth/session.model.js';
import { User } from '../../src/modules/users/user.model.js';
import { uniqueEmail, useTestApp } from '../helpers/app.js';
import { NO_TIGHT_LIMITS } from '../helpers/auth.js';
import { eventually } from '../helpers/eventually.js';
import { useListeningApp } from '../helpers/sse.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
// DETACH_GRACE_SECONDS=0: an aborted stream cuts its reply at once (no wait for a resuming reader).
const ctx = useTestApp({
  // Every test signs its own account up, all from 127.0.0.1.
  ...NO_TIGHT_LIMITS,
  MODELS: 'demo',
  DEFAULT_MODEL: 'demo',
  DEMO_CHUNK_DELAY_MS: '5',
  DETACH_GRACE_SECONDS: '0',
  // The demo model names a chat after its first reply (the `title` event).
  TITLES: 'on',
});
const server = useListeningApp(ctx);

/** Counts the calls a client makes, by path, and can answer the access token as expired. */
function countingFetch() {
  const calls: string[] = [];
  let expireTokens = false;
  const fetchImpl: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    calls.push(new URL(request.url).pathname);
    if (expireTokens && request.headers.has('Authorization')) {
      // What an expired token looks like to the server: a signature it does not accept.
      request.headers.set('Authorization', 'Bearer expired.token.value');
    }
    return fetch(request);
  };
  return {
    calls,
    fetchImpl,
    expire: (on: boolean) => {
      expireTokens = on;
    },
  };
}

/** What a refresh can meet besides an answer from the server: a failure that says nothing of the session. */
type RefreshFailure = { status: number; code: string } | 'network';

/**
 * A fetch that refuses one access token as expired (the one a refresh brings is accepted) and,
 * while `refreshFails` is set, answers the refresh with that failure instead of the server.
 */
function failingRefreshFetch() {
  const calls: string[] = [];
  const state: { expired?: string; refreshFails?: RefreshFailure } = {};
  const fetchImpl: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const pathname = new URL(request.url).pathname;
    calls.push(pathname);
    if (pathname === '/api/auth/refresh' && state.refreshFails) {
      if (state.refreshFails === 'network') throw new TypeError('fetch failed');
      const { status, code } = state.refreshFails;
      return Response.json(
        { error: { code, message: 'Try again shortly', requestId: 'r1' } },
        { status, headers: { 'Retry-After': '5' } },
      );
    }
    if (state.expired && request.headers.get('Authorization') === `Bearer ${state.expired}`)
      request.headers.set('Authorization', 'Bearer expired.token.value');
    const response = await fetch(request);
    // A token signed within the same second can be the same string: accept it again once renewed.
    if (pathname === '/api/auth/refresh' && response.ok) state.expired = undefined;
    return response;
  };
  return { calls, state, fetchImpl };
}

/**
 * A fetch with one cookie jar for every client made with it, as a browser keeps the HttpOnly
 * refresh cookie across page loads while each load makes a new client (no token in memory).
 */
function browserJarFetch() {
  const calls: string[] = [];
  let cookie: string | undefined;
  const fetchImpl: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const pathname = new URL(request.url).pathname;
    calls.push(pathname);
    if (cookie && pathname.startsWith('/api/auth/')) request.headers.set('Cookie', cookie);
    const response = await fetch(request);
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0]!;
      if (/^(?:__Host-)?refresh_token=/.test(pair)) cookie = pair.endsWith('=') ? undefined : pair;
    }
    return response;
  };
  return { calls, fetchImpl };
}

describe('typed client', () => {
  it('when the usage example is compiled as a strict browser project, then tsc accepts it (and its @ts-expect-error lines prove the types are precise)', async () => {
    const tsc = path.join(ROOT, 'node_modules/.bin/tsc');
    const result = await promisify(execFile)(
      tsc,
      ['-p', path.join(ROOT, 'clients/typescript/examples/tsconfig.json')],
      { cwd: ROOT },
    ).catch((error: { stdout: string; code: number }) => error);
    expect('code' in result ? result.stdout : '').toBe('');
  }, 60_000);

  it('when the usage example runs against the server, then every call returns its typed result and the database holds what it did', async () => {
    const email = uniqueEmail('usage');
    const result = await journey(server.url, email);
    expect(result).toMatchObject({
      userEmail: email,
      roles: ['user', 'assistant'],
      replyStatus: 'complete',
      rawReplyStatus: 'complete',
      aborted: true,
      missing: '404 NOT_FOUND',
      defaultModel: 'demo',
    });
    expect(result.names[0]).toBe('meta');
    expect(result.names.at(-1)).toBe('done');
    expect(result.names.filter((n) => n === 'delta').length).toBeGreaterThan(1);
    expect(result.streamed).toMatch(/ \[complete\]$/);
    // Two JSON exchanges, one streamed, one aborted after its first delta: eight messages.
    expect(result.messageCount).toBe(8);
    const assistantStatuses = async () =>
      (await Message.find({ chatId: result.chatId, role: 'assistant' }).lean())
        .map((m) => m.status)
        .sort();
    // The aborted reply is finalised once the server notices the disconnect.
    expect(await eventually(assistantStatuses, (s) => s.includes('incomplete'), 10_000)).toEqual([
      'complete',
      'complete',
      'complete',
      'incomplete',
    ]);
    // logout() ended the session.
    const user = await User.findOne({ email: result.userEmail }).lean();
    expect(await Session.countDocuments({ userId: user!._id, revokedAt: null })).toBe(0);
  });

  it('when concurrent calls meet an expired access token, then one refresh serves them all and each is retried once', async () => {
    const counter = countingFetch();
    const api: SigmaClient = createClient({ baseUrl: server.url, fetch: counter.fetchImpl });
    await api.signup({ email: uniqueEmail('single-flight'), password: 'correct horse battery' });
    counter.expire(true);
    // The refresh request itself carries no Authorization header, so it is not rewritten; once it
    // has run the new token is accepted again.
    const refreshed = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (counter.calls.includes('/api/auth/refresh')) {
          counter.expire(false);
          clearInterval(check);
          resolve();
        }
      }, 1);
    });
    const results = await Promise.all([api.me(), api.listChats(), api.listModels(), api.me()]);
    await refreshed;
    expect(results[0].email).toBe(results[3].email);
    expect(counter.calls.filter((p) => p === '/api/auth/refresh')).toHaveLength(1);
    // Each of the four was answered 401 once and retried once.
    expect(
      counter.calls.filter((p) => !p.startsWith('/api/auth/') || p === '/api/auth/me'),
    ).toHaveLength(8);
    expect(api.token).toBeDefined();
  });

  it('when the current password is wrong, then the 401 is not taken for an expired token: it is sent once, with no refresh', async () => {
    const counter = countingFetch();
    const api = createClient({ baseUrl: server.url, fetch: counter.fetchImpl });
    const email = uniqueEmail('typo');
    await api.signup({ email, password: 'correct horse battery' });
    const tokenBefore = api.token;
    const error = await api
      .changePassword({ currentPassword: 'not my password', newPassword: 'whatever 1234' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
    expect(counter.calls.filter((p) => p === '/api/auth/password')).toHaveLength(1);
    expect(counter.calls).not.toContain('/api/auth/refresh');
    expect(api.token).toBe(tokenBefore);
    // The session goes on, and the old password still works.
    expect((await api.me()).email).toBe(email);
    const user = await User.findOne({ email }).lean();
    expect(await Session.countDocuments({ userId: user!._id, revokedAt: null })).toBe(1);
  });

  it('when the session cannot be refreshed, then the call fails with a typed ApiError and onSessionEnd runs', async () => {
    let ended = 0;
    const api = createClient({ baseUrl: server.url, onSessionEnd: () => (ended += 1) });
    await api.signup({ email: uniqueEmail('ended'), password: 'correct horse battery' });
    // Log out behind the client's back (another tab): its token and its cookie are revoked.
    const logout = await fetch(`${server.url}/api/auth/logout`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${api.token}` },
    });
    expect(logout.status).toBe(204);
    const error = await api.me().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401, code: expect.any(String) });
    expect(ended).toBe(1);
    expect(api.token).toBeUndefined();
  });

  it('when a page is loaded again (a new client without a token, the cookie kept), then its first refused calls refresh once through the cookie and are retried: no login needed', async () => {
    const jar = browserJarFetch();
    const before = createClient({ baseUrl: server.url, fetch: jar.fetchImpl });
    const email = uniqueEmail('reload');
    await before.signup({ email, password: 'correct horse battery' });
    const chat = await before.createChat({ title: 'before the reload' });

    let ended = 0;
    const reloaded = createClient({
      baseUrl: server.url,
      fetch: jar.fetchImpl,
      onSessionEnd: () => (ended += 1),
    });
    expect(reloaded.token).toBeUndefined();
    jar.calls.length = 0;
    const [chats, me] = await Promise.all([reloaded.listChats(), reloaded.me()]);
    expect(chats.map((c) => c.id)).toEqual([chat.id]);
    expect(me.email).toBe(email);
    expect(jar.calls.filter((p) => p === '/api/auth/refresh')).toHaveLength(1);
    expect(reloaded.token).toEqual(expect.any(String));
    expect(ended).toBe(0);

    // A page whose first call is a stream does the same.
    const streaming = createClient({ baseUrl: server.url, fetch: jar.fetchImpl });
    jar.calls.length = 0;
    const names: StreamEvent['event'][] = [];
    for await (const event of streaming.stream(chat.id, { content: 'after the reload' }))
      names.push(event.event);
    expect(names.at(-1)).toBe('done');
    expect(jar.calls).toEqual([
      `/api/chats/${chat.id}/messages`,
      '/api/auth/refresh',
      `/api/chats/${chat.id}/messages`,
    ]);
    expect(await Message.countDocuments({ chatId: chat.id })).toBe(2);
    const user = await User.findOne({ email }).lean();
    expect(await Session.countDocuments({ userId: user!._id, revokedAt: null })).toBe(1);
  });

  it('when a page loads with no session behind its cookie, then its first refused calls try one refresh, throw 401 UNAUTHENTICATED and run onSessionEnd once; no call refreshes again until a login', async () => {
    const jar = browserJarFetch();
    let ended = 0;
    const api = createClient({
      baseUrl: server.url,
      fetch: jar.fetchImpl,
      onSessionEnd: () => (ended += 1),
    });
    const refused = await Promise.all([
      api.listChats().catch((e: unknown) => e),
      api.me().catch((e: unknown) => e),
    ]);
    for (const error of refused) {
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    }
    const refreshes = () => jar.calls.filter((p) => p === '/api/auth/refresh').length;
    expect(refreshes()).toBe(1);
    expect(ended).toBe(1);

    // The server said there is no session: later calls are refused without a refresh.
    await expect(api.listChats()).rejects.toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    const streamed = (async () => {
      for await (const _event of api.streamNewChat({ message: 'hi' }));
    })();
    await expect(streamed).rejects.toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(refreshes()).toBe(1);
    expect(ended).toBe(1);

    // A login starts a session, which refreshes again; a logout ends it, and nothing refreshes.
    await api.signup({ email: uniqueEmail('no-session'), password: 'correct horse battery' });
    expect(await api.listChats()).toEqual([]);
    await api.logout();
    await expect(api.me()).rejects.toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(refreshes()).toBe(1);
    expect(ended).toBe(1);
  });

  const transient: [string, RefreshFailure][] = [
    ['503 SERVICE_UNAVAILABLE', { status: 503, code: 'SERVICE_UNAVAILABLE' }],
    ['503 SERVER_BUSY', { status: 503, code: 'SERVER_BUSY' }],
    ['429 RATE_LIMITED', { status: 429, code: 'RATE_LIMITED' }],
    ['a network error', 'network'],
  ];
  for (const [label, failure] of transient) {
    it(`when the refresh of an expired token fails with ${label}, then the call throws it and the session goes on: token and cookie are kept, and the next call refreshes and succeeds`, async () => {
      const flaky = failingRefreshFetch();
      let ended = 0;
      const api = createClient({
        baseUrl: server.url,
        fetch: flaky.fetchImpl,
        onSessionEnd: () => (ended += 1),
      });
      const email = uniqueEmail('refresh-outage');
      await api.signup({ email, password: 'correct horse battery' });
      const chat = await api.createChat({ title: 'outage' });
      const expired = api.token!;
      flaky.state.expired = expired;
      flaky.state.refreshFails = failure;

      const fromCall = await api.me().catch((e: unknown) => e);
      const fromStream = await (async () => {
        for await (const _event of api.stream(chat.id, { content: 'during the outage' }));
      })().catch((e: unknown) => e);
      for (const error of [fromCall, fromStream]) {
        if (failure === 'network') expect(error).toBeInstanceOf(TypeError);
        else {
          expect(error).toBeInstanceOf(ApiError);
          expect(error).toMatchObject({ ...failure, retryAfter: 5 });
        }
      }
      expect(ended).toBe(0);
      expect(api.token).toBe(expired);
      expect(await Message.countDocuments({ chatId: chat.id })).toBe(0);

      // Over: the next call refreshes with the cookie the client kept, and goes through.
      flaky.state.refreshFails = undefined;
      expect(await api.me()).toMatchObject({ email });
      const sent = await api.sendMessage(chat.id, { content: 'after the outage' });
      expect(sent.messages.map((m) => m.status)).toEqual(['complete', 'complete']);
      expect(flaky.calls.filter((p) => p === '/api/auth/refresh')).toHaveLength(3);
      expect(ended).toBe(0);
      const user = await User.findOne({ email }).lean();
      expect(await Session.countDocuments({ userId: user!._id, revokedAt: null })).toBe(1);
    });
  }

  it("when a user logs in while a page load's refresh is still on its way and is then refused, then the login's session is kept: no onSessionEnd, the new token works", async () => {
    const email = uniqueEmail('login-during-refresh');
    const password = 'correct horse battery staple';
    await createClient({ baseUrl: server.url }).signup({ email, password });
    let answerRefresh!: () => void;
    const refreshAnswered = new Promise<void>((resolve) => (answerRefresh = resolve));
    let refreshSent!: () => void;
    const refreshOut = new Promise<void>((resolve) => (refreshSent = resolve));
    const fetchImpl: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      if (new URL(request.url).pathname !== '/api/auth/refresh') return fetch(request);
      refreshSent();
      // Refused (no session behind this page's cookie), and the answer comes late.
      const response = await fetch(request);
      await refreshAnswered;
      return response;
    };
    let ended = 0;
    const api = createClient({
      baseUrl: server.url,
      fetch: fetchImpl,
      onSessionEnd: () => (ended += 1),
    });
    const probe = api.me().catch((e: unknown) => e);
    await refreshOut;
    const auth = await api.login({ email, password });
    answerRefresh();
    expect(await probe).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(ended).toBe(0);
    expect(api.token).toBe(auth.accessToken);
    expect((await api.me()).email).toBe(email);
  });

  it('when the refresh is refused for a disabled account (403 ACCOUNT_DISABLED), then the session ends: the call throws it, onSessionEnd runs and the token is dropped', async () => {
    const flaky = failingRefreshFetch();
    let ended = 0;
    const api = createClient({
      baseUrl: server.url,
      fetch: flaky.fetchImpl,
      onSessionEnd: () => (ended += 1),
    });
    await api.signup({ email: uniqueEmail('refresh-disabled'), password: 'correct horse battery' });
    flaky.state.expired = api.token!;
    flaky.state.refreshFails = { status: 403, code: 'ACCOUNT_DISABLED' };
    const error = await api.me().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 403, code: 'ACCOUNT_DISABLED' });
    expect(ended).toBe(1);
    expect(api.token).toBeUndefined();
  });

  it('when a page streams, regenerates, continues and follows replies with the typed client, then every stream is typed end to end and retries never send twice', async () => {
    const api = createClient({ baseUrl: server.url });
    await api.signup({ email: uniqueEmail('journey'), password: 'correct horse battery' });
    const all = async (events: AsyncGenerator<StreamEvent>) => {
      const out: StreamEvent[] = [];
      for await (const event of events) out.push(event);
      return out;
    };
    const textOf = (events: StreamEvent[]) =>
      events.map((e) => (e.event === 'delta' ? e.data.content : '')).join('');

    // A new chat: meta, deltas, the model's title (carrying the last id), done.
    const first = await all(api.streamNewChat({ message: 'Name three colours' }));
    expect(first.map((e) => e.event).filter((n) => n !== 'delta')).toEqual([
      'meta',
      'title',
      'done',
    ]);
    const title = first.find((e) => e.event === 'title')!;
    const lastDelta = first.filter((e) => e.event === 'delta').at(-1)!;
    expect(title.id).toBe(lastDelta.id);
    const opened = first[0]!;
    if (title.event !== 'title' || opened.event !== 'meta') throw new Error('typed events');
    const chatId = opened.data.chat.id;
    expect(title.data.chat.id).toBe(chatId);
    const done = first.at(-1)!;
    if (done.event !== 'done') throw new Error('done');
    const answerId = done.data.message.id;

    // Followed afterwards from the beginning, it is the same text; after its final event, nothing.
    const followed = await all(api.followReply(chatId, answerId));
    expect(textOf(followed)).toBe(done.data.message.content);
    expect(await all(api.followReply(chatId, answerId, { lastEventId: done.id }))).toEqual([]);

    // Regenerate: a new answer beside the first one.
    const again = await all(api.regenerate(chatId, answerId));
    const regenerated = again.at(-1)!;
    if (regenerated.event !== 'done') throw new Error('done');
    expect(regenerated.data.message.id).not.toBe(answerId);
    expect(regenerated.data.message.parentId).toBe(done.data.message.parentId);

    // A reply cut when its reader left (DETACH_GRACE_SECONDS=0), then continued: meta shows the
    // cut text, the deltas add to it.
    const reading = new AbortController();
    let cutId = '';
    try {
      for await (const event of api.stream(
        chatId,
        { content: 'A long one' },
        { signal: reading.signal },
      )) {
        if (event.event === 'meta') cutId = event.data.assistantMessage.id;
        if (event.event === 'delta') reading.abort();
      }
    } catch (error) {
      expect((error as Error).name).toBe('AbortError');
    }
    const cut = await eventually(
      () => Message.findById(cutId).lean(),
      (m) => m?.status === 'incomplete',
      10_000,
    );
    expect(cut).toMatchObject({ status: 'incomplete', stopReason: 'detached' });
    const continued = await all(api.continueReply(chatId, cutId));
    const meta = continued[0]!;
    const end = continued.at(-1)!;
    if (meta.event !== 'meta' || end.event !== 'done') throw new Error('meta … done');
    expect(meta.data.assistantMessage.content).toBe(cut!.content);
    expect(meta.data.assistantMessage.content + textOf(continued)).toBe(end.data.message.content);
    // Continued to its end, it was not cut any more.
    expect(end.data.message).toMatchObject({ status: 'complete', stopReason: null });

    // The same Idempotency-Key twice: the second stream is the first exchange again.
    const key = `retry-${Date.now()}`;
    const once = await all(api.stream(chatId, { content: 'Only once' }, { idempotencyKey: key }));
    const twice = await all(api.stream(chatId, { content: 'Only once' }, { idempotencyKey: key }));
    const idOf = (events: StreamEvent[]) =>
      events[0]!.event === 'meta' ? events[0]!.data.assistantMessage.id : undefined;
    expect(idOf(twice)).toBe(idOf(once));
    expect(await Message.countDocuments({ chatId, content: 'Only once' })).toBe(1);
  });

  it('when baseUrl ends with a slash, then the streams reach the same routes as the JSON calls', async () => {
    const counter = countingFetch();
    const api = createClient({ baseUrl: `${server.url}/`, fetch: counter.fetchImpl });
    await api.signup({ email: uniqueEmail('slash'), password: 'correct horse battery' });
    const chat = await api.createChat({ title: 'slash' });
    const sent = await api.sendMessage(chat.id, { content: 'hi' });
    expect(sent.messages.map((m) => m.status)).toEqual(['complete', 'complete']);

    const streamed: StreamEvent[] = [];
    for await (const event of api.stream(chat.id, { content: 'and streamed?' }))
      streamed.push(event);
    const done = streamed.at(-1)!;
    if (done.event !== 'done') throw new Error(`ended with ${done.event}`);
    expect(done.data.message).toMatchObject({ role: 'assistant', status: 'complete' });
    const followed: StreamEvent[] = [];
    for await (const event of api.followReply(chat.id, done.data.message.id)) followed.push(event);
    expect(followed.map((e) => e.event).at(-1)).toBe('done');

    expect(await Message.countDocuments({ chatId: chat.id })).toBe(4);
    expect(counter.calls.filter((p) => !p.startsWith('/api/'))).toEqual([]);
  });

  it("when a JSON send's (or a fork's) answer is lost and the page sends it again with the same idempotencyKey, then the retry answers with the first result and nothing is stored twice", async () => {
    // The server answers, but the answer never reaches the page (a dropped connection).
    const keys: (string | null)[] = [];
    const lost = new Set<string>();
    const fetchImpl: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      const key = request.headers.get('Idempotency-Key');
      if (request.method === 'POST' && new URL(request.url).pathname.startsWith('/api/chats'))
        keys.push(key);
      const response = await fetch(request);
      if (key && !lost.has(key)) {
        lost.add(key);
        await response.arrayBuffer();
        throw new TypeError('fetch failed');
      }
      return response;
    };
    const api = createClient({ baseUrl: server.url, fetch: fetchImpl });
    await api.signup({ email: uniqueEmail('json-retry'), password: 'correct horse battery' });
    const twice = async <T>(send: () => Promise<T>) => {
      await expect(send()).rejects.toThrow(TypeError);
      return send();
    };

    const chat = await twice(() =>
      api.createChat({ title: 'once' }, { idempotencyKey: 'create-1' }),
    );
    const sent = await twice(() =>
      api.sendMessage(chat.id, { content: 'Only once' }, { idempotencyKey: 'send-1' }),
    );
    expect(sent.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(sent.messages[1].status).toBe('complete');
    const started = await twice(() =>
      api.startChat({ message: 'A new chat, once' }, { idempotencyKey: 'start-1' }),
    );
    expect(started.chat.id).toBe(started.id);
    expect(started.messages.map((m) => m.content)[0]).toBe('A new chat, once');
    const forked = await twice(() =>
      api.fork(chat.id, { messageId: sent.messages[1].id }, { idempotencyKey: 'fork-1' }),
    );

    expect(keys).toEqual([
      'create-1',
      'create-1',
      'send-1',
      'send-1',
      'start-1',
      'start-1',
      'fork-1',
      'fork-1',
    ]);
    const user = await User.findOne({ email: (await api.me()).email }).lean();
    expect((await api.listChats()).map((c) => c.id).sort()).toEqual(
      [chat.id, started.id, forked.id].sort(),
    );
    expect(await Message.countDocuments({ chatId: forked.id })).toBe(2);
    expect(await Message.countDocuments({ chatId: chat.id, content: 'Only once' })).toBe(1);
    expect(await Message.countDocuments({ chatId: chat.id })).toBe(2);
    expect(await Message.countDocuments({ chatId: started.id })).toBe(2);
    expect(await Message.countDocuments({ userId: user!._id })).toBe(6);
  });

  it("when a JSON call's signal is aborted, then it rejects with the AbortError, as a stream does: before it is sent nothing is stored, while it waits the wait ends", async () => {
    const api = createClient({ baseUrl: server.url });
    await api.signup({ email: uniqueEmail('json-abort'), password: 'correct horse battery' });
    const user = await User.findOne({ email: (await api.me()).email }).lean();
    // A live signal changes nothing.
    const live = { signal: new AbortController().signal };
    const chat = await api.createChat({}, live);
    const { messages } = await api.sendMessage(chat.id, { content: 'hi' }, live);
    const stored = await Message.countDocuments({ userId: user!._id });
    const aborted = { signal: AbortSignal.abort(), idempotencyKey: `aborted-${Date.now()}` };
    const calls = {
      createChat: () => api.createChat({}, aborted),
      startChat: () => api.startChat({ message: 'x' }, aborted),
      sendMessage: () => api.sendMessage(chat.id, { content: 'x' }, aborted),
      sendCompat: () => api.sendCompat({ message: 'x', chatId: chat.id }, aborted),
      fork: () => api.fork(chat.id, { messageId: messages[1].id }, aborted),
    };
    for (const [name, call] of Object.entries(calls))
      await expect(call(), name).rejects.toMatchObject({ name: 'AbortError' });
    expect(await Message.countDocuments({ userId: user!._id })).toBe(stored);

    // A network that never answers: aborting ends the wait (the signal reaches the fetch).
    const silent = createClient({
      baseUrl: server.url,
      fetch: (input, init) =>
        new Promise<Response>((_, reject) => {
          const { signal } = new Request(input, init);
          // Aborted already when the call reaches its fetch (the client awaits its middleware).
          if (signal.aborted) reject(signal.reason as Error);
          signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
        }),
    });
    for (const send of [
      (signal: AbortSignal) => silent.sendMessage(chat.id, { content: 'x' }, { signal }),
      (signal: AbortSignal) => silent.startChat({ message: 'x' }, { signal }),
      (signal: AbortSignal) => silent.sendCompat({ message: 'x' }, { signal }),
      (signal: AbortSignal) => silent.fork(chat.id, { messageId: messages[1].id }, { signal }),
    ]) {
      const waiting = new AbortController();
      const sent = send(waiting.signal);
      waiting.abort();
      await expect(sent).rejects.toMatchObject({ name: 'AbortError' });
    }
  });

  it('when the server refuses a stream before it opens, then stream() throws the ApiError instead of yielding events', async () => {
    const api = createClient({ baseUrl: server.url });
    await api.signup({ email: uniqueEmail('refused'), password: 'correct horse battery' });
    const iterate = async () => {
      for await (const _event of api.stream('000000000000000000000000', { content: 'hi' }));
    };
    await expect(iterate()).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('when an SPA pages chats and a branch, deletes and forks, and manages its keys and usage with the typed client, then each call is typed and the database holds what it did', async () => {
    const api = createClient({ baseUrl: server.url });
    await api.signup({ email: uniqueEmail('pages'), password: 'correct horse battery' });
    const chat = await api.createChat({ title: 'paged' });
    await api.createChat({ title: 'another' });
    for (const content of ['one', 'two', 'three']) await api.sendMessage(chat.id, { content });

    // Chats, one page at a time, by the cursor the Link header names.
    const firstChats = await api.listChatsPage({ limit: 1 });
    expect(firstChats.items).toHaveLength(1);
    expect(firstChats.nextCursor).toEqual(expect.any(String));
    const lastChats = await api.listChatsPage({ limit: 1, cursor: firstChats.nextCursor! });
    expect(lastChats.nextCursor).toBeNull();
    expect([...firstChats.items, ...lastChats.items].map((c) => c.title).sort()).toEqual([
      'another',
      'paged',
    ]);

    // A branch, newest page first: `siblingIds` is typed on what a page lists.
    const pages: BranchMessage[][] = [];
    let cursor: string | undefined;
    do {
      const page = await api.listMessagesPage(chat.id, { limit: 4, cursor });
      pages.push(page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(pages.map((items) => items.length)).toEqual([4, 2]);
    const branch = pages.reverse().flat();
    expect(branch.map((m) => m.content).filter((_, i) => i % 2 === 0)).toEqual([
      'one',
      'two',
      'three',
    ]);
    expect(branch.every((m) => Array.isArray(m.siblingIds))).toBe(true);

    // The whole chat as a file: JSON typed as ChatExport, Markdown as text.
    const exported = await api.exportChat(chat.id);
    expect(exported.chat.id).toBe(chat.id);
    expect(exported.messages.map((m) => m.id)).toEqual(branch.map((m) => m.id));
    const document = await api.exportChatMarkdown(chat.id);
    expect(document.startsWith('# paged\n\n## User\n\none\n\n## Assistant\n\n')).toBe(true);
    // Imported back: a new chat, its active branch as the original's.
    const imported = await api.importChat(exported, { idempotencyKey: 'import-typed' });
    expect(imported.id).not.toBe(chat.id);
    expect(imported.messages.map((m) => m.content)).toEqual(branch.map((m) => m.content));
    await api.deleteChat(imported.id);

    const forked = await api.fork(chat.id, { messageId: branch[1]!.id });
    expect(await Message.countDocuments({ chatId: forked.id })).toBe(2);
    await api.deleteMessage(chat.id, branch[4]!.id);
    expect(await Message.countDocuments({ chatId: chat.id })).toBe(4);

    const key = await api.createKey({ name: 'laptop' });
    expect(key.key).toMatch(/^sgpt_/);
    expect((await api.listKeys()).map((k) => k.id)).toEqual([key.id]);
    await api.deleteKey(key.id);
    expect(await ApiKey.countDocuments({ _id: key.id })).toBe(0);
    const usage = await api.usage();
    expect(usage.total.totalTokens).toBeGreaterThan(0);
  });

  it('when an error answer carries Retry-After, then the ApiError has it in seconds', () => {
    const refused = new Response(null, { status: 429, headers: { 'Retry-After': '54' } });
    const body = { error: { code: 'RATE_LIMITED', message: 'At most 30', requestId: 'r1' } };
    expect(ApiError.fromBody(refused, body)).toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
      retryAfter: 54,
    });
    expect(ApiError.fromBody(new Response(null, { status: 404 }), body).retryAfter).toBeUndefined();
  });
});
