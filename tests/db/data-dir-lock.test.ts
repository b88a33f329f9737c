import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockDataDir } from '../../src/lib/db/data-dir-lock.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sigmagpt-lock-'));
const lockFile = path.join(dataDir, 'server.pid');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Another process, alive until killed. */
async function otherProcess() {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('spawn', resolve));
  return child;
}

describe('the embedded database’s data directory, claimed by one server', () => {
  it('when another live server holds DATA_DIR, then a second start stops at once naming it; once that process is gone, its file is taken over and released at shutdown', async () => {
    const other = await otherProcess();
    try {
      writeFileSync(lockFile, String(other.pid));
      expect(() => lockDataDir(dataDir)).toThrow(
        new RegExp(`another server \\(pid ${other.pid}\\) is using the embedded database`),
      );
      expect(readFileSync(lockFile, 'utf8')).toBe(String(other.pid));
    } finally {
      other.kill('SIGKILL');
      await new Promise((resolve) => other.once('exit', resolve));
    }
    // Left by a process that died: taken over.
    const release = lockDataDir(dataDir);
    expect(readFileSync(lockFile, 'utf8')).toBe(String(process.pid));
    release();
    expect(existsSync(lockFile)).toBe(false);
  });
});
