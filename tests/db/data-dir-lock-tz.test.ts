import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockDataDir } from '../../src/lib/db/data-dir-lock.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sigmagpt-lock-tz-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const projectRoot = path.resolve(import.meta.dirname, '../..');

describe('the data directory claim across time zones', () => {
  it('when a live server holds DATA_DIR and a second one starts with another TZ, then the second stops naming the first', async () => {
    // The first server: claims the directory under TZ=UTC and stays alive.
    const holder = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import('./src/lib/db/data-dir-lock.ts').then(({ lockDataDir }) => { lockDataDir(${JSON.stringify(dataDir)}); console.log('held'); setInterval(() => {}, 1000); })`,
      ],
      {
        cwd: projectRoot,
        env: { ...process.env, TZ: 'UTC' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
      expect(readFileSync(path.join(dataDir, 'server.pid'), 'utf8')).toMatch(
        new RegExp(`^${holder.pid}\\n`),
      );
      const saved = process.env.TZ;
      process.env.TZ = 'Asia/Tokyo';
      try {
        expect(() => lockDataDir(dataDir)).toThrow(/another server \(pid \d+\) is using/);
      } finally {
        if (saved === undefined) delete process.env.TZ;
        else process.env.TZ = saved;
      }
    } finally {
      holder.kill('SIGKILL');
    }
  }, 30_000);
});
