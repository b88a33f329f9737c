import { readFileSync } from 'node:fs';
import {
  extendZodWithOpenApi,
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type ResponseConfig,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode } from '../../lib/errors.js';
import type { RouteGroup, RouteSpec } from '../../lib/http/route.js';
import { isRateLimitGuard } from '../../lib/rate-limit/limiter.js';
import { refreshCookieName, sameOriginOnly } from '../../lib/http/refresh-cookie.js';

extendZodWithOpenApi(z);

type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;
type Security = Record<string, string[]>[];

const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

/** The error body every non-2xx JSON response carries. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES).describe('Stable machine-readable code'),
      message: z.string().describe('Human-readable; never contains internals'),
      requestId: z.string().describe('Same as the X-Request-Id response header'),
      details: z
        .array(z.object({ path: z.string(), message: z.string() }))
        .optional()
        .describe('Validation issues, one per invalid field'),
    }),
  })
  .openapi('ErrorBody');

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'The request is invalid: a field fails validation (details lists them) or the body is not valid JSON',
  401: 'Missing, invalid, expired or revoked credentials',
  403: 'Forbidden: the origin is not allowed, the caller is not an administrator, or the account is disabled',
  404: "No such resource (another user's resources answer the same way)",
  405: 'The path exists but not with this method; `Allow` lists the methods it answers',
  409: 'Conflicts with existing data',
  413: 'The request body is larger than the server accepts',
  415: 'The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does)',
  429: 'Too many requests; retry after `Retry-After` seconds',
  500: 'Unexpected server error (the message never contains internals; quote the requestId)',
  502: 'The upstream model failed',
  503: 'The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds',
  504: 'The upstream model timed out',
};

const header = (description: string) => ({ description, schema: { type: 'string' as const } });

const ERROR_HEADERS: Record<number, Record<string, ReturnType<typeof header>>> = {
  401: { 'WWW-Authenticate': header('`Bearer` (RFC 6750)') },
  405: { Allow: header('The methods this path answers') },
  415: {
    'Accept-Encoding': header(
      'With a Content-Encoding the server does not decode: those it does (gzip, deflate, br, zstd where the Node has it, identity)',
    ),
  },
  429: { 'Retry-After': header('Seconds to wait before retrying') },
  503: { 'Retry-After': header('Seconds to wait before retrying') },
};

/**
 * A model send's failure (only those answer 502 and 504 on /api): its question and failed reply
 * are stored, in a chat the send may have just started.
 */
const STORED_IN = header(
  'The chat holding the question and the failed reply (a new one for a send that started it)',
);
const SEND_FAILURE_HEADERS: Record<number, Record<string, ReturnType<typeof header>>> = {
  502: { 'X-Chat-Id': STORED_IN },
  504: { 'X-Chat-Id': STORED_IN },
};

/** Where /v1 answers a status for more than the rest of the API does (openai.errors.ts). */
const V1_ERROR_DESCRIPTIONS: Record<number, string> = {
  503: 'The database is unavailable, the server is shutting down or too busy; for a completion also the model provider down or overloaded (`upstream_unavailable`, 5 s when it named no wait) or a stored completion stopped (`generation_interrupted`); retry after `Retry-After` seconds unless `x-should-retry` is `false`',
};

/** What a /v1 error may carry that OpenAI's SDKs and their callers act on (openai.errors.ts). */
const V1_ERROR_HEADERS = {
  'x-should-retry': header(
    '`false` when sending the request again as it is would not help or would store it twice (a refusal that answers the same, a stored exchange, a long wait): the SDKs do not retry it',
  ),
  'X-Chat-Id': header(
    'With `store: true`, once the question was stored: the chat holding it (the one a retry should name in `metadata.chat_id`)',
  ),
};

const REQUEST_ID_HEADER = {
  'X-Request-Id': header('Request id (echoed from the request when it is short and plain)'),
};

const METHODS_WITH_BODY = new Set(['post', 'put', 'patch', 'delete']);

