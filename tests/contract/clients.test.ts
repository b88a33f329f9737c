import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  HTTP_FILE,
  OPENAPI_FILE,
  POSTMAN_ENV_FILE,
  POSTMAN_FILE,
  renderClients,
  TYPES_FILE,
} from '../../scripts/generate-clients.js';
import { routeGroups } from '../../src/app.js';
import { openApiDocument } from '../../src/modules/docs/openapi.js';
import { documentedOperations } from './routes.js';

type Json = Record<string, any>;

const document = () => openApiDocument(routeGroups()) as Json;
const collection = () => JSON.parse(readFileSync(POSTMAN_FILE, 'utf8')) as Json;
const requests = (items: Json[]): Json[] =>
  items.flatMap((item) => (item.item ? requests(item.item) : [item]));

describe('client kits', () => {
  it('when the generator runs now, then it writes exactly the committed files (run `npm run clients` after changing routes)', async () => {
    const files = await renderClients(document());
    for (const file of [OPENAPI_FILE, POSTMAN_FILE, POSTMAN_ENV_FILE, HTTP_FILE, TYPES_FILE])
      expect(readFileSync(file, 'utf8'), `${file} is stale`).toBe(files[file]);
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

  it('when the collection runs, then every request asserts its status, and what the scripts set cannot be shadowed by an environment', () => {
    const c = collection();
    expect(c.auth).toEqual({
      type: 'bearer',
      bearer: [{ key: 'token', value: '{{sigmagptAccessToken}}', type: 'string' }],
    });
    // Postman resolves environment variables before collection ones: only baseUrl may come from there.
    const names = c.variable.map((v: Json) => v.key as string);
    expect(names.filter((n: string) => !n.startsWith('sigmagpt'))).toEqual(['baseUrl']);
    const env = JSON.parse(readFileSync(POSTMAN_ENV_FILE, 'utf8')) as Json;
    expect(env.values.map((v: Json) => v.key)).toEqual(['baseUrl']);
    for (const item of requests(c.item)) {
      const test = item.event?.find((e: Json) => e.listen === 'test')?.script.exec.join('\n');
      expect(test, item.name).toMatch(
        /pm\.test\('(status is \d{3}|answers a documented status below 500)'/,
      );
      for (const used of JSON.stringify(item.request).matchAll(/\{\{(\w+)\}\}/g))
        expect(names, `${item.name} uses {{${used[1]}}}`).toContain(used[1]);
      // /v1 sends the personal API key the journey created, not the collection's access token.
      if (item.request.url.path[0] === 'v1')
        expect(item.request.auth, item.name).toEqual({
          type: 'bearer',
          bearer: [{ key: 'token', value: '{{sigmagptApiKey}}', type: 'string' }],
        });
    }
  });

  it('when the folders are read, then they follow the journey: account first, session end and account deletion last', () => {
    const folders = (collection().item as Json[]).map((f) => f.name as string);
    expect(folders[0]).toBe('1. Account');
    expect(folders.slice(-2)).toEqual(['8. Session end', '9. Account deletion']);
    const byName = new Map(
      (collection().item as Json[]).map((f) => [f.name, requests(f.item).map((i) => i.name)]),
    );
    expect(byName.get('1. Account')![0]).toBe('Create an account');
    expect(byName.get('9. Account deletion')).toEqual([
      'Delete the account',
      'The account is gone',
    ]);
  });

  it('when the .http file is read, then each request is a documented operation with a status assertion, and protected ones send a token from an earlier response', () => {
    const text = readFileSync(HTTP_FILE, 'utf8');
    expect(text).toMatch(/^@baseUrl = \{\{\$dotenv baseUrl\}\}$/m);
    const blocks = text.split(/^### /m).slice(1);
    const doc = document();
    const documented = documentedOperations(doc);
    const names: string[] = [];
    const seen = blocks.map((block) => {
      const line = block.split('\n').find((l) => /^(GET|POST|PUT|PATCH|DELETE) /.test(l))!;
      const [method, url] = line.split(' ') as [string, string];
      // Each {param} of the documented path is a request variable (or {{model}}) in the file; the
      // query, when a step has one, is not part of the path.
      const actual = url.replace('{{baseUrl}}', '').split('?')[0]!.split('/');
      const op =
        documented.find((d) => {
          const [m, template] = d.split(' ') as [string, string];
          const segments = template.split('/');
          return (
            m === method &&
            segments.length === actual.length &&
            segments.every((seg, i) =>
              /^\{\w+\}$/.test(seg) ? /^\{\{.+\}\}$/.test(actual[i]!) : seg === actual[i],
            )
          );
        }) ?? `${method} ${actual.join('/')}`;
      const path = op.split(' ')[1]!;
      expect(documented, op).toContain(op);
      expect(block, op).toMatch(/^# \?\? status (== \d{3}|< 500)$/m);
      // Every request variable names a request sent before this one.
      for (const ref of block.matchAll(/\{\{(\w+)\.response\.(body|headers)/g))
        expect(names, `${op} reads ${ref[1]}`).toContain(ref[1]);
      names.push(/^# @name (\w+)$/m.exec(block)![1]!);
      // Required (not optional like logout's): every security requirement names bearerAuth.
      const security = (doc.paths[path][method.toLowerCase()].security ?? []) as Json[];
      const secured = security.length > 0 && security.every((r: Json) => 'bearerAuth' in r);
      if (secured)
        expect(block, op).toMatch(
          /^Authorization: Bearer \{\{\w+\.response\.body\.\$\.accessToken\}\}$/m,
        );
      // /v1 takes the personal API key created earlier in the file, never an access token.
      if (security.length > 0 && security.every((r: Json) => 'apiKeyAuth' in r))
        expect(block, op).toMatch(
          /^Authorization: Bearer \{\{createKey\.response\.body\.\$\.key\}\}$/m,
        );
      return op;
    });
    expect([...new Set(seen)].sort()).toEqual(documented);
  });
});
