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
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A frontend on the SigmaGPT-compatible route, through the typed client's compat send. */
const USAGE = `import { createClient } from '${ROOT}/clients/typescript/src/index.js';
const api = createClient({ baseUrl: '' });
export async function send(threadId: string): Promise<string> {
  const sent = await api.sendCompat({ message: 'hi', threadId });
  const [question, reply] = sent.messages; // documented as exactly [user, assistant]
  return question.content + reply.content;
}
`;

describe('typed client, compat JSON send', () => {
  it('when a strict (noUncheckedIndexedAccess) frontend reads the [user, assistant] pair of POST /api/chat, then it compiles without narrowing', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'compat-send-types-'));
    await writeFile(path.join(dir, 'usage.ts'), USAGE);
    await writeFile(
      path.join(dir, 'tsconfig.json'),
      appTsconfig({
        skipLibCheck: true,
        noUncheckedIndexedAccess: true,
        paths: {
          'openapi-fetch': [path.join(ROOT, 'node_modules/openapi-fetch')],
          'eventsource-parser': [path.join(ROOT, 'node_modules/eventsource-parser')],
        },
      }),
    );
    const result = await run(path.join(ROOT, 'node_modules/.bin/tsc'), ['-p', dir], { cwd: dir })
      .then(() => ({ stdout: '' }))
      .catch((e: { stdout: string }) => e);
    expect(result.stdout).toBe('');
  }, 120_000);
});
