import type { Readable } from 'node:stream';
import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { UpstreamProtocolError } from './upstream-errors.js';

/** Above this many characters buffered without an event's end, the body is not an event stream. */
export const MAX_EVENT_CHARS = 8 * 1024 * 1024;

/**
 * Refuses a 200 whose body is plainly not an event stream (a JSON answer, an HTML page from a
 * proxy or captive portal) before reading it. A missing or unusual type is given the benefit of the
 * doubt: some compatible servers label their stream `text/plain`; a body without a single event
 * is caught when it ends.
 */
export function assertEventStream(response: Response): void {
  const type = typeOf(response);
  if (!type) return;
  if (isJson(type) || type === 'text/html') {
    throw new UpstreamProtocolError(`the provider answered ${type} instead of an event stream`);
  }
}

const typeOf = (response: Response) =>
  response.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
const isJson = (type: string | undefined) =>
  type === 'application/json' || type?.endsWith('+json') === true;

/** Above this a JSON answer is no error object: a provider's errors take a few hundred bytes. */
const MAX_ERROR_BYTES = 64 * 1024;

/**
 * The provider's error, when a 200 carries it as a JSON `{ "error": … }` body (some gateways
 * answer a failed call so): the SDK's APIError, as a stream's error chunk is reported (parseChunk),
 * so its type and code are logged and the user is told the provider failed, not that its reply
 * could not be read. Null for any other answer, a body larger than an error, or one that does not
 * end within `waitMs`. The body is dropped either way.
 */
export async function errorAnswer(
  response: Response,
  body: Readable,
  waitMs: number,
): Promise<InstanceType<typeof OpenAI.APIError> | null> {
  // Nobody else reads it: the abort it reports as it closes must not become an uncaught error.
  body.on('error', () => undefined);
  if (!isJson(typeOf(response))) {
    body.destroy();
    return null;
  }
  // Only on this failure path: a body that never ends is not waited for.
  const timer = setTimeout(() => body.destroy(), waitMs).unref();
  const pieces: Buffer[] = [];
  let size = 0;
  try {
    for await (const piece of body as AsyncIterable<Buffer>) {
      size += piece.length;
      if (size > MAX_ERROR_BYTES) return null;
      pieces.push(piece);
    }
    const value: unknown = JSON.parse(Buffer.concat(pieces).toString('utf8'));
    const error = isObject(value) ? value.error : undefined;
    return error ? providerError(error, response.headers.get('x-request-id')) : null;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
    body.destroy();
  }
}

/**
 * One event's data as a chunk. A provider's mid-stream `{ error }` becomes the SDK's APIError, as
 * the SDK itself reports it (its code and type, the response's request id); the provider's text
 * stays in the error object, which only describeUpstreamFailure reads. Of the response head only
 * the request id is passed in: a reply does not keep the whole head for its length.
 */
export function parseChunk(data: string, requestId: string | null): ChatCompletionChunk {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    // Not the SyntaxError: its message quotes the provider's text, which must not reach the log.
    throw new UpstreamProtocolError('a chunk of the reply is not JSON');
  }
  if (typeof value !== 'object' || value === null) {
    throw new UpstreamProtocolError('a chunk of the reply is not a JSON object');
  }
  const error = (value as { error?: unknown }).error;
  if (error) throw providerError(error, requestId);
  return value as ChatCompletionChunk;
}

/**
 * An error the provider sent in its stream otherwise than as a `data: {"error": …}` chunk: an
 * event named `error` (its data the error object, wrapped in `error` or bare), or a line whose
 * field is `error:` instead of `data:` (llama.cpp's server). Read as data, the first looks like a
 * chunk without choices and the second is no field at all: either way the reply would end as if
 * complete, cut where the provider failed. Not JSON, it is still an error, without details.
 */
export function streamError(
  data: string,
  requestId: string | null,
): InstanceType<typeof OpenAI.APIError> {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    value = undefined;
  }
  const inner = isObject(value) ? value.error : undefined;
  return providerError(isObject(inner) ? inner : isObject(value) ? value : undefined, requestId);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** The SDK's APIError for an error the provider sent mid-stream, as the SDK itself reports it. */
function providerError(error: unknown, requestId: string | null) {
  const headers = new Headers(requestId === null ? undefined : { 'x-request-id': requestId });
  return new OpenAI.APIError(undefined, error as object | undefined, undefined, headers);
}
