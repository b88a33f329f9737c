import type { RequestHandler, Response } from 'express';
import type { MongoClient } from 'mongodb';
import client from 'prom-client';
import OpenAI from 'openai';
import { HotHistogram, type HotSeries } from './hot-histogram.js';
import { upstreamError } from './llm/upstream-errors.js';

/**
 * Prometheus metrics of this process (prom-client), exposed by GET /metrics. Every label has a
 * bounded set of values: routes are the declared path templates (never raw URLs), models come
 * from MODELS, codes from the contract.
 */
export const registry = new client.Registry();
const registers = [registry];

// Process metrics, among them the event-loop delay (nodejs_eventloop_lag_*_seconds).
client.collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });

export const httpDuration = new client.Histogram({
  name: 'sigmagpt_http_request_duration_seconds',
  help: 'HTTP requests by method, route template and status, and how long they took (streams: until they ended)',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
  registers,
});

export const openStreams = new client.Gauge({
  name: 'sigmagpt_open_streams',
  help: 'Server-Sent Event streams open on this instance',
  registers,
});

export const replies = new client.Counter({
  name: 'sigmagpt_replies_total',
  help: 'Model replies by model and outcome (complete, client_gone, stopped, shutdown, interrupted, upstream_error, upstream_timeout)',
  labelNames: ['model', 'outcome'] as const,
  registers,
});

export const ttft = new client.Histogram({
  name: 'sigmagpt_reply_ttft_seconds',
  help: 'Time from calling the model to its first content chunk',
  labelNames: ['model'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 20, 60],
  registers,
});

