import { config } from '../config.js';
import mongoose from './mongoose.js';
import { observeDatabase } from '../metrics.js';

/**
 * Connects to a database resolveDatabase chose, naming it when that fails: the driver says only
 * ECONNREFUSED, and an operator needs to know which setting to look at.
 */
export async function connectResolvedDatabase(database: {
  uri: string;
  dbName?: string;
  description: string;
}): Promise<void> {
  await connectDatabase(database.uri, database.dbName).catch((error: unknown) => {
    throw new Error(
      `could not connect to the database (${database.description}): ${(error as Error).message}`,
    );
  });
}

export async function connectDatabase(uri: string, dbName?: string): Promise<typeof mongoose> {
  const waitMs = config().DB_SERVER_SELECTION_TIMEOUT_MS;
  await mongoose.connect(uri, {
    dbName,
    serverSelectionTimeoutMS: waitMs,
    // Reconnects on its own when the database comes back; the driver's shortest interval.
    heartbeatFrequencyMS: 500,
    // How long a connection's handshake, and each heartbeat (the driver gives a check this
    // long), may go unanswered. A database that is up but silent (a host or network that drops
    // packets) is noticed by the first heartbeat that gets no answer and its one retry: the
    // server is then marked unknown, the commands waiting on it are interrupted, and requests get
    // their 503 about half a second plus twice this after it fell silent (3.5 s by default; with
    // the 10 s used before, 12-20 s). It also bounds how long a database shutting down or
    // starting, which accepts a connection and says nothing, keeps the next check from running.
    connectTimeoutMS: waitMs,
    maxPoolSize: 50,
    // Round-trip times per command for the metrics, when asked for: the driver then builds an
    // event per command and decodes every reply a second time for it, on every request's path
    // (bench/README.md, "Database command timings").
    monitorCommands: config().DB_COMMAND_METRICS,
  });
  serverAvailable = true;
  // Mongoose's readyState stays "connected" for a while after the server dies, and every request
  // meanwhile waits the whole server-selection timeout. Follow the driver's heartbeats (every
  // second) instead; markDatabaseUnreachable() reacts earlier, on the first failed request.
  const client = mongoose.connection.getClient();
  observeDatabase(client);
  client.on('serverHeartbeatSucceeded', () => (serverAvailable = true));
  client.on('serverHeartbeatFailed', () => (serverAvailable = false));
  client.on(
    'topologyDescriptionChanged',
    (event) => (serverAvailable = event.newDescription.hasDataBearingServers),
  );
  await Promise.all(Object.values(mongoose.models).map((model) => model.createIndexes()));
  const build = await client.db().admin().command({ buildInfo: 1 });
  scansFilters =
    typeof build.ferretdbVersion === 'string' && build.ferretdbVersion.startsWith('v1.');
  return mongoose;
}

let scansFilters = false;

/**
 * Whether the server reads every document of a collection for any filter but a lone `_id`: the
 * embedded FerretDB 1.x (SQLite) pushes only that one down to its primary key, and runs a filtered
 * update as a read and then a write, with nothing between them. The few conditional writes on the
 * streaming path read the document by `_id` and write it by `_id` there instead: the same guarantee,
 * without decoding the collection.
 */
export function serverScansFilters(): boolean {
  return scansFilters;
}

/**
 * Whether the server can lose one of two updates of a document made at the same moment: the
 * embedded FerretDB 1.x applies an update as a read and a write of the whole document, so of two
 * at once (even of different fields) the one written last undoes the other (CONTRIBUTING, the
 * FerretDB list). The server that scans filters is that one.
 */
export function serverLosesConcurrentUpdates(): boolean {
  return scansFilters;
}

/**
 * Whether a findAndModify takes a projection (`fields`): the embedded FerretDB 1.x refuses one, so
 * there it answers with the whole document. The server that scans filters is that one.
 */
export function serverProjectsModifiedDocuments(): boolean {
  return !scansFilters;
}

let serverAvailable = false;

/** A request just failed for want of the database: refuse at once until a heartbeat succeeds again. */
export function markDatabaseUnreachable(): void {
  serverAvailable = false;
}

export function isDatabaseConnected(): boolean {
  return serverAvailable && mongoose.connection.readyState === mongoose.ConnectionStates.connected;
}

/** Readiness: one round trip to the server, bounded in time. */
export async function pingDatabase(timeoutMs = 1500): Promise<boolean> {
  const db = mongoose.connection.db;
  if (!db) return false;
  try {
    await Promise.race([
      db.admin().command({ ping: 1 }),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('ping timeout')), timeoutMs).unref(),
      ),
    ]);
    return true;
  } catch {
    return false;
  }
}

export async function disconnectDatabase(): Promise<void> {
  await mongoose.disconnect();
}
