/**
 * Generates the client kits from the OpenAPI description (itself generated from routeGroups()):
 *   clients/sigmagpt.postman_collection.json  Postman collection v2.1 with an auth flow
 *   clients/sigmagpt.http                     REST Client (VS Code) / HTTP-file editors
 *
 *   npm run clients            write both files
 *   npm run clients -- --check exit 1 when the committed files differ from what would be written
 *
 * The output depends only on the route specs, never on the local configuration (limits, models),
 * so every machine generates the same bytes; tests/contract/clients.test.ts fails on drift.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type Json = Record<string, any>;
interface Operation {
  method: string;
  path: string;
  op: Json;
  tag: string;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const POSTMAN_FILE = path.join(ROOT, 'clients/sigmagpt.postman_collection.json');
export const HTTP_FILE = path.join(ROOT, 'clients/sigmagpt.http');

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const TOKEN_ROUTES = new Set([
  '/api/auth/signup',
  '/api/auth/register',
  '/api/auth/login',
  '/api/auth/refresh',
]);
const CHAT_CREATING_ROUTES = new Set(['/api/chats', '/api/chat']);

/** Example values by property name; optional properties are left out unless listed here. */
const EXAMPLES: Record<string, unknown> = {
  email: '{{email}}',
  password: '{{password}}',
  currentPassword: '{{password}}',
  newPassword: '{{newPassword}}',
  name: 'Ada Lovelace',
  title: 'My first chat',
  content: 'Hello! What can you do?',
  message: 'Hello! What can you do?',
  stream: false,
  pinned: true,
};

function operations(document: Json): Operation[] {
  const list: Operation[] = [];
  for (const [p, item] of Object.entries(document.paths as Json)) {
    for (const method of METHODS) {
      const op = (item as Json)[method] as Json | undefined;
      if (op) list.push({ method, path: p, op, tag: op.tags?.[0] ?? 'Other' });
    }
  }
  return list;
}

function resolve(document: Json, schema: Json | undefined): Json | undefined {
  if (!schema?.$ref) return schema;
  return resolve(document, document.components.schemas[String(schema.$ref).split('/').pop()!]);
}

function exampleBody(document: Json, op: Json): Json | undefined {
  const schema = resolve(document, op.requestBody?.content?.['application/json']?.schema);
  if (!schema || schema.type !== 'object') return undefined;
  const required = new Set<string>(schema.required ?? []);
  const body: Json = {};
  for (const [name, property] of Object.entries((schema.properties ?? {}) as Json)) {
    if (name in EXAMPLES && (required.has(name) || name !== 'message')) body[name] = EXAMPLES[name];
    else if (required.has(name))
      body[name] = property.type === 'boolean' ? false : property.type === 'integer' ? 1 : 'text';
  }
  return body;
}

