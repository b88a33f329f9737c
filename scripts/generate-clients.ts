/**
 * Generates the client kits from the OpenAPI description (itself generated from routeGroups()):
 *   clients/openapi.json                         the description, for tools that want a file
 *   clients/sigmagpt.postman_collection.json     Postman collection v2.1: the journey, with tests
 *   clients/sigmagpt.postman_environment.json    environment template (baseUrl only)
 *   clients/sigmagpt.http                        REST Client (VS Code) and httpyac, same file
 *   clients/typescript/src/schema.ts             openapi-typescript types for the typed client (a
 *                                                module, not a .d.ts: tsc emits its declarations
 *                                                into the built client, it never copies a .d.ts)
 *
 *   npm run clients            write them
 *   npm run clients -- --check exit 1 when the committed files differ from what would be written
 *
 * The output depends only on the route specs, never on the local configuration (limits, models),
 * so every machine generates the same bytes; tests/contract/clients.test.ts fails on drift.
 * The journey (what runs in which order) is scripts/kits/journey.ts.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  FOLDERS,
  JOURNEY,
  OTHER_ROUTES,
  type Folder,
  type Ref,
  type Step,
} from './kits/journey.js';

type Json = Record<string, any>;
interface Operation {
  key: string;
  method: string;
  path: string;
  op: Json;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OPENAPI_FILE = path.join(ROOT, 'clients/openapi.json');
export const POSTMAN_FILE = path.join(ROOT, 'clients/sigmagpt.postman_collection.json');
export const POSTMAN_ENV_FILE = path.join(ROOT, 'clients/sigmagpt.postman_environment.json');
export const HTTP_FILE = path.join(ROOT, 'clients/sigmagpt.http');
export const TYPES_FILE = path.join(ROOT, 'clients/typescript/src/schema.ts');

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function operations(document: Json): Operation[] {
  const list: Operation[] = [];
  for (const [p, item] of Object.entries(document.paths as Json)) {
    for (const method of METHODS) {
      const op = (item as Json)[method] as Json | undefined;
      if (op) list.push({ key: `${method.toUpperCase()} ${p}`, method, path: p, op });
    }
  }
  return list;
}

function resolve(document: Json, schema: Json | undefined): Json | undefined {
  if (!schema?.$ref) return schema;
  return resolve(document, document.components.schemas[String(schema.$ref).split('/').pop()!]);
}

/** A body for an operation without a journey step: its required properties, plain values. */
function exampleBody(document: Json, op: Json): Json | undefined {
  const schema = resolve(document, op.requestBody?.content?.['application/json']?.schema);
  if (!schema || schema.type !== 'object') return undefined;
  const body: Json = {};
  for (const name of (schema.required ?? []) as string[]) {
    const property = resolve(document, schema.properties?.[name]) ?? {};
    body[name] =
      property.type === 'boolean'
        ? false
        : property.type === 'integer' || property.type === 'number'
          ? 1
          : name.toLowerCase().includes('password')
            ? '{{newPassword}}'
            : name === 'messageId'
              ? '{{replyId}}'
              : 'text';
  }
  return body;
}

const needsBearer = (op: Json) => (op.security ?? []).some((r: Json) => 'bearerAuth' in r);
/** /v1 takes a personal API key (from POST /api/keys) instead of the access token. */
const needsApiKey = (op: Json) => (op.security ?? []).some((r: Json) => 'apiKeyAuth' in r);

/** What a generic step puts in the path: a key id under /api/keys, the model under /v1/models. */
const genericPathId = (p: string): Ref | undefined =>
  p.includes('{model}')
    ? 'model'
    : p.includes('{id}')
      ? p.startsWith('/api/keys/')
        ? 'keyId'
        : 'chatId'
      : undefined;

/** What fills the path parameter `name` of a step: `{messageId}` is the captured reply. */
const paramRef = (step: Step, name: string): Ref =>
  name === 'messageId' ? 'replyId' : name === 'model' ? 'model' : (step.pathId ?? 'chatId');

