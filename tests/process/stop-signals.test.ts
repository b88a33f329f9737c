import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/lib/db/embedded.js';
import { eventually } from '../helpers/eventually.js';
import { isAlive as alive } from '../../src/lib/db/embedded.js';

/**
 * The real server on the embedded FerretDB (no MONGODB_URI) and a DATA_DIR of its own. FerretDB
 * runs in a session of its own (embedded.ts), so only the server can stop it: whatever signal ends
 * the server, its database must end too.
 */
const projectRoot = path.resolve(import.meta.dirname, '../..');
const work = mkdtempSync(path.join(os.tmpdir(), 'sigmagpt-signals-'));
const started: number[] = [];
afterAll(() => {
  for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

async function runServer(dataDir: string, preload?: string) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', ...(preload ? ['--import', preload] : []), 'src/server.ts'],
    {
      cwd: projectRoot,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATA_DIR: dataDir,
        MONGODB_URI: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, port, exited, output: () => output };
}

const ferretdbPid = (dataDir: string) =>
  Number(readFileSync(path.join(dataDir, 'ferretdb', 'ferretdb.pid'), 'utf8').split('\n')[0]);

describe('signals that end the server end its embedded database', () => {
  it('when a started server gets SIGHUP (its terminal closed), then its FerretDB is stopped too', async () => {
    const dataDir = path.join(work, 'hup');
    const server = await runServer(dataDir);
    expect(
      await eventually(
        () =>
          fetch(`http://127.0.0.1:${server.port}/readyz`).then(
            (r) => r.ok,
            () => false,
          ),
        (ok) => ok,
        30_000,
      ),
    ).toBe(true);
    const db = ferretdbPid(dataDir);
    started.push(db);
    server.child.kill('SIGHUP');
    await server.exited;
    // The server stops its database within 5 s, then kills it (embedded.ts); a little more here.
    expect(
      await eventually(
        () => Promise.resolve(alive(db)),
        (a) => !a,
        8_000,
      ),
    ).toBe(false);
  }, 60_000);

  it('when SIGTERM arrives while the server is starting, after its FerretDB was launched, then that FerretDB is stopped too', async () => {
    const dataDir = path.join(work, 'term');
    const preload = path.join(work, 'term-on-launch.mjs');
    // As soon as FerretDB's note appears (it was just launched), the server is told to stop.
    writeFileSync(
      preload,
      `const note = ${JSON.stringify(path.join(dataDir, 'ferretdb', 'ferretdb.pid'))};
      import { existsSync } from 'node:fs';
      const poll = setInterval(() => {
        if (!existsSync(note)) return;
        clearInterval(poll);
        process.kill(process.pid, 'SIGTERM');
      }, 5);
      poll.unref();`,
    );
    const server = await runServer(dataDir, preload);
    await server.exited;
    expect(existsSync(path.join(dataDir, 'ferretdb', 'ferretdb.pid'))).toBe(true);
    const db = ferretdbPid(dataDir);
    started.push(db);
    expect(
      await eventually(
        () => Promise.resolve(alive(db)),
        (a) => !a,
        8_000,
      ),
    ).toBe(false);
  }, 60_000);
});
