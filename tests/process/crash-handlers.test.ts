import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/lib/db/embedded.js';
import { databaseUri } from '../helpers/instances.js';

/**
 * The real server (src/server.ts) with a preloaded module that throws or rejects once the server is
 * listening: nothing in the server itself can be made to do that, so no test-only trigger exists in
 * production code. The handlers must log the failure and end the process with a non-zero code.
 */
const projectRoot = path.resolve(import.meta.dirname, '../..');
const work = mkdtempSync(path.join(os.tmpdir(), 'sigmagpt-crash-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  wasReady: boolean;
}

async function runServerThat(failure: string): Promise<Run> {
  const port = await freePort();
  const preload = path.join(work, `fail-${Math.random().toString(36).slice(2)}.mjs`);
  // Fires once /readyz answers, so the failure happens in a fully started server.
  writeFileSync(
    preload,
    `
    const poll = setInterval(async () => {
      const ok = await fetch('http://127.0.0.1:${port}/readyz').then((r) => r.ok, () => false);
      if (!ok) return;
      clearInterval(poll);
      globalThis.__serverWasReady = true;
      process.stdout.write('PRELOAD: server ready\\n');
      setTimeout(() => { ${failure} }, 50);
    }, 100);
  `,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', preload, 'src/server.ts'], {
    cwd: projectRoot,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: path.join(work, 'data'),
      MONGODB_URI: databaseUri(inject('mongoUri')),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('exit', (c, s) => resolve([c, s])),
  );
  clearTimeout(killer);
  return { code, signal, output, wasReady: output.includes('PRELOAD: server ready') };
}

const fatalLines = (output: string) =>
  output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, any>)
    .filter((l) => l.level === 60);

describe('process hygiene', () => {
  it('when a promise rejection goes unhandled in a running server, then it is logged as fatal and the process exits 1', async () => {
    const run = await runServerThat(`Promise.reject(new Error('rejected-on-purpose'));`);
    expect(run.wasReady, run.output).toBe(true);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(1);
    const [fatal] = fatalLines(run.output);
    expect(fatal, run.output).toBeDefined();
    expect(fatal!.msg).toMatch(/unhandled rejection/);
    expect(fatal!.err.message).toBe('rejected-on-purpose');
    expect(fatal!.err.stack).toContain('rejected-on-purpose');
  }, 40_000);

  it('when an exception is thrown outside any request, then it is logged as fatal and the process exits 1', async () => {
    const run = await runServerThat(`throw new TypeError('thrown-on-purpose');`);
    expect(run.wasReady, run.output).toBe(true);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(1);
    const [fatal] = fatalLines(run.output);
    expect(fatal, run.output).toBeDefined();
    expect(fatal!.msg).toMatch(/uncaught exception/);
    expect(fatal!.err).toMatchObject({ type: 'TypeError', message: 'thrown-on-purpose' });
  }, 40_000);
});