/** The journey steps present in the description, then one generic step per uncovered operation. */
function plan(document: Json): (Step & { operation: Operation })[] {
  const byKey = new Map(operations(document).map((o) => [o.key, o]));
  const steps = JOURNEY.filter((s) => byKey.has(s.op)).map((s) => ({
    ...s,
    operation: byKey.get(s.op)!,
  }));
  const covered = new Set(steps.map((s) => s.op));
  // Deletions last among the generic steps, so what they remove is still there for the others.
  const generic = [...byKey.values()].sort(
    (a, b) => Number(a.method === 'delete') - Number(b.method === 'delete'),
  );
  for (const operation of generic) {
    if (covered.has(operation.key)) continue;
    const body = exampleBody(document, operation.op);
    steps.push({
      id: operation.op.operationId,
      op: operation.key,
      title: operation.op.summary ?? operation.key,
      folder: OTHER_ROUTES,
      status: 0, // any documented status below 500
      ...(body ? { body } : {}),
      ...(genericPathId(operation.path) ? { pathId: genericPathId(operation.path) } : {}),
      ...(needsBearer(operation.op) ? { token: 'refresh' as const } : {}),
      operation,
    });
  }
  return FOLDERS.flatMap((folder) => steps.filter((s) => s.folder === folder));
}

const documentedStatuses = (op: Json) =>
  Object.keys(op.responses ?? {})
    .map(Number)
    .filter((s) => Number.isInteger(s) && s < 500)
    .sort((a, b) => a - b);

/** A stable id derived from the text, so regenerating gives the same bytes. */
const stableId = (text: string) => {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

// ---------------------------------------------------------------------------------------------
// Postman

/**
 * Everything the scripts set lives in collection variables with a `sigmagpt` prefix, so a
 * variable of the same plain name in a user's environment (which Postman resolves first) cannot
 * shadow them; only `baseUrl` is meant to come from the environment.
 */
const postmanVar = (name: Ref | 'accessToken') =>
  `sigmagpt${name[0]!.toUpperCase()}${name.slice(1)}`;

const postmanText = (text: string) =>
  text.replace(/\{\{(\w+)\}\}/g, (_m, ref: string) => `{{${postmanVar(ref as Ref)}}}`);

/** A check's `{{ref}}` in a test script: the value an earlier script kept. */
const postmanCheck = (line: string) =>
  line.replace(
    /\{\{(\w+)\}\}/g,
    (_m, ref: string) => `pm.collectionVariables.get('${postmanVar(ref as Ref)}')`,
  );

function postmanTests(step: Step & { operation: Operation }): string[] {
  const lines: string[] = [];
  const wantsBody = (step.checks ?? []).some((c) => /\bbody\b/.test(c.postman)) || step.capture;
  const wantsText = (step.checks ?? []).some((c) => /\btext\b/.test(c.postman));
  if (wantsBody)
    lines.push(
      'let body;',
      'try {',
      '  body = pm.response.json();',
      '} catch (error) {',
      '  body = undefined;',
      '}',
    );
  if (wantsText) lines.push('const text = pm.response.text();');
  if (step.status) {
    lines.push(
      `pm.test('status is ${step.status}', () => pm.response.to.have.status(${step.status}));`,
    );
  } else {
    const statuses = documentedStatuses(step.operation.op);
    lines.push(
      `pm.test('answers a documented status below 500', () => pm.expect(pm.response.code).to.be.oneOf(${JSON.stringify(statuses)}));`,
    );
  }
  for (const check of step.checks ?? [])
    lines.push(
      `pm.test(${JSON.stringify(check.title)}, () => {`,
      `  ${postmanCheck(check.postman)}`,
      '});',
    );
  const captures = Object.entries(step.capture ?? {});
  if (captures.length) {
    lines.push(`if (pm.response.code === ${step.status}) {`);
    for (const [name, expression] of captures)
      lines.push(
        `  pm.collectionVariables.set('${postmanVar(name as Ref)}', ${expression.replace(/^body\./, 'body.')});`,
      );
    lines.push('}');
  }
  return lines;
}

function postmanPreRequest(step: Step): string[] | undefined {
  const unique = (ref: Ref, label: string) => [
    '// A new address on every run, so the journey can be run again without a 409.',
    `pm.collectionVariables.set('${postmanVar(ref)}', \`${label}.\${Date.now()}.\${Math.floor(Math.random() * 1e6)}@example.com\`);`,
  ];
  if (step.id === 'signup') return unique('email', 'ada');
  if (step.id === 'register') return unique('registerEmail', 'grace');
  return undefined;
}

function postmanItem(step: Step & { operation: Operation }): Json {
  const { path: p, op } = step.operation;
  const postmanPath = p.replace(/\{([^}]+)\}/g, ':$1');
  const query = Object.entries(step.query ?? {}).map(([key, value]) => ({
    key,
    value: postmanText(value),
  }));
  const request: Json = {
    method: step.operation.method.toUpperCase(),
    header: [
      { key: 'Accept', value: step.stream ? 'text/event-stream' : 'application/json' },
      ...(step.body ? [{ key: 'Content-Type', value: 'application/json' }] : []),
      ...Object.entries(step.headers ?? {}).map(([key, value]) => ({
        key,
        value: postmanText(value),
      })),
    ],
    url: {
      raw: `{{baseUrl}}${postmanPath}${query.length ? `?${query.map((q) => `${q.key}=${q.value}`).join('&')}` : ''}`,
      host: ['{{baseUrl}}'],
      path: postmanPath.split('/').filter(Boolean),
      ...(query.length ? { query } : {}),
      ...(p.includes('{')
        ? {
            variable: [...p.matchAll(/\{([^}]+)\}/g)].map((m) => ({
              key: m[1]!,
              value: `{{${postmanVar(paramRef(step, m[1]!))}}}`,
            })),
          }
        : {}),
    },
    description: [op.summary, op.description].filter(Boolean).join('\n\n'),
  };
  if (step.body)
    request.body = {
      mode: 'raw',
      raw: postmanText(JSON.stringify(step.body, null, 2)),
      options: { raw: { language: 'json' } },
    };
  if (needsApiKey(op))
    request.auth = {
      type: 'bearer',
      bearer: [{ key: 'token', value: `{{${postmanVar('apiKey')}}}`, type: 'string' }],
    };
  else if (!needsBearer(op) || !step.token) request.auth = { type: 'noauth' };
  const pre = postmanPreRequest(step);
  return {
    name: step.title,
    event: [
      ...(pre ? [{ listen: 'prerequest', script: { type: 'text/javascript', exec: pre } }] : []),
      { listen: 'test', script: { type: 'text/javascript', exec: postmanTests(step) } },
    ],
    request,
  };
}

