import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startFerretdb } from '../../src/lib/db/embedded.js';
import { run } from './common.js';
import { PROJECT_ROOT } from './servers.js';

export interface BenchDatabase {
  uri: string;
  dir: string;
  stop(): Promise<void>;
}

/**
 * The project's embedded FerretDB (SQLite backend) with its data on /dev/shm, so disk speed does
 * not enter the figures. Both servers use this one instance, interleaved, never at the same time.
 */
export async function startBenchDatabase(): Promise<BenchDatabase> {
  // The project's build script caches the binary per machine (built once from the Go module proxy).
  process.env.FERRETDB_BIN ??= (
    await run('bash', [path.join(PROJECT_ROOT, 'scripts/build-ferretdb.sh')], {
      timeoutMs: 600_000,
    })
  )
    .trim()
    .split('\n')
    .at(-1);
  const dir = mkdtempSync(path.join('/dev/shm', 'sigmagpt-bench-'));
  const log = {
    info: (m: string) => console.error(`[db] ${m}`),
    warn: (m: string) => console.error(`[db] ${m}`),
  };
  const db = await startFerretdb({ dataDir: dir, log: log as never });
  return {
    uri: `${db.uri}sigmagpt`,
    dir,
    stop: async () => {
      await db.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
