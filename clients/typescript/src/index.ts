import createFetchClient, { type Client } from 'openapi-fetch';
import { ApiError } from './errors.js';
import type { components, paths } from './schema.js';
import { readEvents, type StreamEvent } from './stream.js';

export { ApiError, StreamInterruptedError, type ErrorCode } from './errors.js';
export { readEvents, type StreamEvent } from './stream.js';
export type { components, paths } from './schema.js';

type Schemas = components['schemas'];
export type User = Schemas['User'];
export type AuthResult = Schemas['AuthResult'];
export type Chat = Schemas['Chat'];
export type ChatWithMessages = Schemas['ChatWithMessages'];
/** A chat with the latest page of its branch, and the cursor of the older messages (`hasMore`). */
export type ChatPage = ChatWithMessages & {
  /** `listMessagesPage(id, { cursor: nextCursor })` loads the older messages; null: none. */
  nextCursor: string | null;
};
export type Message = Schemas['Message'];
/** Why a reply failed (`Message.error`, the `error` event): `code` is one of a known set. */
export type ReplyError = NonNullable<Message['error']>;
/** A message as a branch or tree page lists it: with `siblingIds`, for a "‹ 2/3 ›" switcher. */
export type BranchMessage = Schemas['BranchMessage'];
export type ExchangeResult = Schemas['ExchangeResult'];
/** POST /api/chats answers the new Chat; with a first message also its `chat` and `messages`. */
export type CreatedChat = Schemas['CreatedChat'];
export type StartedChat = CreatedChat & Required<Pick<CreatedChat, 'chat' | 'messages'>>;
export type Model = Schemas['Model'];
export type StopResult = Schemas['StopResult'];
/** A chat with every message of every branch, oldest first (`parentId` makes the tree). */
export type ChatExport = Schemas['ChatExport'];
/** What importChat takes: a ChatExport, as exportChat answers it (of any account or server). */
export type ChatImport = Schemas['ChatImport'];
export type ApiKey = JsonResult<'/api/keys', 'get'>[number];
export type CreatedApiKey = JsonResult<'/api/keys', 'post'>;
export type UsageReport = JsonResult<'/api/usage', 'get'>;

/** One page of a list, and the cursor of the next (null on the last page). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;
type JsonResult<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: { [S in 200 | 201]?: { content: { 'application/json': infer R } } };
}
  ? R
  : never;
type Query<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  parameters: { query?: infer Q };
}
  ? NonNullable<Q>
  : never;

/** How a send is made safe to retry (README "Reconnecting"). */
export interface SendOptions {
  /**
   * Sent as `Idempotency-Key`: the same key and body get the same answer back (the same chat, the
   * same exchange), so a retry never sends the message twice. A new key for each new send.
   */
  idempotencyKey?: string;
  /**
   * Aborting it stops waiting: the call rejects with the platform's AbortError. A reply already
   * asked for goes on (`stopReply` stops it), and a send with the same `idempotencyKey` answers
   * with it.
   */
  signal?: AbortSignal;
}

/** How a stream is read, and made safe to retry (README "Reconnecting"). */
export interface StreamOptions extends SendOptions {
  /** Aborting it stops reading (the reply goes on; `stopReply` stops it). */
  signal?: AbortSignal;
  /** The `id` of the last event received: the server resumes the reply after it, never sends again. */
  lastEventId?: string;
}

/**
 * The description with the `text/event-stream` answers left out: openapi-fetch parses bodies as
 * JSON, so those are read with `stream()` instead, and every JSON result gets one precise type.
 * Beside a JSON 201, a 200 or 204 without `content` is a stream (described outside `content`) or
 * a stream reconnect's "nothing more" (`Last-Event-ID`), which JSON calls never get.
 */
type WithoutStreams<R> = {
  [
    S in keyof R as R[S] extends { content: { 'text/event-stream': unknown } }
      ? never
      : S extends 200 | 204
        ? 201 extends keyof R
          ? R[S] extends { content: object }
            ? S
            : never
          : S
        : S
  ]: R[S];
};
type JsonOperation<O> = O extends { responses: infer R }
  ? Omit<O, 'responses'> & { responses: WithoutStreams<R> }
  : O;
