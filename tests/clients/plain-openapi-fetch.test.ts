import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { appTsconfig } from '../helpers/app-tsconfig.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
let dir: string | undefined;

/**
 * What a frontend developer writes against types generated straight from clients/openapi.json: a
 * plain openapi-fetch client, no casts, no narrowing of a result beyond "did it succeed".
 */
const USAGE = `import createClient from 'openapi-fetch';
import type { paths } from './schema';

const client = createClient<paths>({ baseUrl: 'http://localhost:3000' });
const headers = { Authorization: 'Bearer <accessToken>' };

export async function firstExchange(): Promise<string[]> {
  const created = await client.POST('/api/chats', { body: {}, headers });
  if (!created.data) throw new Error(created.error?.error.message);
  const id: string = created.data.id;

  const sent = await client.POST('/api/chats/{id}/messages', {
    params: { path: { id } },
    body: { content: 'Hello', stream: false },
    headers,
  });
  if (!sent.data) throw new Error(sent.error?.error.message);
  return sent.data.messages.map((message) => message.content);
}
`;

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a plain client generated from the committed description', () => {
  it('when openapi-typescript types clients/openapi.json and a plain openapi-fetch client creates a chat and sends a message, then `created.data.id` and `sent.data.messages` compile without casts or narrowing', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sigmagpt-plain-client-'));
    // The generator's own command line, as a frontend project runs it (no options).
    await run(
      path.join(ROOT, 'node_modules/.bin/openapi-typescript'),
      [path.join(ROOT, 'clients/openapi.json'), '-o', path.join(dir, 'schema.d.ts')],
      { cwd: dir },
    );
    await writeFile(path.join(dir, 'usage.ts'), USAGE);
    // A strict Vite-style project; openapi-fetch is the repository's copy.
    await writeFile(
      path.join(dir, 'tsconfig.json'),
      appTsconfig({
        skipLibCheck: true,
        paths: { 'openapi-fetch': [path.join(ROOT, 'node_modules/openapi-fetch')] },
      }),
    );
    const result = await run(path.join(ROOT, 'node_modules/.bin/tsc'), ['-p', dir], {
      cwd: dir,
    }).catch((error: { stdout: string; code: number }) => error);
    expect(result.stdout).toBe('');
  }, 120_000);
});
