import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/lib/db/embedded.js';

/** A real server process (src/server.ts loaded through tsx, or a built one) on its own port. */
export interface Instance {
  url: string;
  /** The database it uses (its MONGODB_URI), for inserting fixtures and checking what it stored. */
  mongoUri: string | undefined;
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const projectRoot = path.resolve(import.meta.dirname, '../..');

/** Appends a database name to a server URI (`mongodb://host:port/` → `mongodb://host:port/name`). */
export function databaseUri(
  serverUri: string,
  name = `cluster_${randomBytes(5).toString('hex')}`,
): string {
  const url = new URL(serverUri);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Whether process `pid` holds the listening TCP socket on `port`, from /proc (Linux). Elsewhere it
 * cannot tell and says yes.
 */
function listensOn(pid: number, port: number): boolean {
  let tables: string;
  try {
    tables = ['/proc/net/tcp', '/proc/net/tcp6']
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
  } catch {
    return true;
  }
  const sockets = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        if (inode) sockets.add(inode);
      } catch {
        // closed meanwhile
      }
    }
  } catch {
    return false; // gone
  }
  const local = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return tables.split('\n').some((line) => {
    const f = line.trim().split(/\s+/);
    // local_address, state 0A (LISTEN), inode
    return f[1]?.endsWith(local) === true && f[3] === '0A' && sockets.has(f[9] ?? '');
  });
}

/**
 * A server process on a free port, ready (its /readyz answers 200). The port is picked before the
 * process binds it, seconds later once it has loaded and connected; on a machine where other test
 * runs open listeners all the time another process can take it meanwhile. Then the child fails to
 * bind, and /readyz may even be answered by the other process. So the instance counts as ready only
 * once the child itself holds the port, and a child that lost its port is started again on another.
 */
export async function startInstance(
  env: Record<string, string>,
  /** A built server (`dist/server.js` or another outDir's) run by this Node binary instead. */
  built?: { node: string; server: string },
): Promise<Instance> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnce(env, built);
    } catch (error) {
      if (!(error instanceof PortTaken) || attempt === 3) throw error;
    }
  }
}

class PortTaken extends Error {}

async function startOnce(
  env: Record<string, string>,
  built?: { node: string; server: string },
): Promise<Instance> {
  const port = await freePort();
  // tsx as a loader, not its CLI: the child is the server itself, so a signal (even SIGKILL) reaches it.
  const [node, args] = built
    ? [built.node, [built.server]]
    : [process.execPath, ['--import', 'tsx', 'src/server.ts']];
  const child = spawn(node, args, {
    cwd: projectRoot,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATA_DIR: path.join(os.tmpdir(), 'sigmagpt-test-data'),
      HOST: '127.0.0.1',
      PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await exited; // all of its output
      if (output.includes('EADDRINUSE')) throw new PortTaken(`port ${port} taken:\n${output}`);
      throw new Error(`server exited early:\n${output}`);
    }
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready && listensOn(child.pid!, port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready within 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    mongoUri: env.MONGODB_URI,
    child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