/**
 * `/api/chats` + `/:id/messages` → `/api/chats/{id}/messages`; a wildcard (`/models/*model`) is
 * published as one parameter too.
 */
export function openApiPath(prefix: string, path: string): string {
  const joined = path === '/' ? prefix : `${prefix}${path}`;
  return joined.replace(PATH_PARAM, '{$1}');
}

/** The parameters of an Express path: `:name`, and the wildcard `*name`. */
const PATH_PARAM = /[:*]([A-Za-z0-9_]+)/g;
const pathParamNames = (path: string) => [...path.matchAll(PATH_PARAM)].map((m) => m[1]!);

const pascal = (text: string) =>
  text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');

function operationId(prefix: string, route: RouteSpec): string {
  if (route.operationId) return route.operationId;
  const words = openApiPath(prefix, route.path)
    .replace(/^\/api\//, '/')
    .replace(/[{}]/g, '');
  return `${route.method}${pascal(words)}`;
}

/**
 * Who may call a route. Bearer routes say `auth: true`; the routes that read the refresh cookie
 * are the ones guarded by `sameOriginOnly` — the cookie is required where the route can answer
 * 401, optional otherwise (logout accepts the access token, the cookie, either or neither).
 */
function securityOf(route: RouteSpec): Security | undefined {
  if (route.security) return route.security;
  if (route.auth) return [{ bearerAuth: [] }];
  if (route.guards?.includes(sameOriginOnly)) {
    return route.errors?.includes(401)
      ? [{ refreshCookie: [] }]
      : [{}, { bearerAuth: [] }, { refreshCookie: [] }];
  }
  return [];
}

/** Every error status a route can answer, from its wiring and its declared `errors`. */
export function errorStatuses(route: RouteSpec): number[] {
  const statuses = new Set<number>([405, 500, 503, ...(route.errors ?? [])]);
  // Every route validates its query (one that reads none refuses any: route.ts NoQuery).
  statuses.add(400);
  if (METHODS_WITH_BODY.has(route.method)) {
    // Every body-carrying method passes the JSON body parser, schema or not.
    statuses.add(400).add(413).add(415);
  }
  if (route.auth) statuses.add(401);
  if (pathParamNames(route.path).length > 0) statuses.add(404);
  if ((route.guards ?? []).some((guard: RequestHandler) => isRateLimitGuard(guard)))
    statuses.add(429);
  return [...statuses].sort((a, b) => a - b);
}

function errorResponse(status: number, group?: RouteGroup): ResponseConfig {
  const codes = ERROR_CODES.filter((code) => ERROR_STATUS[code] === status);
  const base = ERROR_DESCRIPTIONS[status] ?? 'Error';
  if (group?.errorBody) {
    // A protocol of its own (/v1): its error body, and no list of our codes.
    const description = V1_ERROR_DESCRIPTIONS[status] ?? base;
    return {
      description,
      headers: { ...REQUEST_ID_HEADER, ...ERROR_HEADERS[status], ...V1_ERROR_HEADERS },
      content: {
        'application/json': {
          schema: { $ref: `#/components/schemas/${group.errorBody.name}` },
          example: group.errorBody.example(status, base),
        },
      },
    };
  }
  return {
    description: codes.length > 0 ? `${base} (${codes.map((c) => `\`${c}\``).join(', ')})` : base,
    headers: { ...REQUEST_ID_HEADER, ...ERROR_HEADERS[status], ...SEND_FAILURE_HEADERS[status] },
    content: {
      'application/json': {
        schema: ErrorBody,
        example: {
          error: {
            code: codes[0] ?? 'INTERNAL',
            message: base,
            requestId: '3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b',
          },
        },
      },
    },
  };
}

/**
 * One component per SSE event, the way OpenAPI 3.2's `itemSchema` (and tools reading 3.1, such as
 * schemathesis) read an event stream: `schema` describes one event `{ event, id, data }`, and
 * `data` is a JSON string whose shape is `contentSchema`. Named once per payload schema so
 * aliases share them.
 */
class EventComponents {
  private readonly names = new Map<z.ZodType, string>();
  constructor(private readonly registry: OpenAPIRegistry) {}

  ref(event: string, data: z.ZodType): { $ref: string } {
    let name = this.names.get(data);
    if (!name) {
      const base = `${pascal(event)}Event`;
      const taken = new Set(this.names.values());
      name = base;
      for (let i = 2; taken.has(name); i += 1) name = `${base}${i}`;
      this.names.set(data, name);
      // A clone made now: schemas built before extendZodWithOpenApi ran lack `.openapi`.
      this.registry.register(`${name}Data`, data.clone());
      // contentSchema is JSON Schema 2020-12 (allowed in 3.1); openapi3-ts does not type it.
      this.registry.registerComponent('schemas', name, {
        type: 'object',
        description: `The \`${event}\` event: \`event: ${event}\`, an \`id:\` line (none on an event that adds no text, such as \`title\`: the last id stays) and one JSON \`data:\` line.`,
        properties: {
          event: { const: event },
          id: {
            type: 'string',
            description:
              'A cursor into the reply, `<replyId>:<offset>` (`<replyId>:end` on the final event, but for a `SERVICE_UNAVAILABLE` `error` of a reader that lost the database: the reply may go on, and the id is the text delivered): send the last one received back as `Last-Event-ID` to resume. Absent on events that add no text (`title`)',
          },
          data: {
            type: 'string',
            contentMediaType: 'application/json',
            contentSchema: { $ref: `#/components/schemas/${name}Data` },
          },
        },
        required: ['event', 'data'],
      } as never);
    }
    return { $ref: `#/components/schemas/${name}` };
  }

  /** One event of a stream, any of `events`: inline, or a component when the route names one. */
  anyOf(events: Record<string, z.ZodType>, name?: string): Record<string, unknown> {
    const oneOf = { oneOf: Object.entries(events).map(([event, data]) => this.ref(event, data)) };
    if (!name) return oneOf;
    if (!this.unions.has(name)) {
      this.unions.add(name);
      this.registry.registerComponent('schemas', name, {
        ...oneOf,
        description: 'One Server-Sent Event of a reply stream, told apart by `event`',
      });
    }
    return { $ref: `#/components/schemas/${name}` };
  }

  private readonly unions = new Set<string>();
}