export type JsonPaths = {
  [P in keyof paths]: { [M in keyof paths[P]]: JsonOperation<paths[P][M]> };
};

export interface ClientOptions {
  /**
   * Where the API is, e.g. `http://localhost:3000` (a trailing slash is dropped); '' for the
   * page's own origin.
   */
  baseUrl: string;
  /** A fetch to use instead of the global one. */
  fetch?: typeof fetch;
  /**
   * Called once the server refuses to refresh the session (log in again): also when a client
   * started without a token (a page load) finds no session behind the cookie. A refresh that fails
   * for another reason (503, 429, the network) is thrown to the call and ends nothing.
   */
  onSessionEnd?: () => void;
}

/** The refresh cookie's names: production's (`__Host-`, HTTPS only) and development's. */
const REFRESH_COOKIES = new Set(['__Host-refresh_token', 'refresh_token']);

/**
 * A SigmaGPT API client. Keeps the access token in memory; the refresh token stays in the
 * HttpOnly cookie the server sets (browsers keep it; on Node, where fetch has no cookie jar, the
 * client keeps it). A request refused for its access token (401 `UNAUTHENTICATED`) refreshes the
 * session once (one refresh shared by all concurrent requests) and is retried once; a wrong
 * password (401 `INVALID_CREDENTIALS`) is not sent again. A client made without a token (after a
 * page load, the cookie outlives the page) does the same with its first refused request, so an
 * SPA needs no refresh of its own at start-up; once the server has refused the session, requests
 * are not refreshed again until a login, sign-up or `refresh()` starts one.
 */
export class SigmaClient {
  /**
   * openapi-fetch over the description, for any route; JSON results precisely typed. A refused
   * access token is refreshed and the request sent once more, as for every call (not when the
   * request sets its own Authorization); a refresh that fails rejects the call with its error.
   */
  readonly raw: Client<JsonPaths>;
  private accessToken: string | undefined;
  /** The refresh cookie as the server named it (Node only), sent back under that name. */
  private refreshCookie: { name: string; value: string } | undefined;
  private refreshing: Promise<AuthResult> | undefined;
  /**
   * Whether a refused request may refresh: true while a session may be behind the cookie (from
   * the start, since a page load keeps the cookie, and after each login, sign-up or refresh); false
   * once the server refused the refresh, or the session was ended here (logout, deleted account).
   */
  private mayRefresh = true;
  /**
   * Counts the sessions this client began or ended (login, sign-up, refresh, logout): a refresh
   * refused after another session began (a login while a page load's refresh was on its way) is
   * about the session before it, and ends nothing.
   */
  private sessionsSeen = 0;
  private readonly fetchImpl: typeof fetch;
  /** The Authorization values this client set lately: any other is its caller's own. */
  private readonly sentBearers = new Set<string>();
  /** `options.baseUrl` without its trailing slashes: every path is appended to it as `/api/…`. */
  private readonly baseUrl: string;
  /** Where the session's routes are, which the refresh cookie goes to (Node only). */
  private readonly authPath: string;

  constructor(private readonly options: ClientOptions) {
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    // Under the base URL's own path (a proxy's prefix), if it has one.
    this.authPath = `${new URL(this.baseUrl || '/', 'http://localhost').pathname.replace(/\/+$/, '')}/api/auth/`;
    this.raw = createFetchClient<JsonPaths>({
      baseUrl: this.baseUrl,
      credentials: 'include',
      // Called with the request as every middleware left it, the app's own included: that is the
      // request sent again after a refresh, and the app's middleware sees the answer to it.
      fetch: (request) => this.sendRefreshing(request),
    });
    this.raw.use({
      onRequest: ({ request }) => {
        // Every `raw` answer is typed as JSON (JsonPaths): say so, or a route that streams by
        // default (POST /api/chat) sends an event stream that openapi-fetch cannot parse.
        if (!request.headers.has('Accept')) request.headers.set('Accept', 'application/json');
        this.authorize(request);
        return request;
      },
    });
  }

