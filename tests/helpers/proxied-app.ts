import { randomBytes } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import supertest from 'supertest';
import { afterAll, beforeAll, inject } from 'vitest';
import { createApp } from '../../src/app.js';
import { reloadConfig } from '../../src/lib/config.js';
import {
  connectDatabase,
  disconnectDatabase,
  isDatabaseConnected,
} from '../../src/lib/db/connection.js';
import { runningGenerations } from '../../src/modules/chats/generation/registry.js';
import { startDbProxy, type DbProxy } from './db-proxy.js';
import { listen } from './sse.js';
import { startUpstream, type Upstream } from './upstream.js';
import { upstreamEnv } from './chat-app.js';
import { NO_TIGHT_LIMITS } from './auth.js';

export interface ProxiedApp {
  proxy: DbProxy;
  upstream: Upstream;
  app: ReturnType<typeof createApp>;
  request: () => ReturnType<typeof supertest.agent>;
  server: Awaited<ReturnType<typeof listen>>;
  /** The same database, straight (not through the proxy): to look at what was stored. */
  db: Db;
  dbName: string;
}

/** The app connected through a fault-injecting proxy, with a scripted model and a listener. */
export function useProxiedApp(env: Record<string, string> = {}): ProxiedApp {
  const ctx = {} as ProxiedApp;
  let direct: MongoClient;
  beforeAll(async () => {
    ctx.upstream = await startUpstream();
    ctx.proxy = await startDbProxy(inject('mongoUri'));
    reloadConfig({ ...process.env, ...NO_TIGHT_LIMITS, ...upstreamEnv(ctx.upstream), ...env });
    ctx.dbName = `test_${randomBytes(6).toString('hex')}`;
    await connectDatabase(ctx.proxy.uri, ctx.dbName);
    ctx.app = createApp();
    ctx.request = () => supertest.agent(ctx.app);
    ctx.server = await listen(ctx.app);
    direct = new MongoClient(inject('mongoUri'));
    await direct.connect();
    ctx.db = direct.db(ctx.dbName);
  }, 60_000);
  afterAll(async () => {
    ctx.proxy.silent(false);
    ctx.proxy.setDelay(0);
    await ctx.proxy.up().catch(() => undefined);
    const giveUpAt = Date.now() + 40_000;
    while (runningGenerations() > 0 && Date.now() < giveUpAt)
      await new Promise((r) => setTimeout(r, 50));
    await ctx.server?.close();
    await ctx.db?.dropDatabase().catch(() => undefined);
    await direct?.close();
    await disconnectDatabase();
    await ctx.proxy.close();
    await ctx.upstream.close();
  }, 60_000);
  return ctx;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the app's heartbeat says the database is there again. */
export async function databaseBack(withinMs = 30_000) {
  const giveUpAt = Date.now() + withinMs;
  while (!isDatabaseConnected()) {
    if (Date.now() > giveUpAt) throw new Error('database not back');
    await sleep(50);
  }
}
