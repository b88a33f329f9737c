import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockDataDir, processClaim } from '../../src/lib/db/data-dir-lock.js';
import { startFerretdb } from '../../src/lib/db/embedded.js';

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
    expect(readFileSync(lockFile, 'utf8')).toBe(processClaim(process.pid));
    release();
    expect(existsSync(lockFile)).toBe(false);
  });

  it('when the claim names a pid that now belongs to another process (a reboot, a reused pid), then it is taken over', () => {
    // pid 1 always runs, but did not start at that time: not the server that wrote the claim.
    writeFileSync(lockFile, '1\nThu Jan  1 00:00:00 1970');
    const release = lockDataDir(dataDir);
    expect(readFileSync(lockFile, 'utf8')).toBe(processClaim(process.pid));
    release();
    expect(existsSync(lockFile)).toBe(false);
  });

  it('when a server died in the middle of taking over a stale claim, then its half-done takeover does not stop the next start', () => {
    writeFileSync(lockFile, '999999\n');
    writeFileSync(`${lockFile}.takeover`, '999998\n');
    const release = lockDataDir(dataDir);
    expect(readFileSync(lockFile, 'utf8')).toBe(processClaim(process.pid));
    expect(existsSync(`${lockFile}.takeover`)).toBe(false);
    release();
    expect(existsSync(lockFile)).toBe(false);
  });

  it('when five servers start at the same instant on a stale claim, then exactly one of them holds the directory', async () => {
    // Each of five processes tries every directory at the same instant, one directory after
    // another, holding what it got until all have reported.
    const rounds = 30;
    const dirs = Array.from({ length: rounds }, () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'sigmagpt-lock-race-'));
      writeFileSync(path.join(dir, 'server.pid'), '999999\n');
      return dir;
    });
    const script = `
      const { lockDataDir } = await import(${JSON.stringify(path.resolve('src/lib/db/data-dir-lock.ts'))});
      const [startAt, ...dirs] = process.argv.slice(1);
      const outcomes = dirs.map((dir, round) => {
        while (Date.now() < Number(startAt) + round * 100) {}
        try { lockDataDir(dir); return 'held'; } catch { return 'refused'; }
      });
      console.log(JSON.stringify(outcomes));
      // Alive until every process has reported: a claim whose process exited is rightly taken over.
      process.stdin.resume();`;
    const startAt = Date.now() + 3000;
    const children = [1, 2, 3, 4, 5].map(() =>
      spawn(process.execPath, [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        script,
        String(startAt),
        ...dirs,
      ]),
    );
    try {
      const perProcess = await Promise.all(
        children.map(
          (child) =>
            new Promise<string[]>((resolve, reject) => {
              let out = '';
              child.stdout.on('data', (bytes: Buffer) => {
                out += bytes.toString();
                if (out.endsWith('\n')) resolve(JSON.parse(out) as string[]);
              });
              child.once('exit', () => reject(new Error(`a racer exited early: ${out}`)));
            }),
        ),
      );
      const perRound = dirs.map((_, round) => perProcess.map((outcomes) => outcomes[round]).sort());
      expect(perRound).toEqual(
        dirs.map(() => ['held', 'refused', 'refused', 'refused', 'refused']),
      );
    } finally {
      await Promise.all(
        children.map((child) => {
          child.stdin.end();
          return child.exitCode === null ? once(child, 'exit') : Promise.resolve();
        }),
      );
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('when a server died leaving its FerretDB running on DATA_DIR, then the next start stops that database before starting its own', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sigmagpt-orphan-'));
    const ferretdbDir = path.join(dir, 'ferretdb');
    mkdirSync(ferretdbDir);
    // Stands for the orphan: a process serving that directory, as its note says.
    const orphan = spawn(
      process.execPath,
      ['-e', 'setInterval(() => {}, 1000)', '--', `--state-dir=${ferretdbDir}`],
      { stdio: 'ignore' },
    );
    await new Promise((resolve) => orphan.once('spawn', resolve));
    const exited = new Promise((resolve) => orphan.once('exit', resolve));
    writeFileSync(path.join(ferretdbDir, 'ferretdb.pid'), processClaim(orphan.pid!));
    const warned: unknown[] = [];
    const database = await startFerretdb({
      dataDir: dir,
      log: { info: () => undefined, warn: (...args: unknown[]) => warned.push(args) },
    });
    try {
      await exited;
      expect(orphan.signalCode).toBe('SIGTERM');
      expect(warned).toHaveLength(1);
      expect(readFileSync(path.join(ferretdbDir, 'ferretdb.pid'), 'utf8')).toBe(
        processClaim(database.pid!),
      );
    } finally {
      await database.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(existsSync(path.join(ferretdbDir, 'ferretdb.pid'))).toBe(false);
  }, 60_000);
});