export function postmanCollection(document: Json): Json {
  const folders = new Map<Folder, Json[]>();
  for (const step of plan(document))
    folders.set(step.folder, [...(folders.get(step.folder) ?? []), postmanItem(step)]);
  return {
    info: {
      _postman_id: stableId('sigmagpt-api-collection'),
      name: document.info.title,
      description: [
        'Generated from /api/openapi.json by `npm run clients`; do not edit by hand.',
        '',
        'Run the whole collection (Collection Runner, or `newman run`): the folders are a journey, from ' +
          'sign-up to account deletion, and every request tests its status and the fields that matter. ' +
          'Set `baseUrl` in an environment (template: sigmagpt.postman_environment.json) or in the ' +
          'collection variables. Everything else is set by the scripts, in collection variables named ' +
          '`sigmagpt…` (a unique email per run, the access token, the chat ids, the API key that the /v1 ' +
          'requests send); `sigmagptPassword` and `sigmagptNewPassword` are the password before and ' +
          'after the password change, `sigmagptModel` the model the /v1 requests ask for.',
      ].join('\n'),
      schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
    },
    auth: {
      type: 'bearer',
      bearer: [{ key: 'token', value: `{{${postmanVar('accessToken')}}}`, type: 'string' }],
    },
    variable: [
      { key: 'baseUrl', value: 'http://localhost:3000', type: 'string' },
      { key: postmanVar('password'), value: 'correct horse battery staple', type: 'string' },
      { key: postmanVar('newPassword'), value: 'another long passphrase', type: 'string' },
      { key: postmanVar('model'), value: 'demo', type: 'string' },
      ...(
        [
          'email',
          'registerEmail',
          'accessToken',
          'chatId',
          'secondChatId',
          'compatChatId',
          'apiKey',
          'keyId',
          'replyId',
          'questionId',
          'forkChatId',
          'importChatId',
          'chatsCursor',
          'v1CompletionId',
          'v1ChatId',
          'v1Text',
        ] as const
      ).map((name) => ({ key: postmanVar(name), value: '', type: 'string' })),
    ],
    item: [...folders].map(([name, items]) => ({ name, item: items })),
  };
}

