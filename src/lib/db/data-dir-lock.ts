import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const LOCK_FILE = 'server.pid';

/**
 * When a process started, as `ps` prints it (Linux and macOS alike); null when no such process
 * runs, undefined when `ps` cannot tell (it is missing). With the pid it names one process: a pid
 * is reused after a crash or a reboot, its start time is not.
 */
function startTimeOf(pid: number): string | null | undefined {
  try {
    // lstart is local time in the locale's words: pinned, so a server started from a shell with
    // another TZ (or LC_TIME) reads the same start time as the one that wrote the claim.
    const started = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], {
      encoding: 'utf8',
      env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' },
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

/** Another live process holds the DATA_DIR: its pid, for the message each command words. */
export class DataDirInUseError extends Error {
  constructor(
    readonly pid: number,
    readonly dataDir: string,
  ) {
    super(
      `another server (pid ${pid}) is using the embedded database in ${dataDir}; stop it, or give this one its own DATA_DIR`,
    );
    this.name = 'DataDirInUseError';
  }
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
      if (linked(mine, file))
        return () => {
          if (readClaim(file) === claim) rmSync(file, { force: true });
        };
      const seen = readClaim(file);
      if (seen === null) continue;
      const holder = claimedProcess(seen);
      if (holder !== null && holder !== process.pid) throw new DataDirInUseError(holder, dataDir);
      removeStaleClaim(file, seen, mine);
    }
  } finally {
    rmSync(mine, { force: true });
  }
}

/** Links `from` to the name `to` unless `to` exists: true when this call made the link. */
function linked(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
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

const pause = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

/**
 * Removes a stale claim, and only that one. Servers starting at the same moment may all find it
 * stale; whichever removed it and linked its own claim must keep that claim. So only the holder
 * of a takeover gate (a second file, linked into place like the claim) removes the claim, and
 * only if it still reads as the stale one: while the gate is held, the claim can only appear,
 * never change. The others wait for the gate and look again.
 */
function removeStaleClaim(file: string, stale: string, mine: string): void {
  const gate = `${file}.takeover`;
  if (!linked(mine, gate)) {
    const gateHolder = readClaim(gate);
    // A gate whose process is gone was left by a server that died within its takeover (a few
    // microseconds); two servers finding such a gate at the same moment is a race left open.
    if (gateHolder !== null && claimedProcess(gateHolder) === null) rmSync(gate, { force: true });
    else pause(5);
    return;
  }
  try {
    if (readClaim(file) === stale) rmSync(file, { force: true });
  } finally {
    rmSync(gate, { force: true });
  }
}
