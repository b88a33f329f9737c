import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z, ZodError, type core } from 'zod';
import { AppError, ClientGoneError, ERROR_STATUS, type ErrorCode } from '../../lib/errors.js';
import { errorHandler, reportError, toAppError } from '../../lib/http/error-handler.js';
import { MISSING_FIELD } from '../../lib/http/schemas.js';
import { answeredOnPurpose, pathOf } from '../../lib/http/request-log.js';
import type { UpstreamFailure } from '../../lib/llm/upstream-errors.js';
// What a stored reply keeps of the provider's answer that failed it.
import type { ProviderFailure } from '../chats/index.js';

/** OpenAI's error body: `{ error: { message, type, param, code } }`, which its SDKs parse. */
export const OpenAiErrorBody = z.object({
  error: z.object({
    message: z.string().describe('Human-readable; never contains internals'),
    type: z
      .string()
      .describe(
        '`invalid_request_error`, `authentication_error`, `not_found_error`, `requests` (429) or `server_error`',
      ),
    param: z.string().nullable().describe('The request field at fault, when there is one'),
    code: z
      .string()
      .nullable()
      .describe(
        'e.g. `invalid_api_key`, `model_not_found`, `unknown_parameter`, `rate_limit_exceeded`',
      ),
  }),
});

export interface OpenAiErrorFields {
  type: string;
  code: string | null;
  param: string | null;
}

/** An AppError that also says how OpenAI would name it. */
export class OpenAiError extends AppError {
  readonly openai: OpenAiErrorFields;
  constructor(
    code: ErrorCode,
    message: string,
    openai: Partial<OpenAiErrorFields>,
    options: ConstructorParameters<typeof AppError>[2] = {},
  ) {
    super(code, message, options);
    this.openai = {
      type: openai.type ?? typeOf(code),
      code: openai.code ?? null,
      param: openai.param ?? null,
    };
  }
}

function typeOf(code: ErrorCode): string {
  switch (code) {
    case 'RATE_LIMITED':
    case 'TOO_MANY_STREAMS':
      return 'requests';
    case 'QUOTA_EXCEEDED':
      return 'insufficient_quota';
    default:
      return ERROR_STATUS[code] >= 500 ? 'server_error' : 'invalid_request_error';
  }
}

