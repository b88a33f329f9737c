/** Stable error codes of the API contract, with the HTTP status each one answers. */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  // What Node's HTTP parser refuses before the app (lib/http/client-errors.ts).
  BAD_REQUEST: 400,
  REQUEST_TIMEOUT: 408,
  HEADERS_TOO_LARGE: 431,
  INVALID_LAST_EVENT_ID: 400,
  INVALID_IDEMPOTENCY_KEY: 400,
  PARENT_NOT_ASSISTANT: 400,
  NOTHING_TO_REGENERATE: 400,
  NOT_CONTINUABLE: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN_ORIGIN: 403,
  FORBIDDEN: 403,
  ACCOUNT_DISABLED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  EMAIL_TAKEN: 409,
  TOO_MANY_KEYS: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  CHAT_LIMIT_REACHED: 409,
  MESSAGE_LIMIT_REACHED: 409,
  STORAGE_LIMIT_REACHED: 409,
  MESSAGE_STREAMING: 409,
  REPLY_NOT_CONTINUABLE: 409,
  LAST_ADMIN: 409,
  // Making an administrator of an account whose owner is deleting it (accounts.ts beginDeletion).
  ACCOUNT_BEING_DELETED: 409,
  // A refresh with the cookie a password change has just replaced (auth.service.ts refresh).
  REFRESH_COOKIE_REPLACED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  TOO_MANY_STREAMS: 429,
  TOO_MANY_PASSWORD_CHECKS: 429,
  QUOTA_EXCEEDED: 429,
  INTERNAL: 500,
  UPSTREAM_ERROR: 502,
  SERVICE_UNAVAILABLE: 503,
  SERVER_BUSY: 503,
  SEARCH_TIMEOUT: 503,
  UPSTREAM_TIMEOUT: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorDetail {
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly details?: ErrorDetail[];
  /** Extra response headers that belong to this error (Retry-After, WWW-Authenticate). */
  readonly headers?: Record<string, string>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: ErrorDetail[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = options.details;
    this.headers = options.headers;
  }
}

export const notFound = (what = 'Resource') => new AppError('NOT_FOUND', `${what} not found`);

export const unauthenticated = (message = 'Authentication required') =>
  new AppError('UNAUTHENTICATED', message, { headers: { 'WWW-Authenticate': 'Bearer' } });

/** A password that did not match; a 401 like any other, so it names the scheme too (RFC 9110). */
export const invalidCredentials = (message: string) =>
  new AppError('INVALID_CREDENTIALS', message, { headers: { 'WWW-Authenticate': 'Bearer' } });

/** The database is away: told when to come back. `cause`: the failure behind it, for the log. */
export const serviceUnavailable = (
  message = 'The database is unavailable, try again shortly',
  cause?: unknown,
) => new AppError('SERVICE_UNAVAILABLE', message, { headers: { 'Retry-After': '5' }, cause });

/**
 * Work not done because the request's client has gone: there is no one to answer, and it is no
 * failure of the server's (the error handler logs it at debug and sends nothing).
 */
export class ClientGoneError extends Error {
  constructor() {
    super('The client went away before the work began');
    this.name = 'ClientGoneError';
  }
}