// Observed between every two chunks of every reply: a histogram made for the hot path.
export const chunkGap = new HotHistogram(
  'sigmagpt_reply_chunk_gap_seconds',
  'Time between consecutive content chunks of a reply (as received from the model)',
  'model',
  [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
  registry,
);

export const upstreamErrors = new client.Counter({
  name: 'sigmagpt_upstream_errors_total',
  help: 'Failed model calls by error code and cause (the provider status, timeout, idle, time limit, connection)',
  labelNames: ['code', 'cause'] as const,
  registers,
});

export const tokens = new client.Counter({
  name: 'sigmagpt_tokens_total',
  help: 'Tokens recorded in the usage ledger by model, type (prompt, completion) and source (reported by the provider, estimated here)',
  labelNames: ['model', 'type', 'source'] as const,
  registers,
});

export const quotaRefusals = new client.Counter({
  name: 'sigmagpt_quota_exceeded_total',
  help: 'Messages refused because the daily token budget was used up',
  registers,
});

export const dbDuration = new client.Histogram({
  name: 'sigmagpt_db_command_duration_seconds',
  help: 'Database round trips by command and outcome, as the driver measured them',
  labelNames: ['command', 'outcome'] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers,
});

const STARTED = Symbol('metricsStarted');
type TimedResponse = Response & { [STARTED]?: number };

/** Shared by every response (no closure per request, which a held stream would keep). */
function observeRequest(this: TimedResponse): void {
  const { req } = this;
  // Set by the router of a declared route (route.ts); plain Express routes (/healthz, /metrics)
  // by their own path; anything else was not matched.
  const plain = (req.route as { path?: unknown } | undefined)?.path;
  const route =
    (this.locals.route as string | undefined) ??
    (typeof plain === 'string' ? `${req.baseUrl}${plain}` : 'unmatched');
  httpDuration.observe(
    { method: req.method, route, status: String(this.statusCode) },
    (performance.now() - (this[STARTED] ?? 0)) / 1000,
  );
}

/** Labels each request by the path template its route declared (set by the router), else `unmatched`. */
export const httpMetrics: RequestHandler = (_req, res, next) => {
  (res as TimedResponse)[STARTED] = performance.now();
  // `on`: a response closes once (`once` would wrap the listener for each request; see request-log).
  res.on('close', observeRequest);
  next();
};

const COMMANDS = new Set([
  'find',
  'insert',
  'update',
  'delete',
  'aggregate',
  'count',
  'distinct',
  'findAndModify',
  'getMore',
  'createIndexes',
  'ping',
  'hello',
]);

/** Times every command the driver sends (command monitoring must be on for the client). */
export function observeDatabase(mongo: MongoClient): void {
  const observe = (outcome: string) => (event: { commandName: string; duration: number }) => {
    const command = COMMANDS.has(event.commandName) ? event.commandName : 'other';
    dbDuration.observe({ command, outcome }, event.duration / 1000);
  };
  mongo.on('commandSucceeded', observe('ok'));
  mongo.on('commandFailed', observe('error'));
}

/** Codes of a connection lost while a body was read (undici's, Node's). */
const CONNECTION_LOST = new Set([
  'UND_ERR_SOCKET',
  'ECONNRESET',
  'EPIPE',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** Why a model call failed, for the `cause` label: the provider's status, or how it failed. */
function causeOf(error: unknown): string {
  let e = error as { status?: unknown; name?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 3; depth += 1) {
    if (typeof e.status === 'number') return String(e.status);
    if (e.name === 'UpstreamIdleError') return 'idle';
    if (e.name === 'UpstreamTimeLimitError') return 'time_limit';
    if (e.name === 'UpstreamProtocolError') return 'protocol';
    // The SDK's error classes all report the name "Error": test the class (timeout first, a
    // subclass of the connection error).
    if (e instanceof OpenAI.APIConnectionTimeoutError) return 'timeout';
    if (e instanceof OpenAI.APIConnectionError) return 'connection';
    // The connection lost while the body was read (after the SDK's part): undici's socket error,
    // a reset, or the body closed before its end.
    if (CONNECTION_LOST.has((e as { code?: unknown }).code as string)) return 'connection';
    e = e.cause as typeof e;
  }
  return 'other';
}

/**
 * Times one model call as its reader takes the stream: the time to the first content chunk, the
 * gaps between chunks, and failures that were not an abort from our side (stop, disconnect,
 * shutdown). Plain calls from the reader's loop rather than an iterator wrapped around the stream:
 * each chunk takes one async hop less.
 */
export class CompletionTiming {
  private readonly started = performance.now();
  private last: number | undefined;
  private readonly labels: { model: string };
  private readonly gaps: HotSeries;

  constructor(model: string) {
    this.labels = { model };
    this.gaps = chunkGap.series(model);
  }

  /** A content chunk arrived. */
  delta(): void {
    const now = performance.now();
    if (this.last === undefined) ttft.observe(this.labels, (now - this.started) / 1000);
    else this.gaps.observe((now - this.last) / 1000);
    this.last = now;
  }

  /** Reading the stream failed; an abort from our side is not the model's failure. */
  failed(error: unknown, signal: AbortSignal): void {
    if (!signal.aborted)
      upstreamErrors.inc({ code: upstreamError(error).code, cause: causeOf(error) });
  }
}

/** Counts a finished reply by how the model call ended (before its answer is stored). */
export function observeReply(
  model: string,
  ending: { status: string; abortedBy?: string; errorCode?: string; interrupted?: boolean },
): void {
  const aborted: Record<string, string> = {
    detached: 'client_gone',
    superseded: 'client_gone',
    stop: 'stopped',
    shutdown: 'shutdown',
  };
  const outcome =
    ending.status === 'complete'
      ? 'complete'
      : ending.status === 'incomplete'
        ? // Cut because its lease was taken while its instance stalled: INTERRUPTED, as stored.
          ending.interrupted
          ? 'interrupted'
          : (aborted[ending.abortedBy ?? ''] ?? 'incomplete')
        : ending.errorCode === 'UPSTREAM_TIMEOUT'
          ? 'upstream_timeout'
          : 'upstream_error';
  replies.inc({ model, outcome });
}