function sseDescription(
  description: string,
  events: Record<string, z.ZodType>,
  outsideContent: boolean,
): string {
  const list = Object.keys(events)
    .map((name) => `\`${name}\``)
    .join(', ');
  return [
    description,
    '',
    `\`text/event-stream\`: each event has an \`event:\` line (${list || 'see the API guide'}), an \`id:\` line (a cursor to resume from)`,
    outsideContent
      ? `and one JSON \`data:\` line. ${STREAM_OUTSIDE_CONTENT}`
      : 'and one JSON `data:` line; the schema describes one event, its `data` payload is the `contentSchema`.',
    'A comment line `: ping` keeps the connection alive. The stream ends with exactly one `done` or `error` event.',
  ].join('\n');
}

/**
 * Where an operation answers JSON under one 2xx status and a stream under another (chosen by the
 * request: `stream`, Accept), the stream is not a `content` entry: generated clients (openapi-fetch
 * over openapi-typescript) merge every 2xx content into one result type, so JSON callers would
 * have to narrow it away from the events on every call. Its events are described by the
 * extension's `itemSchema` instead (OpenAPI 3.2's name for the schema of one event), a component
 * that the stream-only operations (GET …/stream) reference as their `content`.
 */
const STREAM_EXTENSION = 'x-event-stream';
const STREAM_OUTSIDE_CONTENT = `The stream is described here and in \`${STREAM_EXTENSION}\` (\`contentType\`, and \`itemSchema\`: one event, whose \`data\` payload is the \`contentSchema\`) rather than as \`content\`, so that clients generated from this description type the JSON answer alone; read the stream with \`fetch\`.`;

