import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { lockDataDir } from './data-dir-lock.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded.js';

export interface ResolvedDatabase {
  uri: string;
  description: string;
  stop(): Promise<void>;
}

/** MONGODB_URI when given; otherwise (never in production) an embedded server with its data in DATA_DIR. */
export async function resolveDatabase(c: Config, log: Logger): Promise<ResolvedDatabase> {
  if (c.MONGODB_URI)
    return { uri: c.MONGODB_URI, description: 'MONGODB_URI', stop: async () => {} };
  const unlock = lockDataDir(c.dataDir);
  let embedded: EmbeddedDatabase;
  try {
    embedded = await startEmbeddedDatabase({ dataDir: c.dataDir, log });
  } catch (error) {
    unlock();
    throw error;
  }
  return {
    uri: `${embedded.uri}`,
    description: `embedded ${embedded.kind} (data in ${c.dataDir})`,
    stop: () => embedded.stop().finally(unlock),
  };
}