const isPublic = (op: Json) => Array.isArray(op.security) && op.security.length === 0;
const needsBearer = (op: Json) => (op.security ?? []).some((r: Json) => 'bearerAuth' in r);
const needsMetricsToken = (op: Json) => (op.security ?? []).some((r: Json) => 'metricsToken' in r);
/** JSON, unless no success response of the operation is JSON (/metrics is text). */
const acceptOf = (op: Json): string => {
  const types = Object.entries((op.responses ?? {}) as Json)
    .filter(([status]) => status.startsWith('2'))
    .flatMap(([, response]) => Object.keys((response as Json).content ?? {}));
  return types.length === 0 || types.includes('application/json') ? 'application/json' : types[0]!;
};
const pathParams = (p: string) => [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
const paramVariable = (name: string) => (name === 'id' ? 'chatId' : name);

function testScript(op: Operation): string[] | undefined {
  if (op.method === 'post' && TOKEN_ROUTES.has(op.path)) {
    return [
      '// Keep the access token for every other request (collection auth: Bearer {{accessToken}}).',
      'if (pm.response.code === 200 || pm.response.code === 201) {',
      "  pm.collectionVariables.set('accessToken', pm.response.json().accessToken);",
      '}',
    ];
  }
  if (op.method === 'post' && CHAT_CREATING_ROUTES.has(op.path)) {
    return [
      '// Keep the new chat id for the requests under /chats/:id.',
      'if (pm.response.code === 201) {',
      '  const body = pm.response.json();',
      "  pm.collectionVariables.set('chatId', body.id || (body.chat && body.chat.id));",
      '}',
    ];
  }
  return undefined;
}

/** A stable id derived from the text, so regenerating gives the same bytes. */
const stableId = (text: string) => {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

export function postmanCollection(document: Json): Json {
  const folders = new Map<string, Json[]>();
  for (const operation of operations(document)) {
    const { method, path: p, op, tag } = operation;
    const postmanPath = p.replace(/\{([^}]+)\}/g, ':$1');
    const query = (op.parameters ?? [])
      .filter((param: Json) => param.in === 'query')
      .map((param: Json) => ({
        key: param.name,
        value: '',
        disabled: true,
        ...(param.description ? { description: param.description } : {}),
      }));
    const body = exampleBody(document, op);
    const script = testScript(operation);
    const request: Json = {
      method: method.toUpperCase(),
      header: [
        { key: 'Accept', value: acceptOf(op) },
        ...(body ? [{ key: 'Content-Type', value: 'application/json' }] : []),
      ],
      url: {
        raw: `{{baseUrl}}${postmanPath}${query.length ? `?${query.map((q: Json) => `${q.key}=`).join('&')}` : ''}`,
        host: ['{{baseUrl}}'],
        path: postmanPath.split('/').filter(Boolean),
        ...(query.length ? { query } : {}),
        ...(pathParams(p).length
          ? {
              variable: pathParams(p).map((name) => ({
                key: name,
                value: `{{${paramVariable(name)}}}`,
              })),
            }
          : {}),
      },
      description: [op.summary, op.description].filter(Boolean).join('\n\n'),
    };
    if (body)
      request.body = {
        mode: 'raw',
        raw: JSON.stringify(body, null, 2),
        options: { raw: { language: 'json' } },
      };
    if (needsMetricsToken(op))
      request.auth = {
        type: 'bearer',
        bearer: [{ key: 'token', value: '{{metricsToken}}', type: 'string' }],
      };
    else if (isPublic(op) || !needsBearer(op)) request.auth = { type: 'noauth' };
    const item: Json = { name: op.summary, request };
    if (script)
      item.event = [{ listen: 'test', script: { type: 'text/javascript', exec: script } }];
    folders.set(tag, [...(folders.get(tag) ?? []), item]);
  }
  return {
    info: {
      _postman_id: stableId('sigmagpt-api-collection'),
      name: document.info.title,
      description:
        'Generated from /api/openapi.json by `npm run clients`; do not edit by hand.\n\n' +
        'Auth flow: run **Auth → Create an account** (or **Log in**). Its test script stores the access token in the ' +
        'collection variable `accessToken`, which the collection sends as `Authorization: Bearer {{accessToken}}`. ' +
        'Creating a chat stores `chatId` the same way. Set `baseUrl`, `email` and `password` in the collection variables.',
      schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
    },
    auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{accessToken}}', type: 'string' }] },
    variable: [
      { key: 'baseUrl', value: 'http://localhost:3000', type: 'string' },
      { key: 'email', value: 'you@example.com', type: 'string' },
      { key: 'password', value: 'correct horse battery staple', type: 'string' },
      { key: 'newPassword', value: 'another long passphrase', type: 'string' },
      { key: 'accessToken', value: '', type: 'string' },
      { key: 'chatId', value: '', type: 'string' },
      { key: 'metricsToken', value: '', type: 'string' },
    ],
    item: [...folders].map(([name, items]) => ({ name, item: items })),
  };
}

export function httpFile(document: Json): string {
  const lines = [
    '# SigmaGPT API — requests for REST Client (VS Code) and other .http editors.',
    '# Generated from /api/openapi.json by `npm run clients`; do not edit by hand.',
    '# Run "Create an account" or "Log in" first: @accessToken reads the token from the login response,',
    '# @chatId from the "Create a chat" response.',
    '',
    '@baseUrl = http://localhost:3000',
    '@email = you@example.com',
    '@password = correct horse battery staple',
    '@newPassword = another long passphrase',
    '@accessToken = {{postAuthLogin.response.body.$.accessToken}}',
    '@chatId = {{postChats.response.body.$.id}}',
    "# The server's METRICS_TOKEN, for GET /metrics",
    '@metricsToken = ',
    '',
  ];
  for (const { method, path: p, op } of operations(document)) {
    const url = p.replace(/\{([^}]+)\}/g, (_m, name: string) => `{{${paramVariable(name)}}}`);
    const body = exampleBody(document, op);
    lines.push(
      `### ${op.summary}`,
      `# @name ${op.operationId}`,
      `${method.toUpperCase()} {{baseUrl}}${url}`,
      `Accept: ${acceptOf(op)}`,
    );
    if (needsBearer(op)) lines.push('Authorization: Bearer {{accessToken}}');
    if (needsMetricsToken(op)) lines.push('Authorization: Bearer {{metricsToken}}');
    if (body) lines.push('Content-Type: application/json', '', JSON.stringify(body, null, 2));
    lines.push('');
  }
  return `${lines.join('\n')}`;
}

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
  return openApiDocument(routeGroups()) as Json;
}

export function renderClients(document: Json): Record<string, string> {
  return {
    [POSTMAN_FILE]: `${JSON.stringify(postmanCollection(document), null, 2)}\n`,
    [HTTP_FILE]: httpFile(document),
  };
}

async function main() {
  const check = process.argv.includes('--check');
  const files = renderClients(await currentDocument());
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
