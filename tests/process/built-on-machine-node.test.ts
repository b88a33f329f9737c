import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { unsupportedNode } from '../../src/lib/node-version.js';
import { databaseUri, startInstance, type Instance } from '../helpers/instances.js';
import { parseSse } from '../helpers/sse.js';

/**
 * README promises the built server runs on Node 20.19 and later, while npm scripts, tests and CI
 * run on the Node 24 the project installs. The machine's own `node` (the first on PATH outside
 * node_modules) is often 20: when it is another Node than this one, and a supported one, the
 * built server is run on it through a user's first exchange.
 */
const projectRoot = path.resolve(import.meta.dirname, '../..');

function machineNode(): { bin: string; version: string } | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '' || dir.split(path.sep).includes('node_modules')) continue;
    const bin = path.join(dir, 'node');
    try {
      accessSync(bin, constants.X_OK);
    } catch {
      continue;
    }
    const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
    return { bin, version };
  }
  return undefined;
}

const machine = machineNode();
const other =
  machine &&
  machine.version !== process.version &&
  unsupportedNode(machine.version.slice(1)) === null
    ? machine
    : undefined;

describe.skipIf(!other)(`the built server on the machine's ${machine?.version ?? 'Node'}`, () => {
  // At the depth of dist/: the server finds package.json and its data two levels up.
  const outDir = mkdtempSync(path.join(projectRoot, '.built-'));
  let server: Instance;

  beforeAll(async () => {
    execFileSync(
      path.join(projectRoot, 'node_modules/.bin/tsc'),
      ['-p', 'tsconfig.build.json', '--outDir', outDir],
      { cwd: projectRoot, stdio: 'pipe' },
    );
    server = await startInstance(
      { MONGODB_URI: databaseUri(inject('mongoUri')), MODELS: 'demo', OPENAI_API_KEY: '' },
      { node: other!.bin, server: path.join(outDir, 'server.js') },
    );
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('when a user signs up and starts a chat with a streamed message, then the reply streams and is stored', async () => {
    const signup = await fetch(`${server.url}/api/auth/signup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'node20@example.com', password: 'correct horse 20' }),
    });
    expect(signup.status).toBe(201);
    const { accessToken } = (await signup.json()) as { accessToken: string };
    const auth = { Authorization: `Bearer ${accessToken}` };

    const streamed = await fetch(`${server.url}/api/chats`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json', Accept: 'text/event-stream' },
      body: JSON.stringify({ message: 'Hello from an older Node', stream: true }),
    });
    expect(streamed.status).toBe(200);
    const { events } = parseSse(await streamed.text());
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('meta');
    expect(names.at(-1)).toBe('done');
    expect(names.filter((n) => n === 'delta').length).toBeGreaterThan(0);
    const meta = events[0]!.data as { chat: { id: string } };
    const shown = events
      .filter((e) => e.event === 'delta')
      .map((e) => (e.data as { content: string }).content)
      .join('');

    const stored = await fetch(`${server.url}/api/chats/${meta.chat.id}`, { headers: auth });
    expect(stored.status).toBe(200);
    const chat = (await stored.json()) as {
      messages: { role: string; content: string; status: string }[];
    };
    expect(chat.messages.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    expect(chat.messages[1]!.content).toBe(shown);
    expect(server.output()).not.toMatch(/"level":50/);
  });
});