/**
 * A stream of bare `data:` lines (no event names or ids), as OpenAI and the AI SDK send them: one
 * event is `{ data }`, a JSON payload (registered as a component, referenced as the string's
 * `contentSchema` as EventComponents does) or the literal `[DONE]` that ends the stream.
 */
function dataEventSchema(registry: OpenAPIRegistry, name: string, payload: z.ZodType) {
  registry.register(name, payload.clone());
  // contentSchema is JSON Schema 2020-12 (allowed in 3.1); openapi3-ts does not type it.
  return {
    type: 'object',
    description: `One event: a \`data:\` line holding a JSON \`${name}\` object, or the literal \`[DONE]\` that ends the stream.`,
    properties: {
      data: {
        anyOf: [
          {
            type: 'string',
            contentMediaType: 'application/json',
            contentSchema: { $ref: `#/components/schemas/${name}` },
          },
          { const: '[DONE]' },
        ],
      },
    },
    required: ['data'],
  } as never;
}

function successResponses(
  route: RouteSpec,
  events: EventComponents,
  registry: OpenAPIRegistry,
  opId: string,
) {
  const responses: Record<string, ResponseConfig> = {};
  const entries = Object.entries(route.responses).flatMap(([status, spec]) =>
    spec.also ? [[status, spec] as const, [status, spec.also] as const] : [[status, spec] as const],
  );
  // A stream beside a JSON answer of another success status is left out of `content`.
  const jsonStatuses = new Set(
    entries
      .filter(
        ([, spec]) =>
          spec.schema && (spec.contentType ?? 'application/json') !== 'text/event-stream',
      )
      .map(([status]) => status),
  );
  for (const [status, spec] of entries) {
    const previous = responses[status];
    const headers = {
      ...REQUEST_ID_HEADER,
      ...Object.fromEntries(
        Object.entries(spec.headers ?? {}).map(([name, d]) => [name, header(d)]),
      ),
    };
    const contentType = spec.contentType ?? 'application/json';
    if (spec.dataEvents) {
      const name = `${pascal(opId)}Event`;
      responses[status] = {
        description: spec.description,
        headers,
        content: { [contentType]: { schema: dataEventSchema(registry, name, spec.dataEvents) } },
      };
    } else if (contentType === 'text/event-stream') {
      const schema =
        Object.keys(spec.events ?? {}).length > 0
          ? events.anyOf(spec.events!, spec.eventName)
          : { type: 'object' as const, description: 'One server-sent event' };
      const outside = [...jsonStatuses].some((other) => other !== status);
      responses[status] = outside
        ? ({
            description: sseDescription(spec.description, spec.events ?? {}, true),
            headers,
            [STREAM_EXTENSION]: { contentType: 'text/event-stream', itemSchema: schema },
          } as ResponseConfig)
        : {
            description: sseDescription(spec.description, spec.events ?? {}, false),
            headers,
            content: { 'text/event-stream': { schema } },
          };
    } else if (spec.schema) {
      responses[status] = {
        description: spec.description,
        headers,
        content: { [contentType]: { schema: spec.schema } },
      };
    } else {
      responses[status] = { description: spec.description, headers };
    }
    if (previous) {
      // Two content types under one status: one description, both media types.
      const current = responses[status];
      responses[status] = {
        ...previous,
        description: `${previous.description}; or ${current.description}`,
        content: { ...previous.content, ...current.content },
      };
    }
  }
  return responses;
}

function requestOf(route: RouteSpec): RouteConfig['request'] {
  const request: NonNullable<RouteConfig['request']> = {};
  const names = pathParamNames(route.path);
  if (route.request?.params) request.params = route.request.params as never;
  else if (names.length > 0)
    request.params = z.object(Object.fromEntries(names.map((n) => [n, z.string()])));
  if (route.request?.query) request.query = route.request.query as never;
  if (route.request?.headers) request.headers = route.request.headers;
  const body = route.request?.body;
  if (body) {
    request.body = {
      // The validator reads a missing body as {}: the body is optional when {} is valid.
      required: !body.safeParse({}).success,
      content: { 'application/json': { schema: body } },
    };
  }
  return request;
}

