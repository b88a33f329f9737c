import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDraining, startStopping } from './lifecycle.js';
import { closeOpenAiPool } from './llm/index.js';
import { passesEnded } from './periodic.js';
import type { Logger } from 'pino';

/**
 * Long-running work that shutdown first lets finish, then cuts: the replies being generated.
 * The chats module provides it; server.ts hands it in, so this file knows no domain code.
 */
export interface InterruptibleWork {
  /** How many pieces are running in this process. */
  running(): number;
  /** Ends every piece at once (each stores what it has) and any that starts later; returns how many were cut. */
  cutAll(): number;
  /** Stops background timers that watch the running pieces. */
  stop(): void;
  /**
   * Ends the streams of pieces still storing what they have (a database that stopped answering)
   * with a last event that says so, without waiting for those writes; returns how many.
   */
  endUnsettled(): number;
}

interface ShutdownOptions {
  server: Server;
  work: InterruptibleWork;
  graceMs: number;
  log: Logger;
  /** Closes the database connection (and an embedded server); runs after the last stream stored its answer. */
  closeDatabase: () => Promise<void>;
  /** Cut open streams at once instead of letting them finish (an interactive Ctrl-C). */
  cutStreamsNow?: boolean;
  /** Aborted by a second signal during the drain: the open streams are cut then, not at the end. */
  hurry?: AbortSignal;
  /**
   * How long readiness fails before new requests are refused: meanwhile every request is served.
   * The grace period begins once it ends. Skipped when streams are cut at once, or by `hurry`.
   */
  drainDelayMs?: number;
  /**
   * Stops the instance's background work (sweeps, polls, backfills) when serving stops, at the end
   * of the drain: through the drain delay the instance serves as before, and what they finish
   * (replies left streaming, deletions left unfinished) is part of that. Their passes under way
   * then end before the database is closed.
   */
  stopBackground?: () => void;
}

/**
 * Stops without losing answers: readiness fails at once, and new requests get 503 once the drain
 * delay is over; replies being generated may finish during most of the grace period that follows,
 * then the rest are cut off, which stores each partial answer as `incomplete` and ends its stream
 * with a final event; then the process exits.
 */
export async function gracefulShutdown({
  server,
  work,
  graceMs,
  log,
  closeDatabase,
  cutStreamsNow = false,
  hurry,
  drainDelayMs = 0,
  stopBackground = () => {},
}: ShutdownOptions): Promise<void> {
  // A balancer sees the failed readiness only at its next probe, and Kubernetes takes a pod out of
  // its endpoints only some seconds after SIGTERM: until then requests keep coming, and are served
  // as before rather than refused (nginx, for one, does not retry a 503).
  startStopping();
  if (drainDelayMs > 0 && !cutStreamsNow && !hurry?.aborted) {
    // A second signal ends the delay (the sleep rejects when aborted): the streams are cut now.
    await sleep(drainDelayMs, undefined, { signal: hurry }).catch(() => undefined);
    log.info({ drainDelayMs }, 'drain delay over: refusing new requests');
  }
  // The listener stays open while streams run, so a balancer gets 503 answers rather than refused
  // connections; with none running it closes at once.
  startDraining();
  const started = Date.now();

  // Leave time at the end for cut-off streams to store their partial answers.
  const finishBy = cutStreamsNow ? started : started + graceMs - Math.min(3000, graceMs / 3);
  while (work.running() > 0 && Date.now() < finishBy && !hurry?.aborted) await sleep(50);
  const cut = work.cutAll();
  if (cut > 0)
    log.info(
      { streams: cut },
      cutStreamsNow || hurry?.aborted
        ? 'cut off open streams'
        : 'cut off streams still open at the end of the grace period',
    );
  while (work.running() > 0 && Date.now() < started + graceMs - 400) await sleep(20);
  // Writes still unanswered now will not be waited for: their streams end with an event anyway.
  if (work.running() > 0) {
    const ended = work.endUnsettled();
    if (ended > 0) log.warn({ streams: ended }, 'ended streams whose replies could not be stored');
  }

  // Responses have ended; keep-alive sockets between requests are closed rather than waited for.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const sweeper = setInterval(() => server.closeIdleConnections(), 50);
  await Promise.race([closed, sleep(Math.max(0, started + graceMs - 100 - Date.now()))]);
  clearInterval(sweeper);
  server.closeAllConnections();
  work.stop();
  stopBackground();
  // A pass cut by the database's close would only log its failure; one that takes longer than
  // the grace has left is not waited for.
  await Promise.race([passesEnded(), sleep(Math.max(0, started + graceMs - 100 - Date.now()))]);
  await closeOpenAiPool();
  await closeDatabase();
}
