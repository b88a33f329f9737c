/**
 * Gaps a frontend developer meets in the typed client (clients/typescript/src). Each test
 * is what the README (TypeScript section) or the client's own doc comments promise.
 */
import { describe, expect, it } from 'vitest';
import {
  ApiError,
  createClient,
  readEvents,
  type StreamEvent,
} from '../../clients/typescript/src/index.js';
import { useChatApp } from '../helpers/chat-app.js';
import { uniqueEmail } from '../helpers/app.js';
import { Chat } from '../../src/modules/chats/chat.model.js';

const ctx = useChatApp({
  SIGNUP_LIMIT_PER_IP: '1000',
  LOGIN_LIMIT_PER_IP: '1000',
  LOGIN_LIMIT_PER_ACCOUNT: '1000',
  TITLES: 'off',
  DETACH_GRACE_SECONDS: '0',
});
const baseUrl = () => `http://127.0.0.1:${ctx.server.port}`;

/** A browser's cookie jar shared by every client made with it: a page load keeps the cookie. */
function jar() {
  let cookie: string | undefined;
  const fetchImpl: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    if (cookie && new URL(request.url).pathname.startsWith('/api/auth/'))
      request.headers.set('Cookie', cookie);
    const response = await fetch(request);
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0]!;
      if (/^(?:__Host-)?refresh_token=/.test(pair)) cookie = pair.endsWith('=') ? undefined : pair;
    }
    return response;
  };
  return fetchImpl;
}

async function signedUp(fetchImpl?: typeof fetch) {
  const api = createClient({ baseUrl: baseUrl(), fetch: fetchImpl });
  await api.signup({ email: uniqueEmail('gaps'), password: 'correct horse battery' });
  return api;
}

describe('typed client: what a frontend meets', () => {
  it('when getChat answers hasMore: true, then the page gives the cursor of the older messages (the Link header the server sent)', async () => {
    ctx.upstream.setDefault({ chunks: ['ok'] });
    const api = await signedUp();
    const chat = await api.createChat({ title: 'long' });
    for (const content of ['one', 'two', 'three']) await api.sendMessage(chat.id, { content });

    const page = await api.getChat(chat.id, { limit: 2 });
    expect(page.hasMore).toBe(true);
    // The same first page as a list: its Link names the older messages.
    const listed = await api.listMessagesPage(chat.id, { limit: 2 });
    expect(listed.nextCursor).toEqual(expect.any(String));
    // getChat dropped its Link header: an SPA showing hasMore has no cursor to load older ones.
    const cursor = (page as { nextCursor?: string | null }).nextCursor;
    expect(cursor).toBe(listed.nextCursor);
    const older = await api.listMessagesPage(chat.id, { limit: 2, cursor: cursor ?? undefined });
    expect(older.items.map((m) => m.content)).toEqual(['two', 'ok']);
  });

  it('when a page loads (a new client, the cookie kept) and its first call goes through api.raw, then the refused token is refreshed as for the wrapped calls', async () => {
    const fetchImpl = jar();
    await signedUp(fetchImpl);
    let ended = 0;
    const reloaded = createClient({
      baseUrl: baseUrl(),
      fetch: fetchImpl,
      onSessionEnd: () => (ended += 1),
    });
    // e.g. an admin page, the SigmaGPT-compatible list, /v1/models: routes only `raw` reaches.
    const compat = await reloaded.raw.GET('/api/chat');
    expect(compat.response.status).toBe(200);
    expect(compat.data).toEqual([]);
    expect(reloaded.token).toEqual(expect.any(String));
    expect(ended).toBe(0);
  });

  it("when a JSON startChat's model call fails (502), then the ApiError names the chat the question was stored in (X-Chat-Id)", async () => {
    ctx.upstream.script({ status: 500 });
    const api = await signedUp();
    const me = await api.me();
    const error = await api.startChat({ message: 'Hello?' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(502);
    const stored = await Chat.findOne({ userId: me.id }).lean();
    expect(stored).not.toBeNull();
    // The server sends X-Chat-Id (and exposes it to browsers through CORS) so the page can open
    // the chat, or retry there; the ApiError keeps no header: the page has to list chats and guess.
    expect((error as { chatId?: string }).chatId).toBe(String(stored!._id));
  });

  it('when an event stream ends before its done or error event (the connection closed cleanly midway), then reading it fails instead of ending as if the reply were over', async () => {
    const sse =
      'event: meta\nid: a:0\ndata: {"chat":{},"userMessage":{},"assistantMessage":{}}\n\n' +
      'event: delta\nid: a:3\ndata: {"content":"Hel"}\n\n';
    const body = new Response(sse).body!;
    const seen: StreamEvent['event'][] = [];
    const reading = (async () => {
      for await (const event of readEvents(body)) seen.push(event.event);
    })();
    await expect(reading).rejects.toMatchObject({
      name: 'StreamInterruptedError',
      lastEventId: 'a:3',
    });
    expect(seen).toEqual(['meta', 'delta']);
  });

  it('when the network fails under a call, then the error is what the platform fetch throws (not an ApiError), as errors.ts says', async () => {
    // main's errors.ts documented `status: 0 when the request never got an answer`, which nothing
    // produced; its comments now say what is thrown.
    const api = createClient({
      baseUrl: baseUrl(),
      fetch: () => Promise.reject(new TypeError('fetch failed')),
    });
    const error = await api.listModels().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(error).not.toBeInstanceOf(ApiError);
  });

  it('when the API is served under a path prefix (a proxy), then a Node client still sends its refresh cookie there and refreshes', async () => {
    // The proxy: /prefix/… reaches the server as /….
    const behindProxy: typeof fetch = (input, init) => {
      const request = new Request(input, init);
      const url = new URL(request.url);
      url.pathname = url.pathname.replace(/^\/prefix/, '');
      return fetch(new Request(url, request));
    };
    const api = createClient({ baseUrl: `${baseUrl()}/prefix/`, fetch: behindProxy });
    await api.signup({ email: uniqueEmail('prefix'), password: 'correct horse battery' });
    // Without the cookie this is a 401 (and the session would be taken for ended).
    const refreshed = await api.refresh();
    expect(refreshed.accessToken).toEqual(expect.any(String));
  });
});
