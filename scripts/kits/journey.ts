/**
 * The journey the client kits walk, top to bottom: what a new user does with the API, in an order
 * where every request can succeed (ids captured before they are used, logout only at the end, the
 * changed password used after the change, account deletion last).
 *
 * A step names an operation (`METHOD /path`); steps whose operation is not in the description are
 * skipped, and documented operations without a step still appear (see kits.ts), so routes can be
 * added or removed without editing this file first.
 */

/** Values a step reads from earlier responses. The renderers spell them per tool. */
export type Ref =
  | 'email' // the sign-up email (unique per run)
  | 'registerEmail' // a second unique email for the /register alias
  | 'password'
  | 'newPassword'
  | 'chatId' // the chat the journey works in
  | 'secondChatId' // a chat created with its first message, deleted in the journey
  | 'compatChatId' // a chat created through /api/chat
  | 'apiKey' // a personal API key (POST /api/keys), the credential of /v1
  | 'keyId' // its id, for the delete
  | 'model' // the model the /v1 requests ask for (a variable, `demo` by default)
  | 'replyId' // the reply of the first JSON exchange, for the routes under /messages/{messageId}
  | 'questionId' // the question of that exchange (another place to fork at)
  | 'forkChatId' // the chat a fork under an Idempotency-Key made
  | 'importChatId' // the chat an import under an Idempotency-Key made (deleted in the journey)
  | 'chatsCursor' // the cursor of a chat list's `Link` header (`limit=1`, not archived)
  | 'v1CompletionId' // the id of a stored /v1 completion made under an Idempotency-Key
  | 'v1ChatId' // its chat (the `X-Chat-Id` response header)
  | 'v1Text'; // its text

export interface Check {
  /** Postman: a pm.test body line (`pm.expect(...)…;`). `{{ref}}` is the value kept earlier. */
  postman: string;
  /**
   * httpyac: the `??` assertion after `?? `, or undefined when it has no httpyac form. `{{ref}}`
   * is the value read from the earlier response (replaced in the expected value, after the
   * predicate).
   */
  httpyac?: string;
  title: string;
}

export interface Step {
  /** Request name in both kits (also the `.http` @name: a JS identifier). */
  id: string;
  op: string;
  title: string;
  folder: Folder;
  status: number;
  /** JSON body; string values `{{ref}}` are replaced with the tool's spelling of that value. */
  body?: Record<string, unknown>;
  /** Query parameters, in order; `{{ref}}` as in the body. */
  query?: Record<string, string>;
  /** Request headers besides Accept, Authorization and Content-Type; `{{ref}}` as in the body. */
  headers?: Record<string, string>;
  /** The `{id}` path parameter. */
  pathId?: Ref;
  /** Which login's token authenticates the request (`.http` reads it from that response). */
  token?: TokenSource;
  stream?: boolean;
  checks?: Check[];
  /** Postman: what to keep for later requests, as `name: JS expression over body`. */
  capture?: Partial<Record<Ref | 'accessToken', string>>;
}

export type TokenSource = 'signup' | 'login' | 'refresh' | 'loginWithNewPassword';

export const FOLDERS = [
  '1. Account',
  '2. Chats',
  '3. Streaming',
  '4. SigmaGPT-compatible',
  '5. API keys, /v1 and the AI SDK',
  '6. Models and operations',
  '7. Other routes',
  '8. Session end',
  '9. Account deletion',
] as const;
export type Folder = (typeof FOLDERS)[number];

/** The folder for an operation without a journey step (added routes land here until they get one). */
export const OTHER_ROUTES: Folder = '7. Other routes';

const field = (title: string, postman: string, httpyac?: string): Check => ({
  title,
  postman,
  httpyac,
});

/** `body` followed by a path: `x.y`, or `[0].x` for an array's item. */
const at = (path: string) => (path.startsWith('[') ? path : `.${path}`);

const isString = (path: string) =>
  field(
    `${path} is a string`,
    `pm.expect(body${at(path)}).to.be.a('string').and.not.empty;`,
    `js response.parsedBody${at(path)} isString`,
  );

/** `literal`: the expected value as httpyac reads it (converted to the actual value's type). */
const equals = (path: string, js: string, literal?: string) =>
  field(
    `${path} is ${literal ?? js}`,
    `pm.expect(body${at(path)}).to.eql(${js});`,
    literal === undefined ? undefined : `js response.parsedBody${at(path)} == ${literal}`,
  );

