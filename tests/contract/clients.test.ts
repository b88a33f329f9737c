import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HTTP_FILE, POSTMAN_FILE, renderClients } from '../../scripts/generate-clients.js';
import { routeGroups } from '../../src/app.js';
import { openApiDocument } from '../../src/modules/docs/openapi.js';
import { documentedOperations } from './routes.js';

type Json = Record<string, any>;

const document = () => openApiDocument(routeGroups()) as Json;
const collection = () => JSON.parse(readFileSync(POSTMAN_FILE, 'utf8')) as Json;
const requests = (items: Json[]): Json[] =>
  items.flatMap((item) => (item.item ? requests(item.item) : [item]));

describe('client kits', () => {
  it('when the generator runs now, then it writes exactly the committed files (run `npm run clients` after changing routes)', () => {
    const files = renderClients(document());
    expect(
      readFileSync(POSTMAN_FILE, 'utf8'),
      'clients/sigmagpt.postman_collection.json is stale',
    ).toBe(files[POSTMAN_FILE]);
    expect(readFileSync(HTTP_FILE, 'utf8'), 'clients/sigmagpt.http is stale').toBe(
      files[HTTP_FILE],
    );
  });

  it('when the Postman collection is read, then it is a v2.1 collection whose requests are exactly the documented operations', () => {
    const c = collection();
    expect(c.info.schema).toBe(
      'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
    );
    expect(c.info._postman_id).toMatch(/^[0-9a-f-]{36}$/);
    const inCollection = requests(c.item).map((item) => {
      expect(item.name, 'every request is named').toBeTruthy();
      expect(item.request.url.host).toEqual(['{{baseUrl}}']);
      const path = `/${(item.request.url.path as string[]).join('/')}`.replace(
        /:([A-Za-z0-9_]+)/g,
        '{$1}',
      );
      return `${item.request.method} ${path}`;
    });
    const documented = documentedOperations(document());
    expect(
      inCollection.filter((op) => !documented.includes(op)),
      'requests not in the spec',
    ).toEqual([]);
    expect(
      documented.filter((op) => !inCollection.includes(op)),
      'operations missing from the collection',
    ).toEqual([]);
  });

  it('when a user runs the auth flow, then the login test script stores the token that every bearer request sends', () => {
    const c = collection();
    expect(c.auth).toEqual({
      type: 'bearer',
      bearer: [{ key: 'token', value: '{{accessToken}}', type: 'string' }],
    });
    expect(c.variable.map((v: Json) => v.key)).toEqual(
      expect.arrayContaining(['baseUrl', 'accessToken', 'email', 'password', 'chatId']),
    );
    const byRoute = new Map(
      requests(c.item).map((item) => [
        `${item.request.method} /${item.request.url.path.join('/')}`,
        item,
      ]),
    );
    for (const route of ['POST /api/auth/login', 'POST /api/auth/signup']) {
      const script = byRoute
        .get(route)
        ?.event?.find((e: Json) => e.listen === 'test')
        ?.script.exec.join('\n');
      expect(script, route).toContain(
        "pm.collectionVariables.set('accessToken', pm.response.json().accessToken)",
      );
      expect(byRoute.get(route)!.request.auth).toEqual({ type: 'noauth' });
    }
    // Protected requests inherit the collection's bearer auth.
    expect(byRoute.get('GET /api/auth/me')!.request.auth).toBeUndefined();
    expect(byRoute.get('GET /api/chats/:id')!.request.url.variable).toEqual([
      { key: 'id', value: '{{chatId}}' },
    ]);
  });

  it('when the .http file is read, then each request line is a documented operation and protected ones send the bearer token', () => {
    const text = readFileSync(HTTP_FILE, 'utf8');
    const blocks = text.split(/^### /m).slice(1);
    const doc = document();
    const documented = documentedOperations(doc);
    const seen = blocks.map((block) => {
      const line = block.split('\n').find((l) => /^(GET|POST|PUT|PATCH|DELETE) /.test(l))!;
      const [method, url] = line.split(' ') as [string, string];
      const path = url
        .replace('{{baseUrl}}', '')
        .replace(/\{\{(chatId|keyId)\}\}/, '{id}')
        .replace('{{model}}', '{model}');
      const op = `${method} ${path}`;
      expect(documented, op).toContain(op);
      const secured = (doc.paths[path][method.toLowerCase()].security ?? []).some(
        (r: Json) => 'bearerAuth' in r,
      );
      if (secured) expect(block, op).toContain('Authorization: Bearer {{accessToken}}');
      if (path.startsWith('/v1/')) expect(block, op).toContain('Authorization: Bearer {{apiKey}}');
      return op;
    });
    expect(seen.sort()).toEqual(documented);
  });
});