export function postmanEnvironment(): Json {
  return {
    id: stableId('sigmagpt-api-environment'),
    name: 'SigmaGPT API (local)',
    values: [{ key: 'baseUrl', value: 'http://localhost:3000', type: 'default', enabled: true }],
    _postman_variable_scope: 'environment',
  };
}

// ---------------------------------------------------------------------------------------------
// .http (REST Client and httpyac)

/** Where each value comes from in the .http file: REST Client request variables (httpyac reads
 * them through clients/.httpyac.cjs). */
const HTTP_REFS: Record<Ref, string> = {
  email: '{{signup.response.body.$.user.email}}',
  registerEmail: 'grace.{{$timestamp}}.{{$randomInt 1000 9999}}@example.com',
  password: '{{password}}',
  newPassword: '{{newPassword}}',
  chatId: '{{createChat.response.body.$.id}}',
  secondChatId: '{{createChatWithMessage.response.body.$.chat.id}}',
  compatChatId: '{{compatSend.response.body.$.chat.id}}',
  apiKey: '{{createKey.response.body.$.key}}',
  keyId: '{{createKey.response.body.$.id}}',
  model: '{{model}}',
  replyId: '{{sendMessage.response.body.$.messages[1].id}}',
  questionId: '{{sendMessage.response.body.$.messages[0].id}}',
  forkChatId: '{{forkKeyed.response.body.$.id}}',
  importChatId: '{{importChat.response.body.$.id}}',
  // Not REST Client's: it reads a whole header, never a part of one. clients/.httpyac.cjs gives
  // httpyac the cursor of the Link header.
  chatsCursor: '{{listChatsPage.response.headers.Link.cursor}}',
  v1CompletionId: '{{v1Stored.response.body.$.id}}',
  v1ChatId: '{{v1Stored.response.headers.X-Chat-Id}}',
  v1Text: '{{v1Stored.response.body.$.choices[0].message.content}}',
};

/** A check's `{{ref}}`: the value read from the earlier response. */
const httpCheck = (line: string) =>
  line.replace(/\{\{(\w+)\}\}/g, (_m, ref: string) => HTTP_REFS[ref as Ref]);

function httpText(step: Step, text: string): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_m, ref: string) =>
    step.id === 'signup' && ref === 'email'
      ? 'ada.{{$timestamp}}.{{$randomInt 1000 9999}}@example.com'
      : HTTP_REFS[ref as Ref],
  );
}

