import express, { type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { jsonBody } from './body.js';
import { NoQuery } from './schemas.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Defaults to application/json. */
  contentType?: string;
  /** Documentation only: for `text/event-stream`, the JSON `data:` payload of each event name. */
  events?: Record<string, z.ZodType>;
  /** Documentation only: the component name of one event of `events` (any of them). */
  eventName?: string;
  /** Documentation only: response headers worth telling clients about (name → description). */
  headers?: Record<string, string>;
  /** Documentation only: for `text/event-stream` of bare `data:` lines (OpenAI, AI SDK), their JSON payload. */
  dataEvents?: z.ZodType;
  /** Documentation only: the same status in another content type (JSON or a stream, as asked). */
  also?: ResponseSpec;
}

interface RequestSchemas {
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  /** Documentation only: request headers the handler reads (and checks) itself. */
  headers?: z.ZodObject;
}

type Parsed<S extends RequestSchemas> = {
  body: S['body'] extends z.ZodType ? z.infer<S['body']> : undefined;
  query: S['query'] extends z.ZodType ? z.infer<S['query']> : undefined;
  params: S['params'] extends z.ZodType ? z.infer<S['params']> : undefined;
};

/**
 * One route of the API: how it is wired (guards, validation, handler) and how it is described.
 * The same object drives Express and the OpenAPI document, so the two cannot drift apart.
 */
export interface RouteSpec<S extends RequestSchemas = RequestSchemas> {
  method: HttpMethod;
  path: string;
  summary: string;
  description?: string;
  auth: boolean;
  request?: S;
  /** Guards that run before validation (rate limits, origin checks). */
  guards?: RequestHandler[];
  /**
   * A JSON body limit of this route's own, in place of the app's (BODY_LIMIT): the body is read
   * after authentication and the guards, so only a signed-in caller a guard let through makes the
   * server read that much. Static paths only (readsOwnBody names them to the app's parser).
   */
  bodyLimit?: string;
  /** Statuses this route answers besides the ones the guards and the wiring imply. */
  responses: Record<number, ResponseSpec>;
  /** Error statuses the handler can produce, documented with the error body. */
  errors?: number[];
  handler: (req: Request, res: Response, input: Parsed<S>) => unknown;
  /** Documentation only: overrides the generated operationId. */
  operationId?: string;
  /**
   * Documentation only: OpenAPI security requirements (scheme names `bearerAuth`, `refreshCookie`;
   * `{}` makes them optional). Defaults to bearerAuth when `auth` is true.
   */
  security?: Record<string, string[]>[];
}

export function defineRoute<S extends RequestSchemas>(spec: RouteSpec<S>): RouteSpec {
  return spec;
}

export interface RouteGroup {
  prefix: string;
  tag: string;
  routes: RouteSpec[];
  /** Groups that speak another protocol (/v1) bring their own authentication for `auth: true`. */
  authenticate?: RequestHandler;
  /** Documentation only: the error body of such a group, when it is not the shared ErrorBody. */
  errorBody?: {
    name: string;
    schema: z.ZodType;
    example: (status: number, message: string) => unknown;
  };
}

/**
 * The body of a route that takes none: absent, or `{}`. Anything else is refused like an unknown
 * field, rather than ignored (a client that thinks it sent something would never learn it did not).
 */
const NoBody = z.strictObject({});

function validator(schemas: RequestSchemas, carriesBody: boolean) {
  return (req: Request) => {
    const parse = (schema: z.ZodType | undefined, value: unknown) => {
      if (!schema) return undefined;
      const result = schema.safeParse(value);
      if (!result.success) throw result.error;
      return result.data;
    };
    // A route without a query schema still checks that none came (`?email[$ne]=` is a 400, never
    // a 200 that quietly ignored it), and hands its handler none.
    const query = schemas.query ? parse(schemas.query, req.query) : void parse(NoQuery, req.query);
    const body = parse(schemas.body ?? (carriesBody ? NoBody : undefined), req.body ?? {});
    // Last, so an invalid query or body is still a 400: a path that does not parse names no
    // resource, so it answers 404 with the schema's message (see objectIdParam in ids.ts).
    const params = schemas.params?.safeParse(joinedParams(req.params));
    if (params && !params.success)
      throw new AppError('NOT_FOUND', params.error.issues[0]?.message ?? 'Resource not found');
    return { params: params?.data, query, body };
  };
}

