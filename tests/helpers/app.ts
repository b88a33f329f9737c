import { randomBytes } from 'node:crypto';
import supertest from 'supertest';
import { afterAll, beforeAll, inject } from 'vitest';
import { createApp } from '../../src/app.js';
import { reloadConfig } from '../../src/lib/config.js';
import { connectDatabase, disconnectDatabase } from '../../src/lib/db/connection.js';
import mongoose from '../../src/lib/db/mongoose.js';
import { runningGenerations } from '../../src/modules/chats/generation/registry.js';

export interface TestApp {
  app: ReturnType<typeof createApp>;
  request: () => ReturnType<typeof supertest.agent>;
}

/**
 * Connects this test file to a database of its own on the shared test server, and gives it the
 * app to call through HTTP. Call at the top of a test file. `env` may be a function when it needs
 * something started in an earlier beforeAll (a scripted upstream's URL).
 */
export function useTestApp(env: Record<string, string> | (() => Record<string, string>) = {}) {
  const context = {} as TestApp;
  beforeAll(async () => {
    // The file's settings first: some of them shape the connection (DB_COMMAND_METRICS).
    reloadConfig({ ...process.env, ...(typeof env === 'function' ? env() : env) });
    await connectDatabase(inject('mongoUri'), `test_${randomBytes(6).toString('hex')}`);
    context.app = createApp();
    context.request = () => supertest.agent(context.app);
  });
  afterAll(async () => {
    // The files of a worker share one process (vitest.config.ts `isolate: false`): a reply still
    // storing its answer (a final write retried while a test kept the database away) would land
    // its writes on the next file's connection, where that file counts commands. Let it end first.
    await replySettled(15_000);
    await mongoose.connection.db?.dropDatabase().catch(() => undefined);
    await disconnectDatabase();
  });
  return context;
}

async function replySettled(withinMs: number) {
  const giveUpAt = Date.now() + withinMs;
  while (runningGenerations() > 0 && Date.now() < giveUpAt) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

let counter = 0;
export const uniqueEmail = (label = 'user') =>
  `${label}.${Date.now().toString(36)}.${(counter += 1)}@example.test`;
