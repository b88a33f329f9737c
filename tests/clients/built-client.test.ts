import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appTsconfig } from '../helpers/app-tsconfig.js';

/**
 * The typed client as `npm run build:client` builds it (clients/typescript/dist, whose
 * package.json points `types` at dist/index.d.ts), imported by an application as
 * `@sigmagpt/client`: its declarations must carry the schema types, or every type is `any`.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const TSC = path.join(ROOT, 'node_modules/.bin/tsc');
const run = promisify(execFile);
const dirs: string[] = [];
let dist: string;

/** An application's code, with one typo'd property and one misread event. */
const USAGE = `import { createClient, type Chat } from '@sigmagpt/client';

export async function firstChat(): Promise<string> {
  const api = createClient({ baseUrl: 'http://localhost:3000' });
  const chat: Chat = await api.createChat({ title: 'Trip' });
  let text = chat.titel;
  for await (const event of api.stream(chat.id, { content: 'hi' })) {
    if (event.event === 'delta') text += event.data.text;
  }
  return text;
}
`;

beforeAll(async () => {
  dist = await mkdtemp(path.join(tmpdir(), 'sigmagpt-client-dist-'));
  dirs.push(dist);
  // What `npm run build:client` runs, into a directory of its own.
  await run(TSC, ['-p', path.join(ROOT, 'clients/typescript/tsconfig.json'), '--outDir', dist], {
    cwd: ROOT,
  });
}, 120_000);

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** Compiles USAGE against the built client; tsc's report, '' when it compiled. */
async function compileApplication(skipLibCheck: boolean): Promise<string> {
  const app = await mkdtemp(path.join(tmpdir(), 'sigmagpt-client-app-'));
  dirs.push(app);
  await writeFile(path.join(app, 'usage.ts'), USAGE);
  await writeFile(
    path.join(app, 'tsconfig.json'),
    appTsconfig({
      skipLibCheck,
      paths: {
        '@sigmagpt/client': [path.join(dist, 'index')],
        'openapi-fetch': [path.join(ROOT, 'node_modules/openapi-fetch')],
        'eventsource-parser': [path.join(ROOT, 'node_modules/eventsource-parser')],
      },
    }),
  );
  const result = await run(TSC, ['-p', app], { cwd: app }).catch(
    (error: { stdout: string }) => error,
  );
  return result.stdout;
}

describe('the built typed client', () => {
  it('when `npm run build:client` builds the client, then dist holds the declarations of the schema its other declarations import', async () => {
    const emitted = await readdir(dist);
    expect(emitted).toEqual(
      expect.arrayContaining([
        'index.js',
        'index.d.ts',
        'stream.d.ts',
        'errors.d.ts',
        'schema.d.ts',
      ]),
    );
  });

  for (const skipLibCheck of [true, false]) {
    it(`when an application (skipLibCheck: ${skipLibCheck}) imports the built client and misspells a property, then tsc refuses exactly the misspellings: the types are precise, not \`any\``, async () => {
      const errors = (await compileApplication(skipLibCheck)).trim().split('\n');
      expect(errors).toEqual([
        expect.stringMatching(/^usage\.ts\(6,19\): error TS2551: Property 'titel' does not exist/),
        expect.stringMatching(/^usage\.ts\(8,53\): error TS2339: Property 'text' does not exist/),
      ]);
    }, 120_000);
  }
});
