import OpenAI from 'openai';
import { AppError } from '../errors.js';

/** The upstream went quiet between chunks for longer than UPSTREAM_IDLE_TIMEOUT_MS. */
export class UpstreamIdleError extends Error {
  constructor() {
    super('upstream idle timeout');
    this.name = 'UpstreamIdleError';
  }
}

/**
 * The model call was still going when MAX_GENERATION_SECONDS had passed since it was made: a
 * provider that keeps its answer open with keep-alive comments or empty chunks, which the idle
 * timer takes for signs of life, would otherwise hold the reply and its slot for ever.
 */
export class UpstreamTimeLimitError extends Error {
  constructor() {
    super('the reply took longer than MAX_GENERATION_SECONDS');
    this.name = 'UpstreamTimeLimitError';
  }
}

/**
 * The provider answered 200 but its body broke the event-stream format, was not an event stream
 * at all, or held a chunk that is not JSON. The message is ours, never the provider's text.
 */
export class UpstreamProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpstreamProtocolError';
  }
}

/** Anything shaped like a credential, in text that is about to be logged. */
export const scrubSecrets = (text: string) =>
  text
    .replace(/Bearer\s+[^\s"',;]+/gi, '[redacted credential]')
    .replace(/\bsk-[A-Za-z0-9_-]+/g, '[redacted key]');

/** What is logged about a provider failure. */
export interface UpstreamFailure {
  name: string;
  status?: number;
  code?: string;
  type?: string;
  requestId?: string;
  /** The provider's Retry-After (a 429, 503 or 529), in whole seconds, at most an hour. */
  retryAfterSeconds?: number;
  /** Only for failures raised on our side (connection, timeout), and scrubbed. */
  message?: string;
}

/**
 * A Retry-After header in whole seconds, within an hour: delta-seconds (a fraction, which some
 * gateways send, rounded up) or an HTTP date (RFC 9110 allows either; some proxies and gateways
 * send the date), as the seconds from now until it.
 */
function retryAfterOf(headers: unknown): number | undefined {
  const raw = headers instanceof Headers ? headers.get('retry-after')?.trim() : undefined;
  if (!raw) return undefined;
  const seconds = /^\d+(\.\d+)?$/.test(raw)
    ? Math.ceil(Number(raw))
    : // Only a date with a name in it (`Wed, 21 Oct 2015 07:28:00 GMT`): Date.parse takes
      // bare numbers such as `1.5` for dates too.
      /[a-z]/i.test(raw)
      ? Math.ceil((Date.parse(raw) - Date.now()) / 1000)
      : NaN;
  return Number.isFinite(seconds) ? Math.min(Math.max(seconds, 1), 3600) : undefined;
}

/** A call that got no response: a timeout, or the connection's own error code and message. */
function connectionFailure(err: InstanceType<typeof OpenAI.APIConnectionError>) {
  if (err instanceof OpenAI.APIConnectionTimeoutError) return { message: 'timed out' };
  const cause = err.cause as { code?: unknown; message?: unknown; cause?: unknown } | undefined;
  const inner = cause?.cause as { code?: unknown; message?: unknown } | undefined;
  const code = [cause?.code, inner?.code].find((c): c is string => typeof c === 'string');
  const text = [inner?.message, cause?.message].find((m): m is string => typeof m === 'string');
  return {
    ...(code ? { code } : {}),
    message: scrubSecrets(text ?? 'connection failed'),
  };
}

/**
 * The loggable facts of a provider failure: status, code and the provider's request id (enough to
 * ask the provider about it). Never the provider's message or body: a provider or proxy that echoes
 * the request puts the Authorization header, hence the API key, in there — and prompts besides.
 */
export function describeUpstreamFailure(err: unknown): UpstreamFailure {
  if (err instanceof OpenAI.APIError) {
    const str = (v: unknown) =>
      typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
    const status: unknown = err.status;
    const retryAfterSeconds = retryAfterOf(err.headers);
    return {
      name: err.name,
      ...(typeof status === 'number' ? { status } : {}),
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
      ...(str(err.code) ? { code: scrubSecrets(str(err.code)!) } : {}),
      ...(str(err.type) ? { type: scrubSecrets(str(err.type)!) } : {}),
      ...(err.requestID ? { requestId: scrubSecrets(err.requestID) } : {}),
      // No response at all (refused, reset, DNS, timeout): the SDK's classes all say "Error", so
      // what happened is told here, from our side's error (never the provider's text).
      ...(err instanceof OpenAI.APIConnectionError ? connectionFailure(err) : {}),
    };
  }
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code ?? (err.cause as { code?: unknown })?.code;
    return {
      name: err.name,
      ...(typeof code === 'string' ? { code } : {}),
      message: scrubSecrets(err.message),
    };
  }
  return { name: typeof err };
}

/**
 * Maps a provider failure to the contract's codes. The provider's own message and body are never
 * passed on, nor logged: the cause kept for the log is describeUpstreamFailure's summary.
 */
export function upstreamError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const cause = describeUpstreamFailure(err);
  if (err instanceof UpstreamIdleError) {
    return new AppError('UPSTREAM_TIMEOUT', 'The model stopped sending its reply', { cause });
  }
  if (err instanceof UpstreamTimeLimitError) {
    return new AppError(
      'UPSTREAM_TIMEOUT',
      'The model took longer than a reply may take; its reply was cut there',
      { cause },
    );
  }
  if (err instanceof UpstreamProtocolError) {
    return new AppError(
      'UPSTREAM_ERROR',
      'The model provider sent a reply that could not be read',
      {
        cause,
      },
    );
  }
  if (err instanceof OpenAI.APIConnectionTimeoutError) {
    return new AppError('UPSTREAM_TIMEOUT', 'The model did not answer in time', { cause });
  }
  if (err instanceof OpenAI.APIError && err.status === 429) {
    return new AppError(
      'UPSTREAM_ERROR',
      'The model provider is busy or rate limited; try again shortly',
      { cause },
    );
  }
  return new AppError('UPSTREAM_ERROR', 'The model provider failed to answer', { cause });
}
