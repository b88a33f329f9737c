import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { databaseUri } from '../helpers/instances.js';

const projectRoot = path.resolve(import.meta.dirname, '../..');
const work = mkdtempSync(path.join(os.tmpdir(), 'sigmagpt-listen-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * Starts the server with a port another process holds, given to the settings `env` makes of it;
 * waits for the server to end. Gives its exit code, the port, its fatal lines and all its output.
 */
async function startWithPortTaken(env: (port: number) => Record<string, string>) {
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const port = (holder.address() as net.AddressInfo).port;
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: projectRoot,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        MONGODB_URI: databaseUri(inject('mongoUri')),
        ...env(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const fatal = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .filter((line) => line.level === 60);
    return { code, port, fatal, output };
  } finally {
    holder.close();
  }
}

describe('a server that cannot listen', () => {
  it('when PORT is taken by another process, then the server exits 1 with one line naming the port, no stack and no "uncaught exception"', async () => {
    const { code, port, fatal, output } = await startWithPortTaken((taken) => ({
      PORT: String(taken),
      DATA_DIR: path.join(work, 'data'),
    }));
    expect(code).toBe(1);
    expect(fatal).toHaveLength(1);
    expect(fatal[0]!.msg).toMatch(/could not start/);
    expect(fatal[0]!.msg).toMatch(new RegExp(`EADDRINUSE.*${port}`));
    expect(fatal[0]!.msg).not.toMatch(/uncaught exception/);
    expect(output).not.toMatch(/"stack"/);
  }, 60_000);

  it('when METRICS_PORT is taken by another process, then the server exits 1 with one line naming METRICS_PORT', async () => {
    const { code, port, fatal } = await startWithPortTaken((taken) => ({
      PORT: '0',
      METRICS_PORT: String(taken),
      METRICS_HOST: '127.0.0.1',
      DATA_DIR: path.join(work, 'data-metrics'),
    }));
    expect(code).toBe(1);
    expect(fatal).toHaveLength(1);
    expect(fatal[0]!.msg).toMatch(
      new RegExp(`could not start: METRICS_PORT ${port}: .*EADDRINUSE`),
    );
  }, 60_000);

  it('when PORT is 0, then the start-up line names the port the system gave, and the server answers there', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: projectRoot,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        PORT: '0',
        DATA_DIR: path.join(work, 'data-any-port'),
        MONGODB_URI: databaseUri(inject('mongoUri')),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const listening = await new Promise<{ port: number; msg: string }>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (c) => {
          output += c;
          const line = output
            .split('\n')
            .filter((l) => l.startsWith('{'))
            .map((l) => JSON.parse(l) as { port?: number; msg: string })
            .find((l) => l.msg.includes('listening on'));
          if (line) resolve({ port: line.port!, msg: line.msg });
        });
        child.once('exit', () => reject(new Error(`exited before listening: ${output}`)));
      });
      expect(listening.port).toBeGreaterThan(0);
      expect(listening.msg).toBe(`SigmaGPT API listening on http://localhost:${listening.port}`);
      const health = await fetch(`http://127.0.0.1:${listening.port}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});