const packageVersion = () => {
  try {
    return (
      JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
        version: string;
      }
    ).version;
  } catch {
    return '0.0.0';
  }
};

const API_DESCRIPTION = `Multi-user AI chat backend: accounts, chat threads, model replies streamed over SSE.

**Auth.** Sign up or log in (\`/api/auth/signup\`, \`/api/auth/login\`) to get an \`accessToken\`; send it as
\`Authorization: Bearer <accessToken>\`. It expires after \`expiresIn\` seconds: \`POST /api/auth/refresh\`
with the HttpOnly refresh cookie (set by signup/login; \`__Host-refresh_token\` on path \`/\` in production,
\`refresh_token\` on path \`/api/auth\` in development) returns a new one.

**Errors.** Every non-2xx JSON response has the body \`{ "error": { code, message, requestId, details? } }\`.
Every response carries \`X-Request-Id\`.

**Lists** are JSON arrays; pagination is opt-in with \`?limit=\` and \`?cursor=\`, and a \`Link: <…>; rel="next"\`
header names the next page.

**Streaming** replies are \`text/event-stream\` (events \`meta\`, \`delta\`, then one \`done\` or \`error\`).
EventSource cannot POST or send headers: read the stream with \`fetch\` (see the README, "From a browser app").

**Reconnecting.** A reply outlives its connection. Event ids are cursors: resume with
\`GET /api/chats/{id}/messages/{messageId}/stream\` and \`Last-Event-ID\` (or \`?lastEventId=\`) on any instance;
a POST that carries \`Last-Event-ID\` resumes instead of sending again. \`Idempotency-Key\` makes a retried send
answer with the same exchange.`;

/** One line per tag for the reference's headings; a group without one gets a plain default. */
const TAG_DESCRIPTIONS: Record<string, string> = {
  Operations: 'Health, readiness and this description',
  Auth: 'Accounts and sessions: sign-up, login, the refresh cookie, logout',
  Users: 'The current account: profile, password, deletion',
  Chats: 'Chat threads and their messages; replies as JSON or streamed over SSE',
  Models: 'The models this server allows',
  'SigmaGPT-compatible': 'The routes SigmaGPT clients call, on the same objects as /api/chats',
};

