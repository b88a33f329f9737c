import './lib/load-env.js';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { config, misspeltSettings } from './lib/config.js';
import { connectResolvedDatabase, disconnectDatabase } from './lib/db/connection.js';
import { resolveDatabase } from './lib/db/resolve.js';
import { logger } from './lib/logger.js';
import { gracefulShutdown } from './lib/shutdown.js';
import { installCrashHandlers } from './lib/crash-handlers.js';
import { initRateLimitCounters } from './lib/rate-limit/mongo-store.js';
import {
  initSessions,
  startEndedSessionSweep,
  stopEndedSessionSweep,
} from './modules/auth/index.js';
import {
  generations,
  initIdempotencyKeys,
  startInterruptedSweep,
  startSearchBackfill,
  startUnfinishedChatDeletionSweep,
  stopInterruptedSweep,
  stopSearchBackfill,
  stopUnfinishedChatDeletionSweep,
} from './modules/chats/index.js';
import { createHttpServer } from './lib/http/server-options.js';
import { startMetricsServer } from './modules/metrics/index.js';
import { logUnrecordedUsage, startTokenizer, stopTokenizer } from './modules/usage/index.js';
import {
  startUnfinishedDeletionSweep,
  stopUnfinishedDeletionSweep,
} from './modules/users/index.js';

async function main() {
  // Checked already (load-env.ts): a bad value stopped the start before anything was imported.
  const c = config();
  for (const { name, setting } of misspeltSettings())
    logger.warn(
      { variable: name, setting },
      `${name} is not a setting (ignored); did you mean ${setting}?`,
    );
  // Allowed for local experiments and the fuzzer; in production, said where the operator looks.
  if (c.isProduction && !c.RATE_LIMITS_ENABLED)
    logger.warn(
      'RATE_LIMITS_ENABLED=false in production: no rate limit and no per-account password gate',
    );
  const database = await resolveDatabase(c, logger);
  await connectResolvedDatabase(database);
  // Token counts for replies without a usage report: loaded on a thread of its own meanwhile.
  startTokenizer();
  await Promise.all([initRateLimitCounters(), initSessions(), initIdempotencyKeys()]);
  // The embedded database's address too: tools (mongosh, `npm run admin`) can use it meanwhile.
  logger.info({ database: database.description, uri: database.embeddedUri }, 'database connected');
  // Replies left `streaming` by an instance that died are finished as interrupted.
  startInterruptedSweep();
  // Expired and long-revoked sessions go (MongoDB's TTL index covers only the expired ones).
  startEndedSessionSweep();
  // Account and chat deletions that could not finish (the database went away, or their instance
  // stopped) are finished by any instance.
  startUnfinishedDeletionSweep();
  startUnfinishedChatDeletionSweep();
  // Search keys for chats and messages stored before they existed, in the background.
  startSearchBackfill();

  const app = createApp();
  const server: Server = createHttpServer(app, c);
  // A port taken or refused (EADDRINUSE, EACCES) or a HOST that does not resolve is a failed
  // start, said in one line like the others, not an uncaught exception with its stack.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(c.PORT, c.HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // The port listened on: PORT=0 asks the system for a free one.
  const { port } = server.address() as AddressInfo;
  logger.info(
    { port, models: c.models, nodeVersion: process.version },
    `SigmaGPT API listening on http://localhost:${port}`,
  );

  let stoppingSince = 0;
  // A second signal while draining (or during the drain delay, which it ends) cuts the open
  // streams now: Ctrl-C, or SIGTERM again a second or more later (a supervisor that forwards
  // SIGTERM and also signals the process group sends two at once, which must not end the drain).
  const hurry = new AbortController();
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stoppingSince > 0) {
      if (signal === 'SIGTERM' && Date.now() - stoppingSince < 1000) return;
      if (!hurry.signal.aborted) logger.info({ signal }, 'cutting open streams now');
      hurry.abort();
      return;
    }
    stoppingSince = Date.now();
    logger.info(
      { signal, drainDelayMs: c.SHUTDOWN_DRAIN_DELAY_MS, graceMs: c.SHUTDOWN_GRACE_MS },
      'shutting down',
    );
    const closeDatabase = async () => {
      await disconnectDatabase();
      await database.stop();
      // Every reply is stored by now: nothing is left to count.
      await stopTokenizer();
    };
    try {
      // SIGTERM (an orchestrator) lets open replies finish within the grace period; SIGINT (someone
      // at a terminal, or a file watcher) and SIGHUP (the terminal closed) want the process gone
      // now, so replies are cut and stored.
      await gracefulShutdown({
        server,
        work: generations,
        graceMs: c.SHUTDOWN_GRACE_MS,
        log: logger,
        closeDatabase,
        cutStreamsNow: signal !== 'SIGTERM',
        hurry: hurry.signal,
        drainDelayMs: c.SHUTDOWN_DRAIN_DELAY_MS,
        // Not at the signal: the instance serves through the drain delay, sweeps included.
        stopBackground: () => {
          stopInterruptedSweep();
          stopEndedSessionSweep();
          stopUnfinishedDeletionSweep();
          stopUnfinishedChatDeletionSweep();
          stopSearchBackfill();
        },
      });
      logUnrecordedUsage();
      logger.info('stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  stop = (signal) => void shutdown(signal);

  if (c.METRICS_PORT !== 0) {
    // Keeps answering while the API drains, so the scraper sees the shutdown too.
    const metrics = await startMetricsServer(c);
    metrics.unref();
    logger.info({ host: c.METRICS_HOST, port: c.METRICS_PORT }, 'metrics served on their own port');
  }
}

/** Set once the server listens; until then a signal ends the start (see below). */
let stop: ((signal: NodeJS.Signals) => void) | undefined;
// Listened for from the first moment: Node's default for these ends the process without its
// 'exit' hooks, and one of those stops the embedded FerretDB, which runs in a session of its own
// and would be left serving DATA_DIR. SIGHUP is a closed terminal: handled as SIGINT.
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const)
  process.on(signal, () => {
    if (stop) return stop(signal);
    logger.info({ signal }, 'stopped while starting');
    process.exit(1);
  });

installCrashHandlers(logger);

main().catch((error: unknown) => {
  // pino's (string, string) form drops the second string: the message says it was the start.
  logger.fatal(`could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