  /** Adds the access token (unless the request has an Authorization) and, on Node, the cookie. */
  private authorize(request: Request): void {
    if (this.accessToken && !request.headers.has('Authorization')) {
      const bearer = `Bearer ${this.accessToken}`;
      request.headers.set('Authorization', bearer);
      this.sentBearers.add(bearer);
      // The last few are enough to know a request still on its way; older tokens have expired.
      if (this.sentBearers.size > 4)
        this.sentBearers.delete(this.sentBearers.values().next().value!);
    }
    // Node only: browsers refuse to let scripts set Cookie (and send their own).
    if (this.refreshCookie && new URL(request.url).pathname.startsWith(this.authPath))
      request.headers.set('Cookie', `${this.refreshCookie.name}=${this.refreshCookie.value}`);
  }

  /**
   * Sends a `raw` request. Refused for this client's token (or for having none) while a session
   * may be there, it refreshes once (shared) and goes once more with the new token. One that
   * carries an Authorization of its caller's (an API key on /v1, set in the call or by a
   * middleware) is not refreshed. A refresh that fails rejects the call with its error (the
   * session ended: `onSessionEnd` has run).
   */
  private async sendRefreshing(request: Request): Promise<Response> {
    const authorization = request.headers.get('Authorization');
    const refreshable =
      mayRetry(request) && (authorization === null || this.sentBearers.has(authorization));
    const copy = refreshable ? request.clone() : undefined;
    const response = await this.fetchImpl(request);
    this.keepRefreshCookie(response);
    if (!copy || response.status !== 401 || !this.mayRefresh) return response;
    const body: unknown = await response
      .clone()
      .json()
      .catch(() => undefined);
    if (!tokenRefused(ApiError.fromBody(response, body))) return response;
    await this.refreshOrEnd();
    copy.headers.delete('Authorization');
    this.authorize(copy);
    const retried = await this.fetchImpl(copy);
    this.keepRefreshCookie(retried);
    return retried;
  }

  /** The access token in use, if any (for a WebSocket, a download link …). */
  get token(): string | undefined {
    return this.accessToken;
  }

  // ---- Auth -----------------------------------------------------------------------------------

  async signup(body: Body<'/api/auth/signup', 'post'>): Promise<AuthResult> {
    return this.session(await this.raw.POST('/api/auth/signup', { body }));
  }

  async login(body: Body<'/api/auth/login', 'post'>): Promise<AuthResult> {
    return this.session(await this.raw.POST('/api/auth/login', { body }));
  }

  /** Ends the session (access token and refresh cookie) on every instance. */
  async logout(): Promise<void> {
    const result = await this.raw.POST('/api/auth/logout');
    this.accessToken = undefined;
    this.refreshCookie = undefined;
    this.mayRefresh = false;
    this.sessionsSeen += 1;
    await this.ok(result);
  }

