import type { CommandStartedEvent, MongoClient } from 'mongodb';
import mongoose from '../../src/lib/db/mongoose.js';

/**
 * The app's database client, whose `commandStarted` / `commandSucceeded` events a test file reads.
 * The driver emits them only with command monitoring on: give the file's app
 * `DB_COMMAND_METRICS: 'true'`, the app's own setting (applied before it connects).
 */
export function monitoredClient(): MongoClient {
  const client = mongoose.connection.getClient();
  if (!client.options.monitorCommands)
    throw new Error("set DB_COMMAND_METRICS: 'true' in this test file's app settings");
  return client;
}

/** A command as `name:collection`, e.g. `find:users`. */
export const named = (c: CommandStartedEvent) =>
  `${c.commandName}:${String(c.command[c.commandName])}`;