const length = (path: string, n: number) =>
  field(
    `${path || 'body'} has ${n} items`,
    `pm.expect(${path ? `body.${path}` : 'body'}).to.have.length(${n});`,
    `js response.parsedBody${path ? `.${path}` : ''}.length == ${n}`,
  );

/** The value at `path` is the one an earlier response gave (`what` says which, for the title). */
const sameAs = (path: string, ref: Ref, what: string) =>
  field(
    `${path} is ${what}`,
    `pm.expect(body${at(path)}).to.eql({{${ref}}});`,
    `js response.parsedBody${at(path)} == {{${ref}}}`,
  );

/** A response header is the one an earlier response gave. */
const sameHeader = (header: string, ref: Ref, what: string) =>
  field(
    `${header} is ${what}`,
    `pm.expect(pm.response.headers.get('${header}')).to.eql({{${ref}}});`,
    `header ${header.toLowerCase()} == {{${ref}}}`,
  );

/** The error body of the chat routes (or /v1's, whose codes are lowercase), with its code. */
const errorCode = (code: string) => equals('error.code', `'${code}'`, code);

/** A 400 VALIDATION_FAILED naming one field. */
const invalidField = (name: string) => [
  errorCode('VALIDATION_FAILED'),
  field(
    `names ${name}`,
    `pm.expect(body.error.details.map((d) => d.path)).to.eql(['${name}']);`,
    `js response.parsedBody.error.details[0].path == ${name}`,
  ),
];

/** The cursor of the response's `Link: <…&cursor=…>; rel="next"` (Postman; the .http file reads it
 * through clients/.httpyac.cjs). */
const LINK_CURSOR =
  "decodeURIComponent((/[?&]cursor=([^&>]+)/.exec(pm.response.headers.get('Link') || '') || [])[1] || '')";

const sseChecks: Check[] = [
  field(
    'is an event stream',
    "pm.expect(pm.response.headers.get('Content-Type')).to.match(/^text\\/event-stream/);",
    'header content-type startsWith text/event-stream',
  ),
  field(
    'starts with meta and ends with done',
    'pm.expect(text).to.match(/^event: meta\\n/); pm.expect(text).to.match(/event: done\\nid: \\S+\\ndata: .*\\n\\n$/);',
    'body startsWith event: meta',
  ),
];

/** Streams of bare `data:` lines (OpenAI's chunks, the AI SDK's UI message parts), ending in [DONE]. */
const dataStreamChecks: Check[] = [
  sseChecks[0]!,
  field(
    'ends with data: [DONE]',
    'pm.expect(text).to.match(/data: \\[DONE\\]\\n\\n$/);',
    'body contains data: [DONE]',
  ),
];

const token = (source: TokenSource) => ({ token: source });

/** A chat's export (GET /api/chats/{id}/export) as another account would send it to import. */
const IMPORTED_EXPORT = {
  chat: {
    id: '6650a0000000000000000001',
    title: 'Imported chat',
    pinned: false,
    archived: false,
    model: 'demo',
    systemPrompt: '',
    createdAt: '2025-01-01T10:00:00.000Z',
    updatedAt: '2025-01-01T10:00:05.000Z',
    lastMessageAt: '2025-01-01T10:00:00.000Z',
  },
  exportedAt: '2025-01-02T00:00:00.000Z',
  messages: [
    {
      id: '6650a0000000000000000002',
      chatId: '6650a0000000000000000001',
      parentId: null,
      role: 'user',
      content: 'Hello, is this the same chat?',
      status: 'complete',
      model: null,
      finishReason: null,
      usage: null,
      error: null,
      stopReason: null,
      createdAt: '2025-01-01T10:00:00.000Z',
    },
    {
      id: '6650a0000000000000000003',
      chatId: '6650a0000000000000000001',
      parentId: '6650a0000000000000000002',
      role: 'assistant',
      content: 'Hello from another account',
      status: 'complete',
      model: 'demo',
      finishReason: 'stop',
      usage: null,
      error: null,
      stopReason: null,
      createdAt: '2025-01-01T10:00:01.000Z',
    },
  ],
};