/** `messages.0.content` → `messages[0].content`, the way OpenAI names a parameter. */
export function paramName(path: readonly PropertyKey[]): string | null {
  if (path.length === 0) return null;
  return path
    .map((part, i) =>
      typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

/**
 * The issue a union failed on, for a value of the type one of its options takes: content given as
 * parts that are wrong names the part and its field, not only "invalid content". Options that
 * refused the value's type at their root are passed over; otherwise the union's own issue stands.
 */
function innermost(issue: core.$ZodIssue): core.$ZodIssue {
  if (issue.code !== 'invalid_union') return issue;
  const matched = issue.errors.filter(
    (option) => option[0] && !(option[0].code === 'invalid_type' && option[0].path.length === 0),
  );
  if (matched.length !== 1) return issue;
  const inner = matched[0]![0]!;
  return innermost({ ...inner, path: [...issue.path, ...inner.path] });
}

function fromZod(error: ZodError): OpenAiError {
  const issue = innermost(error.issues[0] as core.$ZodIssue);
  const param = paramName(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys;
    if (issue.path.length === 0) {
      return new OpenAiError(
        'VALIDATION_FAILED',
        `Unrecognized request argument supplied: ${keys.join(', ')}`,
        { code: 'unknown_parameter', param: keys[0] ?? null },
      );
    }
    return new OpenAiError(
      'VALIDATION_FAILED',
      `Unrecognized field(s) in '${param}': ${keys.join(', ')}`,
      { code: 'unknown_parameter', param: `${param}.${keys[0]}` },
    );
  }
  if (param && issue.code === 'invalid_type' && issue.message === MISSING_FIELD) {
    return new OpenAiError('VALIDATION_FAILED', `Missing required parameter: '${param}'.`, {
      code: 'missing_required_parameter',
      param,
    });
  }
  return new OpenAiError(
    'VALIDATION_FAILED',
    param ? `Invalid value for '${param}': ${issue.message}` : issue.message,
    { code: issue.code === 'invalid_type' ? 'invalid_type' : 'invalid_value', param },
  );
}

const CODES: Partial<Record<ErrorCode, string>> = {
  UNAUTHENTICATED: 'invalid_api_key',
  RATE_LIMITED: 'rate_limit_exceeded',
  TOO_MANY_STREAMS: 'rate_limit_exceeded',
  QUOTA_EXCEEDED: 'insufficient_quota',
  INVALID_JSON: 'invalid_json',
  PAYLOAD_TOO_LARGE: 'request_too_large',
};

/** Provider statuses that say the request itself was refused (its parameters or content). */
const REFUSED_AS_INVALID = new Set([400, 413, 422]);

/** The longest provider wait a /v1 caller's SDK is left to sleep through and retry after. */
const SDK_RETRY_WAIT_MAX_SECONDS = 60;

/** Provider statuses that say it is down or overloaded for a while (529: Anthropic's overloaded). */
const UNAVAILABLE = new Set([503, 529]);

/** How long a /v1 caller is asked to wait when an unavailable provider named no wait. */
const UNAVAILABLE_WAIT_SECONDS = 5;

/**
 * The provider's wait as a /v1 caller's Retry-After. The Node SDK sleeps through any Retry-After
 * before retrying by itself (up to an hour here): a long wait is the caller's to decide, so its
 * SDK is told not to retry.
 */
function waitHeaders(wait: number | undefined): Record<string, string> | undefined {
  const headers = wait === undefined ? undefined : { 'Retry-After': String(wait) };
  return wait !== undefined && wait > SDK_RETRY_WAIT_MAX_SECONDS ? withoutRetry(headers) : headers;
}

/**
 * A provider's failure as a /v1 caller should take it. The chat routes answer every provider
 * failure 502 (the server built that request); a /v1 caller built its request, so a provider's
 * refusal of it is a 400 its SDK does not retry, a provider's rate limit a 429 with the
 * provider's Retry-After, and a provider that is down or overloaded a 503 with its Retry-After (or
 * a few seconds): what OpenAI answers when it is, so the caller's SDK waits that long before it
 * retries. None passes the provider's text on. Anything else stays a 502.
 */
function fromProvider(app: AppError): OpenAiError | null {
  if (app.code !== 'UPSTREAM_ERROR') return null;
  const cause = app.cause as UpstreamFailure | undefined;
  const status = cause?.status;
  if (status !== undefined && REFUSED_AS_INVALID.has(status))
    return new OpenAiError(
      'VALIDATION_FAILED',
      `The model provider refused the request (HTTP ${status}): check its parameters and content`,
      { code: 'upstream_invalid_request' },
      { cause },
    );
  if (status === 429)
    return new OpenAiError(
      'RATE_LIMITED',
      'The model provider is rate limiting this server; try again shortly',
      { code: 'upstream_rate_limited' },
      { cause, headers: waitHeaders(cause?.retryAfterSeconds) },
    );
  if (status !== undefined && UNAVAILABLE.has(status))
    return new OpenAiError(
      'SERVICE_UNAVAILABLE',
      'The model provider is unavailable or overloaded; try again shortly',
      { code: 'upstream_unavailable' },
      { cause, headers: waitHeaders(cause?.retryAfterSeconds ?? UNAVAILABLE_WAIT_SECONDS) },
    );
  return null;
}

/**
 * What is left, in seconds, of the wait a provider's rate limit (its Retry-After, none when it
 * named none) or outage (its Retry-After, else the 5 s /v1 asked for) asked for when it failed a
 * stored completion: 0 or less once it is over. Undefined for any other failure, which no wait
 * changes.
 */
export function providerWaitLeft(
  provider: ProviderFailure | undefined,
  now = Date.now(),
): number | undefined {
  if (!provider || (provider.status !== 429 && !UNAVAILABLE.has(provider.status))) return undefined;
  const wait =
    provider.retryAfterSeconds ?? (provider.status === 429 ? 0 : UNAVAILABLE_WAIT_SECONDS);
  return Math.ceil((provider.at.getTime() + wait * 1000 - now) / 1000);
}

/**
 * A stored reply's error with what the provider answered as its cause, as the failure itself had
 * it: a repeat of the completion answers as the first answer did (the provider's refusal a 400,
 * its rate limit a 429, its outage a 503), with what is left of the provider's wait as its
 * Retry-After.
 */
export function withStoredProvider(
  error: AppError,
  provider: ProviderFailure | undefined,
  now = Date.now(),
): AppError {
  if (!provider) return error;
  const left = providerWaitLeft(provider, now);
  const wait = left !== undefined && left > 0 ? left : provider.retryAfterSeconds;
  const cause: UpstreamFailure = {
    name: 'StoredProviderFailure',
    status: provider.status,
    ...(wait !== undefined ? { retryAfterSeconds: wait } : {}),
  };
  return new AppError(error.code, error.message, { cause });
}

/** Any error of a /v1 request, as an AppError carrying OpenAI's names. */
export function toOpenAiError(err: unknown): OpenAiError {
  if (err instanceof OpenAiError) return err;
  if (err instanceof ZodError) return fromZod(err);
  const app = toAppError(err);
  const provider = fromProvider(app);
  if (provider) return provider;
  // OpenAI's SDKs retry a 409 and a 429 at once unless told not to (they honour x-should-retry):
  // the daily budget comes back at its reset, hours away, and our 409s (a storage cap, a key
  // reused) answer the same until the caller changes something. Each retry would spend the
  // caller's retries, and a message's per-minute rate, for nothing. So would a retry of a reply
  // MAX_GENERATION_SECONDS cut: it would run as long again.
  const headers =
    app.code === 'QUOTA_EXCEEDED' || ERROR_STATUS[app.code] === 409 || outOfTime(app)
      ? withoutRetry(app.headers)
      : app.headers;
  return new OpenAiError(
    app.code,
    app.message,
    { code: CODES[app.code] ?? app.code.toLowerCase() },
    { headers, cause: app.cause },
  );
}

/**
 * An error of a `store: true` completion met once its exchange is stored (its question, and the
 * reply as it failed): a retry by the SDK would store them again (a new chat each time when no
 * `metadata.chat_id` is named), so it says not to retry. A reply cut by its server keeps its
 * `Retry-After: 1`, as documented.
 */
export function storedNotToRepeat(err: unknown): OpenAiError {
  const error = toOpenAiError(err);
  const cutByShutdown =
    error.openai.code === 'generation_interrupted' && error.headers?.['Retry-After'];
  if (cutByShutdown || error.headers?.['x-should-retry'] === 'false') return error;
  return new OpenAiError(error.code, error.message, error.openai, {
    headers: withoutRetry(error.headers),
    cause: error.cause,
  });
}

/** A reply MAX_GENERATION_SECONDS ended (upstream-errors.ts), not one the provider left stalled. */
const outOfTime = (app: AppError) =>
  app.code === 'UPSTREAM_TIMEOUT' &&
  (app.cause as { name?: unknown } | undefined)?.name === 'UpstreamTimeLimitError';

/** Headers that tell OpenAI's SDKs not to send the request again. */
export const withoutRetry = (headers: Record<string, string> = {}) => ({
  ...headers,
  'x-should-retry': 'false',
});

export function openAiErrorBody(error: OpenAiError) {
  return {
    error: {
      message: error.message,
      type: error.openai.type,
      param: error.openai.param,
      code: error.openai.code,
    },
  };
}

const notFound: RequestHandler = (req, _res, next) =>
  next(
    new OpenAiError('NOT_FOUND', `Unknown request URL: ${req.method} ${pathOf(req.originalUrl)}`, {
      code: 'unknown_url',
    }),
  );

/** Errors on /v1 in OpenAI's shape (its SDKs read them), with the same logging as the rest. */
export const openAiErrorHandler: ErrorRequestHandler = (err, req, res, next) => {
  // Nobody to answer (a repeat whose client left while it waited): as on every other route.
  if (err instanceof ClientGoneError) return errorHandler(err, req, res, next);
  const error = toOpenAiError(err);
  reportError(req, err, error);
  if (res.headersSent) {
    res.end();
    return;
  }
  if (error.headers) res.set(error.headers);
  // The API's own code in the log line, as on every other route (its body has OpenAI's).
  res.locals.errorCode = error.code;
  // A completion stopped through its chat, its account disabled or cut by a shutdown: what its
  // user, an administrator or a deploy asked for, as a chat reply stopped the same way (which
  // answers 201) is. One cut because its instance stalled is no fault of the request either (the
  // reply is counted as interrupted, as a chat reply cut so is). No error line for them.
  if (error.openai.code === 'generation_interrupted') answeredOnPurpose(res);
  res.status(error.status).json(openAiErrorBody(error));
};

/** Mounted on /v1 after its routes: unknown paths and every error of the surface. */
export const openAiFallbacks = (): [RequestHandler, ErrorRequestHandler] => [
  notFound,
  openAiErrorHandler,
];
