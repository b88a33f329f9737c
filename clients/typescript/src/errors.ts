import type { components } from './schema.js';

/** The stable codes the server answers errors with (`error.code`). */
export type ErrorCode = components['schemas']['ErrorBody']['error']['code'];

/**
 * A non-2xx answer as one typed error. A reply that failed is not thrown: its stream yields an
 * `error` event (a `ReplyError`). A request that got no answer (offline, DNS, CORS) throws what the
 * platform's fetch throws (a `TypeError`; an aborted signal: an `AbortError`), and a stream cut
 * before its final event a `StreamInterruptedError`.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status. */
    readonly status: number,
    /** The server's stable code; `HTTP_<status>` when the body was not the API's error body. */
    readonly code: ErrorCode | `HTTP_${number}`,
    message: string,
    readonly requestId?: string,
    readonly details?: { path: string; message: string }[],
    /** Seconds to wait before trying again (`Retry-After`: rate limits, budgets, a busy server). */
    readonly retryAfter?: number,
    /**
     * The chat a failed JSON send stored its question and failed reply in (`X-Chat-Id`, 502/504):
     * the one `startChat` had just made, to open it or send there again.
     */
    readonly chatId?: string,
  ) {
    super(message);
  }

  /** From a response and its body, already parsed (or not JSON: undefined). */
  static fromBody(response: Response, body: unknown): ApiError {
    const error = (body as { error?: components['schemas']['ErrorBody']['error'] } | undefined)
      ?.error;
    const retryAfter = secondsOf(response.headers.get('Retry-After'));
    const chatId = response.headers.get('X-Chat-Id') ?? undefined;
    if (error && typeof error.code === 'string')
      return new ApiError(
        response.status,
        error.code,
        error.message,
        error.requestId,
        error.details,
        retryAfter,
        chatId,
      );
    return new ApiError(
      response.status,
      `HTTP_${response.status}`,
      `${response.status} ${response.statusText}`.trim(),
      response.headers.get('X-Request-Id') ?? undefined,
      undefined,
      retryAfter,
      chatId,
    );
  }

  /** Reads the API's error body `{ error: { code, message, requestId, details? } }`. */
  static async from(response: Response): Promise<ApiError> {
    return ApiError.fromBody(response, await response.json().catch(() => undefined));
  }
}

/**
 * A reply's stream that ended before its final event (`done` or `error`): the connection was
 * closed midway without a network error (a proxy, a load balancer). The reply goes on on the
 * server: resume it with `followReply(chatId, messageId, { lastEventId })`.
 */
export class StreamInterruptedError extends Error {
  override readonly name = 'StreamInterruptedError';
  constructor(
    /** The id of the last event received (none when the stream ended before its first). */
    readonly lastEventId: string | undefined,
  ) {
    super('The stream ended before its final event');
  }
}

/** `Retry-After` in seconds: this server sends whole seconds; an HTTP date is read as one too. */
function secondsOf(header: string | null): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}
