import type { components } from './schema.js';

/** The stable codes the server answers errors with (`error.code`). */
export type ErrorCode = components['schemas']['ErrorBody']['error']['code'];

/** A non-2xx answer, or an `error` event that ended a stream, as one typed error. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status; 0 when the request never got an answer. */
    readonly status: number,
    /** The server's stable code; `HTTP_<status>` when the body was not the API's error body. */
    readonly code: ErrorCode | `HTTP_${number}`,
    message: string,
    readonly requestId?: string,
    readonly details?: { path: string; message: string }[],
    /** Seconds to wait before trying again (`Retry-After`: rate limits, budgets, a busy server). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }

  /** From a response and its body, already parsed (or not JSON: undefined). */
  static fromBody(response: Response, body: unknown): ApiError {
    const error = (body as { error?: components['schemas']['ErrorBody']['error'] } | undefined)
      ?.error;
    const retryAfter = secondsOf(response.headers.get('Retry-After'));
    if (error && typeof error.code === 'string')
      return new ApiError(
        response.status,
        error.code,
        error.message,
        error.requestId,
        error.details,
        retryAfter,
      );
    return new ApiError(
      response.status,
      `HTTP_${response.status}`,
      `${response.status} ${response.statusText}`.trim(),
      response.headers.get('X-Request-Id') ?? undefined,
      undefined,
      retryAfter,
    );
  }

  /** Reads the API's error body `{ error: { code, message, requestId, details? } }`. */
  static async from(response: Response): Promise<ApiError> {
    return ApiError.fromBody(response, await response.json().catch(() => undefined));
  }
}

/** `Retry-After` in seconds: this server sends whole seconds; an HTTP date is read as one too. */
function secondsOf(header: string | null): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}