/** Operations served outside the route groups that clients still call. */
function registerOperations(registry: OpenAPIRegistry) {
  const health = registry.register('Health', z.object({ status: z.string() }));
  const ready = registry.register(
    'Readiness',
    z.object({
      status: z.enum(['ready', 'unavailable']),
      database: z.enum(['up', 'down']),
      draining: z.boolean(),
    }),
  );
  const plain = (description: string, schema: z.ZodType): ResponseConfig => ({
    description,
    headers: REQUEST_ID_HEADER,
    content: { 'application/json': { schema } },
  });
  registry.registerPath({
    method: 'get',
    path: '/healthz',
    tags: ['Operations'],
    operationId: 'getHealthz',
    security: [],
    summary: 'Liveness: 200 while the process runs',
    responses: {
      200: plain('The process is running', health),
      405: errorResponse(405),
      500: errorResponse(500),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/readyz',
    tags: ['Operations'],
    operationId: 'getReadyz',
    security: [],
    summary: 'Readiness: 200 when the database answers, else 503',
    responses: {
      200: plain('Ready to serve', ready),
      503: plain('Not ready (database down or draining)', ready),
      405: errorResponse(405),
      500: errorResponse(500),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/metrics',
    tags: ['Operations'],
    operationId: 'getMetrics',
    security: [{ metricsToken: [] }],
    summary: 'Prometheus metrics (only with METRICS_TOKEN set; 404 otherwise)',
    description:
      'Served here only when METRICS_TOKEN is set and METRICS_PORT is not; with METRICS_PORT the metrics are on that port instead. See the README, "Operating it".',
    responses: {
      200: {
        description: 'The metrics in the Prometheus text format',
        headers: REQUEST_ID_HEADER,
        content: { 'text/plain': { schema: z.string() } },
      },
      401: errorResponse(401),
      404: errorResponse(404),
      405: errorResponse(405),
      500: errorResponse(500),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/openapi.json',
    tags: ['Operations'],
    operationId: 'getOpenApi',
    security: [],
    summary: 'This OpenAPI 3.1 description',
    responses: {
      200: {
        description: 'The OpenAPI document',
        headers: REQUEST_ID_HEADER,
        content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
      },
      405: errorResponse(405),
      500: errorResponse(500),
    },
  });
}

/**
 * A tuple whose items are all the same schema is written as a plain array of that schema with a
 * fixed length: the same set of documents, and it reads better than `prefixItems` in every tool.
 * A tuple of different schemas (ExchangeResult.messages: the user message, then the reply) keeps
 * `prefixItems`, which the generator writes open-ended: `items: false` allows nothing after them.
 * Not `minItems`/`maxItems`: openapi-typescript with `arrayLength` (as the typed client is
 * generated) then nests the tuple in a tuple; the tuple type it writes already has the length.
 * schemathesis 4.32.5 validates responses against `prefixItems`.
 */
function normaliseTuples<T>(node: T): T {
  if (Array.isArray(node)) return node.map(normaliseTuples) as T;
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = normaliseTuples(value);
  const prefix = out.prefixItems;
  if (
    Array.isArray(prefix) &&
    prefix.length > 0 &&
    out.items === undefined &&
    prefix.every((s) => JSON.stringify(s) === JSON.stringify(prefix[0]))
  ) {
    delete out.prefixItems;
    out.items = prefix[0];
    out.minItems = prefix.length;
    out.maxItems = prefix.length;
  } else if (Array.isArray(prefix) && prefix.length > 0 && out.items === undefined) {
    out.items = false;
  }
  return out as T;
}

/** The OpenAPI 3.1 description of every route in `groups`, built from the specs that wire them. */
export function openApiDocument(groups: RouteGroup[]): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  const events = new EventComponents(registry);
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'The `accessToken` from signup, login or refresh',
  });
  registry.registerComponent('securitySchemes', 'refreshCookie', {
    type: 'apiKey',
    in: 'cookie',
    name: refreshCookieName(),
    description:
      'HttpOnly refresh cookie set by signup/login/refresh: `refresh_token` on path /api/auth in development, `__Host-refresh_token` on path / in production; browsers send it with `credentials: "include"`',
  });
  registry.registerComponent('securitySchemes', 'metricsToken', {
    type: 'http',
    scheme: 'bearer',
    description:
      'METRICS_TOKEN of the server configuration (for Prometheus: `authorization.credentials`)',
  });
  registry.registerComponent('securitySchemes', 'apiKeyAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'sgpt_…',
    description: 'A personal API key from `POST /api/keys`; accepted only on `/v1/*`',
  });
  registerOperations(registry);
  for (const name of new Set(groups.flatMap((g) => (g.errorBody ? [g.errorBody.name] : [])))) {
    const body = groups.find((g) => g.errorBody?.name === name)!.errorBody!;
    registry.register(name, body.schema.clone());
  }

  for (const group of groups) {
    for (const route of group.routes) {
      const path = openApiPath(group.prefix, route.path);
      const responses = successResponses(route, events, registry, operationId(group.prefix, route));
      for (const status of errorStatuses(route)) responses[status] ??= errorResponse(status, group);
      registry.registerPath({
        method: route.method,
        path,
        tags: [group.tag],
        operationId: operationId(group.prefix, route),
        summary: route.summary,
        ...(route.description ? { description: route.description } : {}),
        security: securityOf(route),
        request: requestOf(route),
        responses,
      });
    }
  }

  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'SigmaGPT API', version: packageVersion(), description: API_DESCRIPTION },
    servers: [{ url: '/', description: 'This server' }],
    tags: [...new Set(['Operations', ...groups.map((g) => g.tag)])].map((name) => ({
      name,
      description: TAG_DESCRIPTIONS[name] ?? `The ${name} routes`,
    })),
  });

  return normaliseTuples(document);
}
