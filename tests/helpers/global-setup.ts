import type { TestProject } from 'vitest/node';
import { startEmbeddedDatabase } from '../../src/lib/db/embedded.js';

/**
 * One database server for the whole run: MONGODB_TEST_URI when set, else the same embedded
 * resolver the dev server uses (mongod where it can be downloaded, else FerretDB), in memory.
 * Each test file then works in a database of its own.
 */
export default async function setup(project: TestProject) {
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
  }
}