export function httpFile(document: Json): string {
  const lines = [
    '# SigmaGPT API: the whole journey, from sign-up to account deletion, top to bottom.',
    '# Generated from /api/openapi.json by `npm run clients`; do not edit by hand.',
    '#',
    '# VS Code REST Client: send the requests in order (each reads ids and tokens from the named',
    '# responses before it). httpyac: `httpyac send clients/sigmagpt.http --all`; the `# ??` lines are',
    '# its assertions (REST Client ignores comments), enabled by clients/.httpyac.cjs.',
    "# One value is httpyac's alone: a list's cursor, `{{listChatsPage.response.headers.Link.cursor}}`",
    '# (REST Client reads a whole header, never a part of one: there, paste the cursor of that',
    "# response's Link header in its place).",
    '# The base URL comes from clients/.env (`cp clients/.env.example clients/.env`: `baseUrl=…`),',
    '# read by both through {{$dotenv baseUrl}};',
    '# httpyac can also override it: `--var baseUrl=http://…`.',
    '',
    '@baseUrl = {{$dotenv baseUrl}}',
    '@password = correct horse battery staple',
    '@newPassword = another long passphrase',
    '# The model the /v1 requests ask for: one of GET /v1/models.',
    '@model = demo',
    '',
  ];
  let folder: Folder | undefined;
  for (const step of plan(document)) {
    const { method, path: p, op } = step.operation;
    if (step.folder !== folder) {
      folder = step.folder;
      lines.push(`# ---- ${folder} ----`, '');
    }
    const url = p.replace(/\{([^}]+)\}/g, (_m, name: string) => HTTP_REFS[paramRef(step, name)]);
    lines.push(`### ${step.title}`, `# @name ${step.id}`);
    lines.push(step.status ? `# ?? status == ${step.status}` : `# ?? status < 500`);
    for (const check of step.checks ?? [])
      if (check.httpyac) lines.push(`# ?? ${httpCheck(check.httpyac)}`);
    const query = Object.entries(step.query ?? {})
      .map(([key, value]) => `${key}=${httpText(step, value)}`)
      .join('&');
    lines.push(
      `${method.toUpperCase()} {{baseUrl}}${url}${query ? `?${query}` : ''}`,
      `Accept: ${step.stream ? 'text/event-stream' : 'application/json'}`,
    );
    if (needsApiKey(op)) lines.push(`Authorization: Bearer ${HTTP_REFS.apiKey}`);
    else if (needsBearer(op) && step.token)
      lines.push(`Authorization: Bearer {{${step.token}.response.body.$.accessToken}}`);
    for (const [key, value] of Object.entries(step.headers ?? {}))
      lines.push(`${key}: ${httpText(step, value)}`);
    if (step.body)
      lines.push(
        'Content-Type: application/json',
        '',
        httpText(step, JSON.stringify(step.body, null, 2)),
      );
    lines.push('');
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------

/** Loads the app's route specs under a fixed configuration, so the output is the same everywhere. */
export async function currentDocument(): Promise<Json> {
  const { reloadConfig } = await import('../src/lib/config.js');
  reloadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: 'client-kit-generation-only-not-a-real-secret',
    DATA_DIR: path.join(ROOT, 'data'),
  });
  const { routeGroups } = await import('../src/app.js');
  const { openApiDocument } = await import('../src/modules/docs/openapi.js');
  return openApiDocument(routeGroups());
}

/** The typed client's types, with the same generator a frontend developer would run. */
export async function typescriptTypes(document: Json): Promise<string> {
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  // arrayLength: the two messages of an exchange are a pair ([user, assistant]), not any list.
  const ast = await openapiTS(structuredClone(document) as never, { arrayLength: true });
  return [
    '/**',
    ' * Generated from the OpenAPI description by `npm run clients` (openapi-typescript); do not edit.',
    ' */',
    '',
    astToString(ast),
  ].join('\n');
}

export async function renderClients(document: Json): Promise<Record<string, string>> {
  return {
    [OPENAPI_FILE]: `${JSON.stringify(document, null, 2)}\n`,
    [POSTMAN_FILE]: `${JSON.stringify(postmanCollection(document), null, 2)}\n`,
    [POSTMAN_ENV_FILE]: `${JSON.stringify(postmanEnvironment(), null, 2)}\n`,
    [HTTP_FILE]: httpFile(document),
    [TYPES_FILE]: await typescriptTypes(document),
  };
}

async function main() {
  const check = process.argv.includes('--check');
  const files = await renderClients(await currentDocument());
  let stale = false;
  for (const [file, content] of Object.entries(files)) {
    const relative = path.relative(ROOT, file);
    let current: string | undefined;
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      current = undefined;
    }
    if (current === content) {
      console.log(`${relative}: up to date`);
    } else if (check) {
      console.error(`${relative}: differs from the generated kit; run npm run clients`);
      stale = true;
    } else {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
      console.log(`${relative}: written`);
    }
  }
  process.exit(stale ? 1 : 0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href)
  await main();
