import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const LOCK_FILE = 'server.pid';

/**
 * When a process started, as `ps` prints it (Linux and macOS alike); null when no such process
 * runs, undefined when `ps` cannot tell (it is missing). With the pid it names one process: a pid
 * is reused after a crash or a reboot, its start time is not.
 */
function startTimeOf(pid: number): string | null | undefined {
  try {
    const started = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return started || null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : null;
  }
}

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** What a pid file holds for `pid`: the pid, and when that process started. */
export const processClaim = (pid: number): string => `${pid}\n${startTimeOf(pid) ?? ''}`;

/**
 * The process a claim names, if it still runs: the same pid started at the same time. A claim
 * without a start time (`ps` missing when it was written) is judged by its pid alone.
 */
export function claimedProcess(claim: string): number | null {
  const [pidLine = '', started = ''] = claim.split('\n');
  const pid = Number(pidLine.trim());
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const now = startTimeOf(pid);
  if (now === null) return null;
  if (now === undefined || started.trim() === '') return isRunning(pid) ? pid : null;
  return now === started.trim() ? pid : null;
}

/**
 * Claims the embedded database's data directory for this process. Two servers started from one
 * checkout (two `npm run dev`) would otherwise each start a database on the same files; the
 * second now stops at once, saying which process holds them. A claim whose process is gone (a
 * crash, a kill, a reboot that gave its pid to another program) is taken over. Returns the
 * release, for shutdown.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  const claim = processClaim(process.pid);
  // Written whole under a name of our own, then linked into place: a link fails when the file
  // exists, and a reader never sees it half written.
  const mine = `${file}.${process.pid}`;
  writeFileSync(mine, claim);
  try {
    for (;;) {
      try {
        linkSync(mine, file);
        return () => {
          if (readClaim(file) === claim) rmSync(file, { force: true });
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const seen = readClaim(file);
      if (seen === null) continue;
      const holder = claimedProcess(seen);
      if (holder !== null && holder !== process.pid)
        throw new Error(
          `another server (pid ${holder}) is using the embedded database in ${dataDir}; stop it, or give this one its own DATA_DIR`,
        );
      takeOver(file, seen);
    }
  } finally {
    rmSync(mine, { force: true });
  }
}

const readClaim = (file: string): string | null => {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
};

/**
 * Removes a stale claim, and only that one: another server starting at the same moment may have
 * taken it over already, and its fresh claim must stay. The file is moved aside under a name of
 * our own (a rename is atomic), and put back if it is not the stale claim that was read.
 */
function takeOver(file: string, stale: string): void {
  const aside = `${file}.${process.pid}.stale`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    if (readFileSync(aside, 'utf8') !== stale) linkSync(aside, file);
  } catch (error) {
    // A third server claimed the file meanwhile: its claim stands, and the next read finds it.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(aside, { force: true });
  }
}
