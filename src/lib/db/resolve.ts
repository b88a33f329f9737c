import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { lockDataDir } from './data-dir-lock.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded.js';

export interface ResolvedDatabase {
  uri: string;
  /** The database to use: a URI names its own; the embedded server's is named after the project. */
  dbName: string | undefined;
  description: string;
  /** The embedded database's address with its database, for tools (mongosh, `npm run admin`). */
  embeddedUri?: string;
  stop(): Promise<void>;
}

const EMBEDDED_DB_NAME = 'sigmagpt';

/** MONGODB_URI when given; otherwise (never in production) an embedded server with its data in DATA_DIR. */
export async function resolveDatabase(c: Config, log: Logger): Promise<ResolvedDatabase> {
  if (c.MONGODB_URI)
    return {
      uri: c.MONGODB_URI,
      dbName: undefined,
      description: 'MONGODB_URI',
      stop: async () => {},
    };
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
    dbName: EMBEDDED_DB_NAME,
    description: `embedded ${embedded.kind} (data in ${c.dataDir})`,
    embeddedUri: `${embedded.uri.replace(/\/$/, '')}/${EMBEDDED_DB_NAME}`,
    stop: () => embedded.stop().finally(unlock),
  };
}