export const JOURNEY: Step[] = [
  // 1. Account
  {
    id: 'signup',
    op: 'POST /api/auth/signup',
    title: 'Create an account',
    folder: '1. Account',
    status: 201,
    body: { email: '{{email}}', password: '{{password}}', name: 'Ada' },
    checks: [
      isString('accessToken'),
      equals('tokenType', "'Bearer'", 'Bearer'),
      isString('user.id'),
    ],
    capture: { accessToken: 'body.accessToken', email: 'body.user.email' },
  },
  {
    id: 'register',
    op: 'POST /api/auth/register',
    title: 'Create a second account (alias of /signup)',
    folder: '1. Account',
    status: 201,
    body: { email: '{{registerEmail}}', password: '{{password}}' },
    checks: [isString('accessToken'), isString('user.id')],
  },
  {
    id: 'login',
    op: 'POST /api/auth/login',
    title: 'Log in',
    folder: '1. Account',
    status: 200,
    body: { email: '{{email}}', password: '{{password}}' },
    checks: [isString('accessToken'), isString('user.email')],
    capture: { accessToken: 'body.accessToken' },
  },
  {
    id: 'me',
    op: 'GET /api/auth/me',
    title: 'The current user',
    folder: '1. Account',
    status: 200,
    ...token('login'),
    checks: [isString('id'), isString('email'), isString('createdAt')],
  },
  {
    id: 'rename',
    op: 'PATCH /api/auth/me',
    title: 'Change the display name',
    folder: '1. Account',
    status: 200,
    ...token('login'),
    body: { name: 'Ada Lovelace' },
    checks: [equals('name', "'Ada Lovelace'", 'Ada Lovelace')],
  },
  {
    id: 'refresh',
    op: 'POST /api/auth/refresh',
    title: 'Get a new access token with the refresh cookie',
    folder: '1. Account',
    status: 200,
    checks: [isString('accessToken')],
    capture: { accessToken: 'body.accessToken' },
  },
  {
    id: 'changePassword',
    op: 'POST /api/auth/password',
    title: 'Change the password (other sessions end)',
    folder: '1. Account',
    status: 204,
    ...token('refresh'),
    body: { currentPassword: '{{password}}', newPassword: '{{newPassword}}' },
  },
  // 2. Chats
  {
    id: 'createChat',
    op: 'POST /api/chats',
    title: 'Create a chat',
    folder: '2. Chats',
    status: 201,
    ...token('refresh'),
    body: { title: 'My first chat' },
    checks: [isString('id'), equals('title', "'My first chat'", 'My first chat')],
    capture: { chatId: 'body.id' },
  },
  {
    id: 'listChats',
    op: 'GET /api/chats',
    title: 'List chats',
    folder: '2. Chats',
    status: 200,
    ...token('refresh'),
    checks: [
      field(
        'contains the new chat',
        "pm.expect(body.map((c) => c.id)).to.include(pm.collectionVariables.get('sigmagptChatId'));",
      ),
    ],
  },
  {
    id: 'getChat',
    op: 'GET /api/chats/{id}',
    title: 'A chat with its latest messages',
    folder: '2. Chats',
    status: 200,
    ...token('refresh'),
    pathId: 'chatId',
    checks: [
      equals('id', "pm.collectionVariables.get('sigmagptChatId')"),
      length('messages', 0),
      equals('hasMore', 'false', 'false'),
    ],
  },
  {
    id: 'pinChat',
    op: 'PATCH /api/chats/{id}',
    title: 'Pin the chat',
    folder: '2. Chats',
    status: 200,
    ...token('refresh'),
    pathId: 'chatId',
    body: { pinned: true },
    checks: [equals('pinned', 'true', 'true')],
  },
  {
    id: 'renameChat',
    op: 'PUT /api/chats/{id}',
    title: 'Rename the chat (PUT, alias of PATCH)',
    folder: '2. Chats',
    status: 200,
    ...token('refresh'),
    pathId: 'chatId',
    body: { title: 'Renamed chat' },
    checks: [equals('title', "'Renamed chat'", 'Renamed chat')],
  },
  {
    id: 'sendMessage',
    op: 'POST /api/chats/{id}/messages',
    title: 'Send a message, reply as JSON',
    folder: '2. Chats',
    status: 201,
    ...token('refresh'),
    pathId: 'chatId',
    body: { content: 'Hello! What can you do?', stream: false },
    capture: { replyId: 'body.messages[1].id', questionId: 'body.messages[0].id' },
    checks: [
      length('messages', 2),
      equals('messages[0].role', "'user'", 'user'),
      equals('messages[1].role', "'assistant'", 'assistant'),
      equals('messages[1].status', "'complete'", 'complete'),
    ],
  },
  {
    id: 'sendMessageAlias',
    op: 'POST /api/chats/{id}/message',
    title: 'Send a message (alias of /messages)',
    folder: '2. Chats',
    status: 201,
    ...token('refresh'),
    pathId: 'chatId',
    body: { content: 'And one more thing?', stream: false },
    checks: [equals('chat.id', "pm.collectionVariables.get('sigmagptChatId')")],
  },
  {
    id: 'listMessages',
    op: 'GET /api/chats/{id}/messages',
    title: 'Messages of the chat',
    folder: '2. Chats',
    status: 200,
    ...token('refresh'),
    pathId: 'chatId',
    checks: [length('', 4)],
  },
  // An export reads and changes nothing: later counts stay as they are.
  {
    id: 'exportChat',
    op: 'GET /api/chats/{id}/export',
    title: 'Export the chat as a file: every message of every branch, as JSON',
    folder: '2. Chats',
    status: 200,
    ...token('refresh'),
    pathId: 'chatId',
    checks: [
      equals('chat.id', "pm.collectionVariables.get('sigmagptChatId')"),
      length('messages', 4),
      field(
        'is a download named after the chat',
        "pm.expect(pm.response.headers.get('Content-Disposition')).to.eql('attachment; filename=\"Renamed chat.json\"');",
        'header content-disposition contains Renamed chat.json',
      ),
    ],
  },
  {
    id: 'exportChatMarkdown',
    op: 'GET /api/chats/{id}/export',
    title: 'Export the active branch as a Markdown document',
    folder: '2. Chats',
    status: 200,
    ...token('refresh'),
    pathId: 'chatId',
    query: { format: 'markdown' },
    checks: [
      field(
        'is Markdown',
        "pm.expect(pm.response.headers.get('Content-Type')).to.eql('text/markdown; charset=utf-8');",
        'header content-type startsWith text/markdown',
      ),
      field(
        'starts with the title, then the first question',
        'pm.expect(text).to.match(/^# Renamed chat\\n\\n## User\\n\\nHello! What can you do\\?\\n\\n## Assistant\\n\\n/);',
        'body startsWith # Renamed chat',
      ),
    ],
  },
  // An import makes a chat from an export (here a small one written out, as a file from another
  // account or server would be), retried with its key; it is deleted again, so later counts stay.
  {
    id: 'importChat',
    op: 'POST /api/chats/import',
    title: 'Import a chat from an export file, with an Idempotency-Key',
    folder: '2. Chats',
    status: 201,
    ...token('refresh'),
    headers: { 'Idempotency-Key': 'import-{{replyId}}' },
    body: IMPORTED_EXPORT,
    checks: [
      isString('id'),
      equals('title', "'Imported chat'", 'Imported chat'),
      length('messages', 2),
      equals('messages[1].content', "'Hello from another account'", 'Hello from another account'),
    ],
    capture: { importChatId: 'body.id' },
  },
  {
    id: 'importChatAgain',
    op: 'POST /api/chats/import',
    title: 'The same import again with its key: the same chat, not a second one',
    folder: '2. Chats',
    status: 201,
    ...token('refresh'),
    headers: { 'Idempotency-Key': 'import-{{replyId}}' },
    body: IMPORTED_EXPORT,
    checks: [sameAs('id', 'importChatId', 'the first import')],
  },
  {
    id: 'deleteImportedChat',
    op: 'DELETE /api/chats/{id}',
    title: 'Delete the imported chat',
    folder: '2. Chats',
    status: 204,
    ...token('refresh'),
    pathId: 'importChatId',
  },
  // A fork retried with its Idempotency-Key (here: named after the reply, new on every run) makes
  // one chat; the key with another body is refused.
  {
    id: 'forkKeyed',
    op: 'POST /api/chats/{id}/fork',
    title: 'Fork the chat at the reply, with an Idempotency-Key',
    folder: '2. Chats',
    status: 201,
    ...token('refresh'),
    pathId: 'chatId',
    headers: { 'Idempotency-Key': 'fork-{{replyId}}' },
    body: { messageId: '{{replyId}}' },
    checks: [
      isString('id'),
      field(
        'is titled as a fork',
        'pm.expect(body.title).to.match(/\\(fork\\)$/);',
        'js response.parsedBody.title endsWith (fork)',
      ),
    ],
    capture: { forkChatId: 'body.id' },
  },
  {
    id: 'forkKeyedAgain',
    op: 'POST /api/chats/{id}/fork',
    title: 'The same fork again with its key: the same chat, not a second one',
    folder: '2. Chats',
    status: 201,
    ...token('refresh'),
    pathId: 'chatId',
    headers: { 'Idempotency-Key': 'fork-{{replyId}}' },
    body: { messageId: '{{replyId}}' },
    checks: [sameAs('id', 'forkChatId', 'the first fork')],
  },
  {
    id: 'forkKeyReused',
    op: 'POST /api/chats/{id}/fork',
    title: 'The same key with another body: 409, nothing forked',
    folder: '2. Chats',
    status: 409,
    ...token('refresh'),
    pathId: 'chatId',
    headers: { 'Idempotency-Key': 'fork-{{replyId}}' },
    body: { messageId: '{{questionId}}' },
    checks: [errorCode('IDEMPOTENCY_KEY_REUSED')],
  },
  // Lists page by the cursor of their Link header, which goes with the query it came from.
  {
    id: 'listChatsPage',
    op: 'GET /api/chats',
    title: 'List chats one at a time: the next page is in the Link header',
    folder: '2. Chats',
    status: 200,
    ...token('refresh'),
    query: { limit: '1' },
    checks: [
      length('', 1),
      sameAs('[0].id', 'chatId', "the journey's chat (pinned: first)"),
      field(
        'links to the next page',
        'pm.expect(pm.response.headers.get(\'Link\')).to.match(/[?&]cursor=[^&>]+>; rel="next"$/);',
        'header link contains rel="next"',
      ),
    ],
    capture: { chatsCursor: LINK_CURSOR },
  },
  {
    id: 'listChatsNextPage',
    op: 'GET /api/chats',
    title: 'The next page, with that cursor and the same query',
    folder: '2. Chats',
    status: 200,
    ...token('refresh'),
    query: { limit: '1', cursor: '{{chatsCursor}}' },
    checks: [length('', 1), sameAs('[0].id', 'forkChatId', 'the fork')],
  },
  {
    id: 'listChatsCursorOtherFilter',
    op: 'GET /api/chats',
    title: 'That cursor with another archived filter: 400 naming cursor',
    folder: '2. Chats',
    status: 400,
    ...token('refresh'),
    query: { archived: 'true', cursor: '{{chatsCursor}}' },
    checks: invalidField('cursor'),
  },
  {
    id: 'createChatWithMessage',
    op: 'POST /api/chats',
    title: 'Create a chat with its first message, reply as JSON',
    folder: '2. Chats',
    status: 201,
    ...token('refresh'),
    body: { message: 'Plan a weekend in Lisbon', stream: false },
    checks: [isString('chat.id'), length('messages', 2)],
    capture: { secondChatId: 'body.chat.id' },
  },
  {
    id: 'deleteChat',
    op: 'DELETE /api/chats/{id}',
    title: 'Delete that chat',
    folder: '2. Chats',
    status: 204,
    ...token('refresh'),
    pathId: 'secondChatId',
  },
  // 3. Streaming
  {
    id: 'streamMessage',
    op: 'POST /api/chats/{id}/messages',
    title: 'Send a message, reply streamed (SSE)',
    folder: '3. Streaming',
    status: 200,
    ...token('refresh'),
    pathId: 'chatId',
    stream: true,
    body: { content: 'Tell me a story', stream: true },
    checks: sseChecks,
  },
  {
    id: 'stopReply',
    op: 'POST /api/chats/{id}/stop',
    title: 'Stop a reply being generated (none is, by now)',
    folder: '3. Streaming',
    status: 202,
    ...token('refresh'),
    pathId: 'chatId',
    checks: [equals('stopping', 'false', 'false')],
  },
  // 4. SigmaGPT-compatible
  {
    id: 'compatStream',
    op: 'POST /api/chat',
    title: 'Start a chat (streams by default)',
    folder: '4. SigmaGPT-compatible',
    status: 200,
    ...token('refresh'),
    stream: true,
    body: { message: 'Hi there' },
    checks: sseChecks,
  },
  {
    id: 'compatSend',
    op: 'POST /api/chat',
    title: 'Start a chat, reply as JSON',
    folder: '4. SigmaGPT-compatible',
    status: 201,
    ...token('refresh'),
    body: { message: 'Hi again', stream: false },
    checks: [isString('chat.id'), length('messages', 2)],
    capture: { compatChatId: 'body.chat.id' },
  },
  {
    id: 'compatList',
    op: 'GET /api/chat',
    title: 'List chats',
    folder: '4. SigmaGPT-compatible',
    status: 200,
    ...token('refresh'),
    // The journey's chat, its fork and the two started here.
    checks: [length('', 4)],
  },
  {
    id: 'compatMessages',
    op: 'GET /api/chat/{id}',
    title: 'Messages of a chat',
    folder: '4. SigmaGPT-compatible',
    status: 200,
    ...token('refresh'),
    pathId: 'compatChatId',
    checks: [length('', 2)],
  },
  {
    id: 'compatRename',
    op: 'PUT /api/chat/{id}',
    title: 'Rename or pin a chat',
    folder: '4. SigmaGPT-compatible',
    status: 200,
    ...token('refresh'),
    pathId: 'compatChatId',
    body: { title: 'Compat chat', pinned: true },
    checks: [equals('title', "'Compat chat'", 'Compat chat'), equals('pinned', 'true', 'true')],
  },
  {
    id: 'compatDelete',
    op: 'DELETE /api/chat/{id}',
    title: 'Delete a chat',
    folder: '4. SigmaGPT-compatible',
    status: 204,
    ...token('refresh'),
    pathId: 'compatChatId',
  },
  // 5. API keys, /v1 and the AI SDK (a /v1 request sends the API key, see the renderers)
  {
    id: 'createKey',
    op: 'POST /api/keys',
    title: 'Create a personal API key for /v1 (shown once)',
    folder: '5. API keys, /v1 and the AI SDK',
    status: 201,
    ...token('refresh'),
    body: { name: 'My script' },
    checks: [
      field(
        'key starts with sgpt_',
        'pm.expect(body.key).to.match(/^sgpt_/);',
        'js response.parsedBody.key startsWith sgpt_',
      ),
      isString('id'),
    ],
    capture: { apiKey: 'body.key', keyId: 'body.id' },
  },
  {
    id: 'listKeys',
    op: 'GET /api/keys',
    title: 'List your API keys (never the keys themselves)',
    folder: '5. API keys, /v1 and the AI SDK',
    status: 200,
    ...token('refresh'),
    checks: [
      length('', 1),
      field(
        'shows the prefix, not the key',
        'pm.expect(body[0].key).to.be.undefined; pm.expect(body[0].prefix).to.match(/^sgpt_/);',
        'js response.parsedBody[0].prefix startsWith sgpt_',
      ),
    ],
  },
  {
    id: 'v1Models',
    op: 'GET /v1/models',
    title: "Models, in OpenAI's list format (API key)",
    folder: '5. API keys, /v1 and the AI SDK',
    status: 200,
    checks: [equals('object', "'list'", 'list')],
  },
  {
    id: 'v1Model',
    op: 'GET /v1/models/{model}',
    title: 'One model (API key)',
    folder: '5. API keys, /v1 and the AI SDK',
    status: 200,
    pathId: 'model',
    checks: [equals('object', "'model'", 'model')],
  },
  {
    id: 'v1Completion',
    op: 'POST /v1/chat/completions',
    title: 'A chat completion, OpenAI-style (API key; nothing stored)',
    folder: '5. API keys, /v1 and the AI SDK',
    status: 200,
    body: { model: '{{model}}', messages: [{ role: 'user', content: 'Hello! What can you do?' }] },
    checks: [
      equals('object', "'chat.completion'", 'chat.completion'),
      equals('choices[0].message.role', "'assistant'", 'assistant'),
    ],
  },
  {
    id: 'v1Stream',
    op: 'POST /v1/chat/completions',
    title: 'A chat completion, streamed (API key)',
    folder: '5. API keys, /v1 and the AI SDK',
    status: 200,
    stream: true,
    body: {
      model: '{{model}}',
      messages: [{ role: 'user', content: 'Tell me a story' }],
      stream: true,
      stream_options: { include_usage: true },
    },
    checks: dataStreamChecks,
  },
  // A stored completion retried with its Idempotency-Key (here: named after the API key, new on
  // every run) is answered from what the first attempt stored: the model is not called again.
  {
    id: 'v1Stored',
    op: 'POST /v1/chat/completions',
    title: 'A completion stored in a chat (store: true), with an Idempotency-Key (API key)',
    folder: '5. API keys, /v1 and the AI SDK',
    status: 200,
    headers: { 'Idempotency-Key': 'v1-{{keyId}}' },
    body: {
      model: '{{model}}',
      messages: [{ role: 'user', content: 'Remember this question' }],
      store: true,
    },
    checks: [
      field(
        'id names the stored reply',
        'pm.expect(body.id).to.match(/^chatcmpl-[0-9a-f]{24}$/);',
        'js response.parsedBody.id startsWith chatcmpl-',
      ),
      field(
        'X-Chat-Id names the chat it is stored in',
        "pm.expect(pm.response.headers.get('X-Chat-Id')).to.match(/^[0-9a-f]{24}$/);",
        'header x-chat-id matches ^[0-9a-f]{24}$',
      ),
      isString('choices[0].message.content'),
    ],
    capture: {
      v1CompletionId: 'body.id',
      v1ChatId: "pm.response.headers.get('X-Chat-Id')",
      v1Text: 'body.choices[0].message.content',
    },
  },
  {
    id: 'v1StoredAgain',
    op: 'POST /v1/chat/completions',
    title: 'The same request again with its key: the same completion, not a second call',
    folder: '5. API keys, /v1 and the AI SDK',
    status: 200,
    headers: { 'Idempotency-Key': 'v1-{{keyId}}' },
    body: {
      model: '{{model}}',
      messages: [{ role: 'user', content: 'Remember this question' }],
      store: true,
    },
    checks: [
      sameAs('id', 'v1CompletionId', 'the first completion'),
      sameHeader('X-Chat-Id', 'v1ChatId', 'the first chat'),
      sameAs('choices[0].message.content', 'v1Text', 'the first text'),
    ],
  },
  {
    id: 'v1StoredKeyReused',
    op: 'POST /v1/chat/completions',
    title: "The same key with another question: 409 in OpenAI's error shape",
    folder: '5. API keys, /v1 and the AI SDK',
    status: 409,
    headers: { 'Idempotency-Key': 'v1-{{keyId}}' },
    body: {
      model: '{{model}}',
      messages: [{ role: 'user', content: 'Another question' }],
      store: true,
    },
    checks: [
      errorCode('idempotency_key_reused'),
      equals('error.type', "'invalid_request_error'", 'invalid_request_error'),
      field(
        'tells the SDKs not to retry',
        "pm.expect(pm.response.headers.get('x-should-retry')).to.eql('false');",
        'header x-should-retry == false',
      ),
    ],
  },
  {
    id: 'v1StoredChat',
    op: 'GET /api/chats/{id}/messages',
    title: 'Its chat (X-Chat-Id) holds the question and its answer once',
    folder: '5. API keys, /v1 and the AI SDK',
    status: 200,
    ...token('refresh'),
    pathId: 'v1ChatId',
    checks: [
      length('', 2),
      equals('[0].content', "'Remember this question'", 'Remember this question'),
      sameAs('[1].content', 'v1Text', 'the completion'),
    ],
  },
  {
    id: 'aiSdkChat',
    op: 'POST /api/ai-sdk/chat',
    title: "A message the way the AI SDK's useChat sends it (UI message stream)",
    folder: '5. API keys, /v1 and the AI SDK',
    status: 200,
    ...token('refresh'),
    stream: true,
    body: {
      id: 'my-first-ui-chat',
      messages: [
        { id: 'msg-1', role: 'user', parts: [{ type: 'text', text: 'Hello! What can you do?' }] },
      ],
      trigger: 'submit-message',
    },
    checks: [
      ...dataStreamChecks,
      field(
        'speaks the UI message stream protocol v1',
        "pm.expect(pm.response.headers.get('x-vercel-ai-ui-message-stream')).to.eql('v1');",
        'header x-vercel-ai-ui-message-stream == v1',
      ),
    ],
  },
  {
    id: 'deleteKey',
    op: 'DELETE /api/keys/{id}',
    title: 'Delete the API key',
    folder: '5. API keys, /v1 and the AI SDK',
    status: 204,
    ...token('refresh'),
    pathId: 'keyId',
  },
  {
    id: 'v1AfterDelete',
    op: 'GET /v1/models',
    title: 'The deleted key no longer works',
    folder: '5. API keys, /v1 and the AI SDK',
    status: 401,
    checks: [equals('error.code', "'invalid_api_key'", 'invalid_api_key')],
  },
  // 6. Models and operations
  {
    id: 'models',
    op: 'GET /api/models',
    title: 'The models this server allows',
    folder: '6. Models and operations',
    status: 200,
    ...token('refresh'),
    checks: [
      field('exactly one default', 'pm.expect(body.filter((m) => m.default)).to.have.length(1);'),
    ],
  },
  {
    id: 'usage',
    op: 'GET /api/usage',
    title: "Tokens used by day and by model, and today's budget",
    folder: '6. Models and operations',
    status: 200,
    ...token('refresh'),
    checks: [
      field(
        'counts the replies of the journey',
        'pm.expect(body.total.calls).to.be.above(0);',
        'js response.parsedBody.total.calls > 0',
      ),
      isString('budget.resetsAt'),
    ],
  },
  {
    id: 'adminForbidden',
    op: 'GET /api/admin/users',
    title: 'Admin routes refuse an account that is not an administrator',
    folder: '6. Models and operations',
    status: 403,
    ...token('refresh'),
    checks: [equals('error.code', "'FORBIDDEN'", 'FORBIDDEN')],
  },
  {
    id: 'healthz',
    op: 'GET /healthz',
    title: 'Liveness',
    folder: '6. Models and operations',
    status: 200,
    checks: [equals('status', "'ok'", 'ok')],
  },
  {
    id: 'readyz',
    op: 'GET /readyz',
    title: 'Readiness',
    folder: '6. Models and operations',
    status: 200,
    checks: [equals('status', "'ready'", 'ready')],
  },
  {
    id: 'openapi',
    op: 'GET /api/openapi.json',
    title: 'The OpenAPI description',
    folder: '6. Models and operations',
    status: 200,
    checks: [equals('openapi', "'3.1.0'", '3.1.0')],
  },
  // 8. Session end
  {
    id: 'logout',
    op: 'POST /api/auth/logout',
    title: 'Log out',
    folder: '8. Session end',
    status: 204,
    ...token('refresh'),
  },
  {
    id: 'meAfterLogout',
    op: 'GET /api/auth/me',
    title: 'The token no longer works',
    folder: '8. Session end',
    status: 401,
    ...token('refresh'),
    checks: [equals('error.code', "'UNAUTHENTICATED'", 'UNAUTHENTICATED')],
  },
  {
    id: 'logoutGet',
    op: 'GET /api/auth/logout',
    title: 'Log out (GET; answers 204 even when already logged out)',
    folder: '8. Session end',
    status: 204,
  },
  {
    id: 'loginWithNewPassword',
    op: 'POST /api/auth/login',
    title: 'Log in with the new password',
    folder: '8. Session end',
    status: 200,
    body: { email: '{{email}}', password: '{{newPassword}}' },
    checks: [isString('accessToken')],
    capture: { accessToken: 'body.accessToken' },
  },
  // 9. Account deletion
  {
    id: 'deleteAccount',
    op: 'DELETE /api/auth/me',
    title: 'Delete the account',
    folder: '9. Account deletion',
    status: 204,
    ...token('loginWithNewPassword'),
    body: { password: '{{newPassword}}' },
  },
  {
    id: 'loginAfterDelete',
    op: 'POST /api/auth/login',
    title: 'The account is gone',
    folder: '9. Account deletion',
    status: 401,
    body: { email: '{{email}}', password: '{{newPassword}}' },
    checks: [equals('error.code', "'INVALID_CREDENTIALS'", 'INVALID_CREDENTIALS')],
  },
];
