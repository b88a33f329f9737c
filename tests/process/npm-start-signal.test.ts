import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually.js';
import { isAlive as alive } from '../../src/lib/db/embedded.js';

/**
 * `npm start` is what an operator without Docker reaches for. Its script is run by npm through
 * `sh -c`; unless the shell execs node, npm's SIGTERM ends npm and the shell and leaves the server
 * running as an orphan (still listening, never draining). The project's own start script is run
 * here against a stand-in dist/server.js that records the signal it gets.
 */
const projectRoot = path.resolve(import.meta.dirname, '../..');
const work = mkdtempSync(path.join(os.tmpdir(), 'sigmagpt-npm-start-'));
let serverPid: number | undefined;
afterAll(() => {
  if (serverPid !== undefined && alive(serverPid)) process.kill(serverPid, 'SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

it('npm start hands SIGTERM to the server (no orphan left running)', async () => {
  const start = (
    JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts.start!;
  mkdirSync(path.join(work, 'dist'));
  writeFileSync(
    path.join(work, 'package.json'),
    JSON.stringify({ name: 'start-probe', private: true, scripts: { start } }),
  );
  writeFileSync(
    path.join(work, 'dist/server.js'),
    `require('fs').writeFileSync(${JSON.stringify(path.join(work, 'pid'))}, String(process.pid));
process.on('SIGTERM', () => { require('fs').writeFileSync(${JSON.stringify(path.join(work, 'signal'))}, 'SIGTERM'); process.exit(0); });
setInterval(() => {}, 1000);`,
  );
  writeFileSync(path.join(work, 'dist/package.json'), '{"type":"commonjs"}');
  const npm = spawn('npm', ['start', '--silent'], { cwd: work, stdio: 'ignore' });
  const npmExited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
  const readPid = () => {
    try {
      return Promise.resolve(Number(readFileSync(path.join(work, 'pid'), 'utf8')));
    } catch {
      return Promise.resolve(0);
    }
  };
  serverPid = await eventually(readPid, (pid) => pid > 0, 10_000);
  expect(serverPid).toBeGreaterThan(0);
  npm.kill('SIGTERM');
  await npmExited;
  // npm may exit before its child: wait for the server to be gone (or its bound to pass).
  const serverStillRunning = await eventually(
    () => Promise.resolve(alive(serverPid!)),
    (running) => !running,
    10_000,
  );
  let signal = '';
  try {
    signal = readFileSync(path.join(work, 'signal'), 'utf8');
  } catch {
    /* not signalled */
  }
  expect({ signal, serverStillRunning }).toEqual({
    signal: 'SIGTERM',
    serverStillRunning: false,
  });
});
