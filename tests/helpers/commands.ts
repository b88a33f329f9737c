import type { CommandStartedEvent, MongoClient } from 'mongodb';
import mongoose from '../../src/lib/db/mongoose.js';

/**
 * Reconnects the test file's database with command monitoring on (a connection option, off in the
 * app unless DB_COMMAND_METRICS) and returns the client whose `commandStarted` / `commandSucceeded` events to listen to.
 * Call it in `beforeAll`, after the app is up.
 */
export async function monitorDatabaseCommands(): Promise<MongoClient> {
  const { host, port, name } = mongoose.connection;
  await mongoose.disconnect();
  await mongoose.connect(`mongodb://${host}:${port}/`, { dbName: name, monitorCommands: true });
  return mongoose.connection.getClient();
}

/** A command as `name:collection`, e.g. `find:users`. */
export const named = (c: CommandStartedEvent) =>
  `${c.commandName}:${String(c.command[c.commandName])}`;
