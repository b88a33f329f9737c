import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { routeGroups } from '../../src/app.js';
import { errorStatuses, openApiPath } from '../../src/modules/docs/openapi.js';
import { useTestApp } from '../helpers/app.js';
import { compareWithApp } from './routes.js';

type Json = Record<string, any>;

describe('OpenAPI description', () => {
  const ctx = useTestApp();
  const fetchDocument = async (): Promise<Json> => {
    const res = await ctx.request().get('/api/openapi.json').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json; charset=utf-8/);
    return res.body as Json;
  };
  const operations = (document: Json) =>
    Object.entries(document.paths as Json).flatMap(([path, item]) =>
      Object.entries(item as Json).map(([method, op]) => ({ path, method, op: op as Json })),
    );

  it('when validated against the OpenAPI 3.1 schema, then it is valid', async () => {
    const document = await fetchDocument();
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("when /v1/chat/completions answers 503, then its description names the provider's outage and a stopped stored completion, not only the server's own", async () => {
    const document = await fetchDocument();
    const description = document.paths['/v1/chat/completions'].post.responses['503']
      .description as string;
    expect(description).toContain('upstream_unavailable');
    expect(description).toContain('generation_interrupted');
  });

  it('when a schema is a tuple, then it is a fixed-length array of one repeated type, or prefixItems with nothing after them', async () => {
    const document = await fetchDocument();
    const tuples: Json[] = [];
    const walk = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      if (!Array.isArray(node) && 'prefixItems' in node) tuples.push(node);
      Object.values(node).forEach(walk);
    };
    walk(document);
    // The exchange's pair: the user message, then the reply (ExchangeResult, CreatedChat).
    expect(tuples.length).toBeGreaterThan(0);
    for (const tuple of tuples) {
      expect(tuple.items).toBe(false);
      // openapi-typescript with arrayLength nests a tuple that has a length in another tuple.
      expect(tuple.minItems).toBeUndefined();
      expect(tuple.maxItems).toBeUndefined();
      const prefix = tuple.prefixItems as unknown[];
      expect(new Set(prefix.map((s) => JSON.stringify(s))).size).toBe(prefix.length);
    }
  });

  it('when the real Express router stack is compared with the description, then each documents the other', async () => {
    const { served, undocumented, unserved } = compareWithApp(ctx.app, await fetchDocument());
    expect(undocumented, 'served but undocumented').toEqual([]);
    expect(unserved, 'documented but not served').toEqual([]);
    // Sanity: the walk saw the mounted route groups, not an empty stack.
    expect(served).toContain('POST /api/auth/login');
  });

  it('when a route is added outside the route specs, or a path is left out of the description, then the comparison reports it', async () => {
    const document = await fetchDocument();
    const { createApp } = await import('../../src/app.js');
    const app = createApp();
    app.get('/api/undocumented/:id', (_req, res) => void res.json({}));
    expect(compareWithApp(app, document).undocumented).toEqual(['GET /api/undocumented/{id}']);
    const trimmed = { ...document, paths: { ...document.paths } };
    delete trimmed.paths['/api/auth/me'];
    expect(compareWithApp(ctx.app, trimmed).undocumented).toEqual([
      'DELETE /api/auth/me',
      'GET /api/auth/me',
      'PATCH /api/auth/me',
    ]);
    trimmed.paths['/api/ghost'] = { get: {} };
    expect(compareWithApp(ctx.app, trimmed).unserved).toEqual(['GET /api/ghost']);
  });

  it('when an operation is documented, then it has a unique operationId, a tag, and declares each path parameter', async () => {
    const document = await fetchDocument();
    const ids = operations(document).map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path, method, op } of operations(document)) {
      expect(op.tags?.length, `${method} ${path} tag`).toBeGreaterThan(0);
      const declared = (op.parameters ?? [])
        .filter((p: Json) => p.in === 'path')
        .map((p: Json) => p.name)
        .sort();
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      expect(declared, `${method} ${path} path params`).toEqual(inPath);
    }
  });

  it('when a route spec is documented, then its success responses and every implied error status are there, errors with the shared body', async () => {
    const document = await fetchDocument();
    for (const group of routeGroups()) {
      for (const route of group.routes) {
        const path = openApiPath(group.prefix, route.path);
        const op = document.paths[path]?.[route.method] as Json;
        expect(op, `${route.method} ${path}`).toBeDefined();
        const statuses = Object.keys(op.responses).map(Number);
        for (const status of Object.keys(route.responses).map(Number))
          expect(statuses).toContain(status);
        const expected = new Set([405, 500, 503, ...(route.errors ?? [])]);
        if (route.request?.body || route.request?.query || route.request?.params) expected.add(400);
        if (['post', 'put', 'patch', 'delete'].includes(route.method))
          [400, 413, 415].forEach((s) => expected.add(s));
        if (route.auth) expected.add(401);
        if (route.path.includes(':')) expected.add(404);
        for (const status of expected)
          expect(statuses, `${route.method} ${path} documents ${status}`).toContain(status);
        expect(errorStatuses(route)).toEqual(expect.arrayContaining([...expected]));
        // A group that speaks another protocol (/v1) documents its own error body and key auth.
        const errorBody = group.errorBody?.name ?? 'ErrorBody';
        for (const status of statuses.filter((s) => s >= 400)) {
          expect(
            op.responses[status].content['application/json'].schema,
            `${route.method} ${path} ${status}`,
          ).toEqual({ $ref: `#/components/schemas/${errorBody}` });
        }
        if (route.auth) {
          expect(op.security).toEqual(
            group.errorBody ? [{ apiKeyAuth: [] }] : [{ bearerAuth: [] }],
          );
          expect(op.responses[401].headers['WWW-Authenticate']).toBeDefined();
        }
        if (statuses.includes(429)) expect(op.responses[429].headers['Retry-After']).toBeDefined();
        for (const [status, spec] of Object.entries(route.responses)) {
          if (spec.dataEvents) {
            // Bare `data:` lines (OpenAI, AI SDK): one `{ data }` event, its payload a named component.
            const schema = op.responses[status].content['text/event-stream'].schema;
            expect(schema.required, `${route.method} ${path} data events`).toEqual(['data']);
            const named = /`(\w+Event)`/.exec(schema.description)![1]!;
            expect(document.components.schemas[named]).toBeDefined();
          } else if (spec.contentType === 'text/event-stream') {
            // One schema per event ({ event, id, data }), its JSON payload as contentSchema: the
            // stream's `content`, or, beside a JSON answer of another status, `x-event-stream`.
            const response = op.responses[status];
            const jsonElsewhere = Object.entries(route.responses).some(
              ([other, s]) => other !== status && s.schema && s.contentType === undefined,
            );
            expect(
              Object.keys(response.content ?? {}),
              `${route.method} ${path} ${status}`,
            ).toEqual(jsonElsewhere ? [] : ['text/event-stream']);
            let union: Json = jsonElsewhere
              ? response['x-event-stream'].itemSchema
              : response.content['text/event-stream'].schema;
            if (jsonElsewhere)
              expect(response['x-event-stream'].contentType).toBe('text/event-stream');
            if (union.$ref) union = document.components.schemas[union.$ref.split('/').pop()];
            const refs = (union.oneOf ?? []).map((r: Json) => r.$ref.split('/').pop());
            const names = refs.map(
              (ref: string) => document.components.schemas[ref].properties.event.const,
            );
            expect(
              Object.keys(spec.events ?? {}).length,
              `${route.method} ${path}: an SSE response must name its events`,
            ).toBeGreaterThan(0);
            expect(names, `${route.method} ${path} SSE events`).toEqual(
              Object.keys(spec.events ?? {}),
            );
            for (const ref of refs)
              expect(document.components.schemas[ref].properties.data.contentSchema.$ref).toMatch(
                /^#\/components\/schemas\//,
              );
          }
        }
      }
    }
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    expect(document.components.securitySchemes.refreshCookie).toMatchObject({
      type: 'apiKey',
      in: 'cookie',
      name: 'refresh_token',
    });
  });

  it('when a client is generated from it, then responses reference named components and model is a plain string', async () => {
    const document = await fetchDocument();
    const schemas = document.components.schemas as Json;
    for (const name of ['User', 'AuthResult', 'Chat', 'Message', 'ExchangeResult', 'ErrorBody'])
      expect(schemas[name], name).toBeDefined();
    for (const event of ['Meta', 'Delta', 'Done', 'Error'])
      expect(schemas[`${event}EventData`], event).toBeDefined();
    const json = (path: string, method: string, status: number) =>
      document.paths[path][method].responses[status].content['application/json'].schema;
    expect(json('/api/auth/me', 'get', 200)).toEqual({ $ref: '#/components/schemas/User' });
    expect(json('/api/auth/login', 'post', 200)).toEqual({
      $ref: '#/components/schemas/AuthResult',
    });
    expect(json('/api/chats/{id}/messages', 'post', 201)).toEqual({
      $ref: '#/components/schemas/ExchangeResult',
    });
    expect(json('/api/chats/{id}', 'patch', 200)).toEqual({ $ref: '#/components/schemas/Chat' });
    // POST /api/chats answers a Chat, with a first message also `chat` and `messages`.
    expect(json('/api/chats', 'post', 201)).toEqual({ $ref: '#/components/schemas/CreatedChat' });
    // The stream has its own status; it is no `content` there, so that a generated client's
    // result type is the JSON answer alone (tests/clients/plain-openapi-fetch.test.ts). Its events
    // are the `itemSchema` of `x-event-stream`, the component GET …/stream answers with.
    const streamed = document.paths['/api/chats/{id}/messages'].post.responses[200];
    expect(streamed.content).toBeUndefined();
    expect(streamed['x-event-stream']).toEqual({
      contentType: 'text/event-stream',
      itemSchema: { $ref: '#/components/schemas/ExchangeEvent' },
    });
    expect(
      document.paths['/api/chats/{id}/messages/{messageId}/stream'].get.responses[200].content,
    ).toEqual({ 'text/event-stream': { schema: { $ref: '#/components/schemas/ExchangeEvent' } } });
    // Allowed models are read at run time from GET /api/models, not baked into the description.
    const body = document.paths['/api/chats'].post.requestBody.content['application/json'].schema;
    expect(body.properties.model).toMatchObject({ type: 'string', maxLength: 200 });
    expect(body.properties.model.enum).toBeUndefined();
    expect(body.properties.model.description).toContain('GET /api/models');
  });

  it('when a password constraint is published, then it is the one enforced (8 characters, 72 bytes)', async () => {
    const document = await fetchDocument();
    const signup =
      document.paths['/api/auth/signup'].post.requestBody.content['application/json'].schema
        .properties.password;
    expect(signup).toMatchObject({
      type: 'string',
      minLength: 8,
      maxLength: 72,
      'x-maxBytes': 72,
      pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f]*$',
    });
    const signupAs = (password: string) =>
      ctx
        .request()
        .post('/api/auth/signup')
        .send({ email: `pw.${Date.now()}.${password.length}@example.test`, password });
    expect((await signupAs('x'.repeat(7))).status).toBe(400);
    expect((await signupAs('x'.repeat(8))).status).toBe(201);
    expect((await signupAs('x'.repeat(73))).status).toBe(400);
    // The pattern, read as a client's validator reads it, refuses what the server refuses.
    const pattern = new RegExp(signup.pattern, 'u');
    for (const password of ['\0'.repeat(8), 'x\u007fxxxxxxx', 'x\u009fxxxxxxx', 'ok password ü']) {
      const refused = (await signupAs(password)).status === 400;
      expect(refused, JSON.stringify(password)).toBe(!pattern.test(password));
    }
  });

  it('when a documented path is called with a method it does not list, then 405 with Allow and the error body', async () => {
    const document = await fetchDocument();
    for (const group of routeGroups()) {
      for (const path of new Set(group.routes.map((r) => r.path))) {
        const listed = group.routes.filter((r) => r.path === path).map((r) => r.method);
        const other = (['get', 'post', 'put', 'patch', 'delete'] as const).find(
          (m) => !listed.includes(m),
        )!;
        const url = openApiPath(group.prefix, path).replace(
          /\{[^}]+\}/g,
          '0123456789abcdef01234567',
        );
        expect(document.paths[openApiPath(group.prefix, path)]).toBeDefined();
        const res = await ctx.request()[other](url);
        expect(res.status, `${other} ${url}`).toBe(405);
        expect(res.headers.allow).toBeTruthy();
        expect(res.body.error.code).toBe(
          group.errorBody ? 'method_not_allowed' : 'METHOD_NOT_ALLOWED',
        );
      }
    }
  });

  it('when a path is not in the description, then the server answers 404 with the error body', async () => {
    for (const url of [
      '/api/nope',
      '/api/auth/nope',
      '/nope',
      '/api/openapi.yaml',
      '/docs/assets/index.html',
      '/docs/assets/swagger-initializer.js',
    ]) {
      const res = await ctx.request().get(url);
      expect(res.status, url).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'NOT_FOUND', requestId: expect.any(String) });
    }
  });
});

describe('interactive reference at /docs', () => {
  const ctx = useTestApp();

  it('when /docs is loaded, then it serves the page with a CSP that allows only this origin and no inline script', async () => {
    const res = await ctx.request().get('/docs').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.text).not.toMatch(/<script>(?!<\/script>)|https?:\/\//);
    for (const src of [...res.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)) {
      const asset = await ctx.request().get(src);
      expect(asset.status, src).toBe(200);
    }
  });

  it("when an API route is called, then helmet's strict default CSP still applies there", async () => {
    const res = await ctx.request().get('/api/auth/me');
    expect(String(res.headers['content-security-policy'])).toContain("default-src 'self'");
    expect(String(res.headers['content-security-policy'])).not.toContain("unsafe-inline'; img-src");
  });
});
