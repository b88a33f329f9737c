import bcrypt from 'bcrypt';
import type { TestProject } from 'vitest/node';
import { startEmbeddedDatabase } from '../../src/lib/db/embedded.js';
import { PASSWORD, PASSWORD_HASH_COST } from './password.js';

/**
 * Once per run (per tier): one database server, MONGODB_TEST_URI when set, else the same embedded
 * resolver the dev server uses (mongod where it can be downloaded, else FerretDB), in memory. Each
 * test file then works in a database of its own. Also the bcrypt hash of the test password, so
 * test users are inserted without paying for bcrypt each time (see createUser).
 */
export default async function setup(project: TestProject) {
  project.provide('passwordHash', await bcrypt.hash(PASSWORD, PASSWORD_HASH_COST));
  if (process.env.MONGODB_TEST_URI) {
    project.provide('mongoUri', process.env.MONGODB_TEST_URI);
    return;
  }
  const log = { info: (m: string) => console.log(m), warn: (m: string) => console.log(m) };
  const database = await startEmbeddedDatabase({ log: log as never });
  console.log(`tests use an embedded ${database.kind} at ${database.uri}`);
  project.provide('mongoUri', database.uri);
  return async () => {
    await database.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
    passwordHash: string;
  }
}