/**
 * A wildcard parameter (`*model`: a model id such as `meta-llama/llama-3.1-8b`, sent unencoded by
 * some clients) arrives as its path segments: it is validated as the text they spell. A trailing
 * slash (an empty last segment) is dropped, as non-strict routing ignores it for `:name`.
 */
const joinedParams = (params: Request['params']) =>
  Object.fromEntries(
    Object.entries(params as Record<string, string | string[]>).map(([name, value]) => [
      name,
      Array.isArray(value)
        ? (value.length > 1 && value.at(-1) === '' ? value.slice(0, -1) : value).join('/')
        : value,
    ]),
  );

/**
 * Whether a request goes to a route that reads its body itself (`bodyLimit`), so the app's body
 * parser leaves it alone. Matched as the router matches a static path: any case, with or without a
 * trailing slash. A spelling this misses still reaches the route with the app's parser run, and
 * so the smaller limit: never a body read with no limit.
 */
export function readsOwnBody(groups: RouteGroup[]): (req: Request) => boolean {
  const own = new Set<string>();
  for (const group of groups)
    for (const route of group.routes) {
      if (!route.bodyLimit) continue;
      if (route.path.includes(':') || route.path.includes('*'))
        throw new Error(`bodyLimit needs a static path: ${group.prefix}${route.path}`);
      own.add(`${route.method.toUpperCase()} ${`${group.prefix}${route.path}`.toLowerCase()}`);
    }
  return (req) => {
    if (own.size === 0) return false;
    const path = req.originalUrl
      .split('?', 1)[0]!
      .toLowerCase()
      .replace(/(.)\/$/, '$1');
    return own.has(`${req.method} ${path}`);
  };
}

/** Builds the router of a group; unknown methods on known paths answer 405 with `Allow`. */
export function buildRouter(group: RouteGroup, authenticate: RequestHandler): express.Router {
  const router = express.Router();
  // The metrics label requests with the declared template (`/api/chats/:id`), never the raw URL.
  const labelRoute =
    (path: string): RequestHandler =>
    (_req, res, next) => {
      res.locals.route = `${group.prefix}${path === '/' ? '' : path}`;
      next();
    };
  const methodsByPath = new Map<string, string[]>();
  for (const route of group.routes)
    methodsByPath.set(route.path, [
      ...(methodsByPath.get(route.path) ?? []),
      route.method.toUpperCase(),
    ]);
  const allowOf = (methods: string[]) =>
    [...new Set(methods.includes('GET') ? [...methods, 'HEAD'] : methods)].join(', ');
  /** OPTIONS and the methods a path does not serve: 204 or 405, with `Allow`. */
  const refuseOthers =
    (allow: string): RequestHandler =>
    (req, res, next) => {
      if (req.method === 'OPTIONS') {
        res.set('Allow', allow).status(204).end();
        return;
      }
      res.set('Allow', allow);
      next(new AppError('METHOD_NOT_ALLOWED', `${req.method} is not allowed here; use ${allow}`));
    };
  // A static path is refused before the routes: another method on it would otherwise go to a
  // route with a parameter in its place (GET /api/chats/import to GET /api/chats/:id).
  for (const [path, methods] of methodsByPath) {
    if (path.includes(':') || path.includes('*')) continue;
    const allow = allowOf(methods);
    const served = new Set(allow.split(', '));
    const refuse = refuseOthers(allow);
    router.all(path, labelRoute(path), (req, res, next) =>
      served.has(req.method) ? next() : refuse(req, res, next),
    );
  }
  for (const route of group.routes) {
    const parse = validator(route.request ?? {}, route.method !== 'get');
    // The handler's promise is returned, not awaited (Express 5 passes a rejection or a throw to
    // the error handler either way): a held stream keeps no suspended frame of this wrapper.
    const handle: RequestHandler = (req, res) => route.handler(req, res, parse(req) as never);
    router[route.method](
      route.path,
      labelRoute(route.path),
      ...(route.auth ? [authenticate] : []),
      ...(route.guards ?? []),
      ...(route.bodyLimit ? jsonBody(route.bodyLimit) : []),
      handle,
    );
  }
  for (const [path, methods] of methodsByPath)
    router.all(path, labelRoute(path), refuseOthers(allowOf(methods)));
  return router;
}