  /**
   * A new access token from the refresh cookie. Concurrent callers share one request: the cookie
   * rotates on every use, so two refreshes with the same cookie would end the session.
   */
  refresh(): Promise<AuthResult> {
    this.refreshing ??= (async () => {
      try {
        const post = () => this.raw.POST('/api/auth/refresh');
        let result = await post();
        // Another tab's password change replaced the cookie this request left with (409): the
        // browser holds the new one by now, and the session goes on.
        if (result.error?.error?.code === 'REFRESH_COOKIE_REPLACED') result = await post();
        return this.session(result);
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  me(): Promise<User> {
    return this.call(() => this.raw.GET('/api/auth/me'));
  }

  updateMe(body: Body<'/api/auth/me', 'patch'>): Promise<User> {
    return this.call(() => this.raw.PATCH('/api/auth/me', { body }));
  }

  /** Ends every other session; this one goes on (with a new refresh cookie, kept on Node too). */
  async changePassword(body: Body<'/api/auth/password', 'post'>): Promise<void> {
    await this.call(() => this.raw.POST('/api/auth/password', { body }));
  }

  /** Deletes the account with all its chats, messages and sessions. */
  async deleteAccount(body: Body<'/api/auth/me', 'delete'>): Promise<void> {
    await this.call(() => this.raw.DELETE('/api/auth/me', { body }));
    this.accessToken = undefined;
    this.refreshCookie = undefined;
    this.mayRefresh = false;
    this.sessionsSeen += 1;
  }

  // ---- Chats ----------------------------------------------------------------------------------

  listChats(query?: Query<'/api/chats', 'get'>): Promise<Chat[]> {
    return this.listChatsPage(query).then((page) => page.items);
  }

  /** A page of chats and the cursor of the next (`query.cursor` for it), from the `Link` header. */
  listChatsPage(query?: Query<'/api/chats', 'get'>): Promise<Page<Chat>> {
    return this.page(() => this.raw.GET('/api/chats', { params: { query } }));
  }

  /** A new, empty chat. To create one with its first message, use `startChat` or `streamNewChat`. */
  createChat(
    body: Omit<Body<'/api/chats', 'post'>, 'message' | 'stream'> = {},
    options: SendOptions = {},
  ): Promise<Chat> {
    return this.call(() =>
      this.raw.POST('/api/chats', {
        params: idempotencyParams(options),
        body,
        ...signalOf(options),
      }),
    );
  }

  /** A new chat with its first message, answered as JSON once the reply is complete. */
  startChat(
    body: Omit<Body<'/api/chats', 'post'>, 'stream'> & { message: string },
    options: SendOptions = {},
  ): Promise<StartedChat> {
    return this.call(() =>
      this.raw.POST('/api/chats', {
        params: idempotencyParams(options),
        body: { ...body, stream: false },
        ...signalOf(options),
      }),
    ) as Promise<StartedChat>;
  }

  /** A chat with the latest page of its active branch; `nextCursor` pages to older messages. */
  async getChat(id: string, query?: Query<'/api/chats/{id}', 'get'>): Promise<ChatPage> {
    let link: string | null = null;
    const chat = await this.call(async () => {
      const result = await this.raw.GET('/api/chats/{id}', { params: { path: { id }, query } });
      link = result.response.headers.get('Link');
      return result;
    });
    return { ...chat, nextCursor: nextCursorOf(link) };
  }

  listMessages(
    id: string,
    query?: Query<'/api/chats/{id}/messages', 'get'>,
  ): Promise<BranchMessage[]> {
    return this.listMessagesPage(id, query).then((page) => page.items);
  }

  /** A page of a branch's (or the tree's) messages and the cursor of the next. */
  listMessagesPage(
    id: string,
    query?: Query<'/api/chats/{id}/messages', 'get'>,
  ): Promise<Page<BranchMessage>> {
    return this.page(() =>
      this.raw.GET('/api/chats/{id}/messages', { params: { path: { id }, query } }),
    );
  }

  /** The chat and every message of every branch, oldest first: a file to keep. */
  exportChat(id: string): Promise<ChatExport> {
    // The route also answers Markdown (`exportChatMarkdown`); without `format` it is this JSON.
    return this.call(() =>
      this.raw.GET('/api/chats/{id}/export', { params: { path: { id } } }),
    ) as Promise<ChatExport>;
  }

  /** The chat's active branch as a Markdown document: its title, then each turn under its author. */
  exportChatMarkdown(id: string): Promise<string> {
    return this.call(() =>
      this.raw.GET('/api/chats/{id}/export', {
        params: { path: { id }, query: { format: 'markdown' } },
        headers: { Accept: 'text/markdown' },
        parseAs: 'text',
      }),
    );
  }

  /**
   * A new chat of this account made from an export (exportChat's answer, of this account or
   * another, of this server or another): every branch under new ids. Answers the chat as
   * `getChat` does. A retry with the same `idempotencyKey` answers the same chat.
   */
  importChat(exported: ChatImport, options: SendOptions = {}): Promise<ChatWithMessages> {
    return this.call(() =>
      this.raw.POST('/api/chats/import', {
        params: idempotencyParams(options),
        body: exported,
        ...signalOf(options),
      }),
    );
  }

  /** Deletes a message and everything below it (a branch). */
  async deleteMessage(id: string, messageId: string): Promise<void> {
    await this.call(() =>
      this.raw.DELETE('/api/chats/{id}/messages/{messageId}', {
        params: { path: { id, messageId } },
      }),
    );
  }

  /** A new chat holding a copy of the branch from the root to `messageId`. */
  fork(
    id: string,
    body: Body<'/api/chats/{id}/fork', 'post'>,
    options: SendOptions = {},
  ): Promise<Chat> {
    return this.call(() =>
      this.raw.POST('/api/chats/{id}/fork', {
        params: { path: { id }, ...idempotencyParams(options) },
        body,
        ...signalOf(options),
      }),
    );
  }

  updateChat(id: string, body: Body<'/api/chats/{id}', 'patch'>): Promise<Chat> {
    return this.call(() => this.raw.PATCH('/api/chats/{id}', { params: { path: { id } }, body }));
  }

  async deleteChat(id: string): Promise<void> {
    await this.call(() => this.raw.DELETE('/api/chats/{id}', { params: { path: { id } } }));
  }

  /** Sends a message and resolves with it and the complete reply (JSON mode). */
  sendMessage(
    id: string,
    body: Omit<Body<'/api/chats/{id}/messages', 'post'>, 'stream'>,
    options: SendOptions = {},
  ): Promise<ExchangeResult> {
    return this.call(
      () =>
        this.raw.POST('/api/chats/{id}/messages', {
          params: { path: { id }, ...idempotencyParams(options) },
          body: { ...body, stream: false },
          ...signalOf(options),
        }),
      // openapi-fetch widens the [user, assistant] pair to an array; the description says two.
    ) as Promise<ExchangeResult>;
  }

  /**
   * Sends a message and yields the reply's events as they arrive: `meta`, `delta`…, then one
   * `done` or `error`. Abort `signal` (or stop iterating) to stop reading only: the server goes on
   * for `DETACH_GRACE_SECONDS` in case a reader comes back (a reply that ends meanwhile is stored
   * whole). To stop the reply itself (stored `incomplete`), call `stopReply(id)`.
   */
  stream(
    id: string,
    body: Omit<Body<'/api/chats/{id}/messages', 'post'>, 'stream'>,
    options: StreamOptions = {},
  ): AsyncGenerator<StreamEvent> {
    return this.events('POST', `${chatPath(id)}/messages`, { ...body, stream: true }, options);
  }

  /** `stream()` for a new chat: the first event, `meta`, carries the chat. */
  streamNewChat(
    body: Omit<Body<'/api/chats', 'post'>, 'stream'> & { message: string },
    options: StreamOptions = {},
  ): AsyncGenerator<StreamEvent> {
    return this.events('POST', '/api/chats', { ...body, stream: true }, options);
  }

  /** A new answer to the answer's question, beside it (a branch), streamed as `stream()` does. */
  regenerate(
    id: string,
    messageId: string,
    body: Omit<Body<'/api/chats/{id}/messages/{messageId}/regenerate', 'post'>, 'stream'> = {},
    options: StreamOptions = {},
  ): AsyncGenerator<StreamEvent> {
    const path = `${chatPath(id)}/messages/${encodeURIComponent(messageId)}/regenerate`;
    return this.events('POST', path, { ...body, stream: true }, options);
  }

  /**
   * Goes on with an answer that was cut (`incomplete`, or `finishReason: "length"`): `meta` shows
   * it as it was, and the `delta` events carry only the new text.
   */
  continueReply(
    id: string,
    messageId: string,
    body: Omit<Body<'/api/chats/{id}/messages/{messageId}/continue', 'post'>, 'stream'> = {},
    options: StreamOptions = {},
  ): AsyncGenerator<StreamEvent> {
    const path = `${chatPath(id)}/messages/${encodeURIComponent(messageId)}/continue`;
    return this.events('POST', path, { ...body, stream: true }, options);
  }

  /**
   * Follows a reply, from its beginning (`meta` first) or after `lastEventId`: another tab, or a
   * reconnect. Yields nothing when that id was the final event's.
   */
  followReply(
    id: string,
    messageId: string,
    options: Omit<StreamOptions, 'idempotencyKey'> = {},
  ): AsyncGenerator<StreamEvent> {
    const path = `${chatPath(id)}/messages/${encodeURIComponent(messageId)}/stream`;
    return this.events('GET', path, undefined, options);
  }

  /** Stops the reply being generated for this chat, from any tab, device or instance. */
  stopReply(id: string): Promise<StopResult> {
    return this.call(() => this.raw.POST('/api/chats/{id}/stop', { params: { path: { id } } }));
  }

  /**
   * The SigmaGPT-compatible send (POST /api/chat): continues `chatId` (or `threadId`), or starts a
   * new chat without one; resolves with the message and the complete reply (JSON mode).
   */
  sendCompat(
    body: Omit<Body<'/api/chat', 'post'>, 'stream'>,
    options: SendOptions = {},
  ): Promise<ExchangeResult> {
    return this.call(
      () =>
        this.raw.POST('/api/chat', {
          params: idempotencyParams(options),
          body: { ...body, stream: false },
          ...signalOf(options),
        }),
      // openapi-fetch widens the [user, assistant] pair to an array; the description says two.
    ) as Promise<ExchangeResult>;
  }

  /** `sendCompat`, streamed: `meta` (with the chat, new or not), `delta`…, then `done` or `error`. */
  streamCompat(
    body: Omit<Body<'/api/chat', 'post'>, 'stream'>,
    options: StreamOptions = {},
  ): AsyncGenerator<StreamEvent> {
    return this.events('POST', '/api/chat', { ...body, stream: true }, options);
  }

  listModels(): Promise<Model[]> {
    return this.call(() => this.raw.GET('/api/models'));
  }

  // ---- Keys and usage -------------------------------------------------------------------------

  /** A personal API key for /v1; its secret is in this answer only. */
  createKey(body: Body<'/api/keys', 'post'>): Promise<CreatedApiKey> {
    return this.call(() => this.raw.POST('/api/keys', { body }));
  }

  listKeys(): Promise<ApiKey[]> {
    return this.call(() => this.raw.GET('/api/keys'));
  }

  async deleteKey(id: string): Promise<void> {
    await this.call(() => this.raw.DELETE('/api/keys/{id}', { params: { path: { id } } }));
  }

  /** Tokens used, in total and by day and model, and today's budget. */
  usage(query?: Query<'/api/usage', 'get'>): Promise<UsageReport> {
    return this.call(() => this.raw.GET('/api/usage', { params: { query } }));
  }

  // ---- Plumbing -------------------------------------------------------------------------------

  /** Runs a request (a refused token is refreshed by the raw middleware) and reads its result. */
  private async call<T>(
    run: () => Promise<{ data?: T; error?: unknown; response: Response }>,
  ): Promise<T> {
    return this.ok(await run());
  }

  /** `call`, with the next page's cursor read from the answer's `Link` header. */
  private async page<T>(
    run: () => Promise<{ data?: T[]; error?: unknown; response: Response }>,
  ): Promise<Page<T>> {
    let response: Response | undefined;
    const items = await this.call(async () => {
      const result = await run();
      response = result.response;
      return result;
    });
    return { items, nextCursor: nextCursorOf(response?.headers.get('Link') ?? null) };
  }

  private ok<T>(result: { data?: T; error?: unknown; response: Response }): Promise<T> {
    // openapi-fetch has read the body already: the parsed error is `result.error`.
    if (!result.response.ok)
      return Promise.reject(ApiError.fromBody(result.response, result.error));
    return Promise.resolve(result.data as T);
  }

  private session(result: { data?: AuthResult; response: Response }): Promise<AuthResult> {
    return this.ok(result).then((auth) => {
      this.accessToken = auth.accessToken;
      this.mayRefresh = true;
      this.sessionsSeen += 1;
      return auth;
    });
  }

  /**
   * Refreshes for a call whose token was refused. Only the server's refusal of the session itself
   * ends it (token and cookie dropped, `onSessionEnd` once, however many calls shared the
   * refresh), unless another session began meanwhile; a refresh that failed for another reason (a 5xx such as 503 while the database is
   * down, a 429, a network error) is thrown to the caller with the session kept, so the next call
   * refreshes again.
   */
  private async refreshOrEnd(): Promise<void> {
    const seen = this.sessionsSeen;
    try {
      await this.refresh();
    } catch (error) {
      if (sessionRefused(error) && this.mayRefresh && this.sessionsSeen === seen) {
        this.accessToken = undefined;
        this.refreshCookie = undefined;
        this.mayRefresh = false;
        this.options.onSessionEnd?.();
      }
      throw error;
    }
  }

  private keepRefreshCookie(response: Response): void {
    // Browsers never show Set-Cookie to scripts (getSetCookie is empty there).
    const headers = response.headers as Headers & { getSetCookie?: () => string[] };
    for (const line of headers.getSetCookie?.() ?? []) {
      const [pair = '', ...attributes] = line.split(';');
      const [rawName = '', ...value] = pair.split('=');
      const name = rawName.trim();
      if (!REFRESH_COOKIES.has(name)) continue;
      const cleared =
        attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value.join('=') === '';
      this.refreshCookie = cleared ? undefined : { name, value: value.join('=') };
    }
  }

  private async *events(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    { signal, idempotencyKey, lastEventId }: StreamOptions,
  ): AsyncGenerator<StreamEvent> {
    const send = () =>
      this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        credentials: 'include',
        headers: {
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          Accept: 'text/event-stream',
          ...(this.accessToken ? { Authorization: `Bearer ${this.accessToken}` } : {}),
          ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}),
          ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal,
      });
    let response = await send();
    if (response.status === 401 && this.mayRefresh) {
      const refusal = await ApiError.from(response);
      if (!tokenRefused(refusal)) throw refusal;
      await this.refreshOrEnd();
      response = await send();
    }
    // Refusals before the stream opens (validation, limits, not found) are ordinary JSON errors.
    if (!response.ok) throw await ApiError.from(response);
    // 204: the last event received was the final one; nothing is left.
    if (response.status === 204 || !response.body) return;
    yield* readEvents(response.body);
  }
}

/** The session's own routes, never retried after a refresh (a refresh there would loop). */
const SESSION_ROUTES = /\/api\/auth\/(?:refresh|login|signup|register|logout)$/;
const mayRetry = (request: Request) => !SESSION_ROUTES.test(new URL(request.url).pathname);

const chatPath = (id: string) => `/api/chats/${encodeURIComponent(id)}`;

/** The `Idempotency-Key` header of a JSON send, when it has a key. */
const idempotencyParams = ({ idempotencyKey }: SendOptions) =>
  idempotencyKey ? { header: { 'Idempotency-Key': idempotencyKey } } : {};

/** The signal of a JSON send, when it has one. */
const signalOf = ({ signal }: SendOptions) => (signal ? { signal } : {});

/**
 * Whether a refusal is the access token's (expired, or its session ended): the one 401 a refresh
 * can mend. Another 401 (a wrong current password) would count against the login limit again.
 */
const tokenRefused = (error: ApiError) => error.status === 401 && error.code === 'UNAUTHENTICATED';

/**
 * Whether a failed refresh was the server refusing the session (revoked, expired, replayed, no
 * cookie: 401; the account disabled: 403 `ACCOUNT_DISABLED`): the one failure that ends it.
 */
const sessionRefused = (error: unknown) =>
  error instanceof ApiError &&
  (error.status === 401 || (error.status === 403 && error.code === 'ACCOUNT_DISABLED'));

export function createClient(options: ClientOptions): SigmaClient {
  return new SigmaClient(options);
}

/** The `cursor` of a `Link: <…?cursor=…>; rel="next"` header, or null. */
function nextCursorOf(link: string | null): string | null {
  const next = link ? /<([^>]*)>\s*;\s*rel="?next"?/.exec(link) : null;
  if (!next) return null;
  return new URL(next[1]!, 'http://base.invalid').searchParams.get('cursor');
}
