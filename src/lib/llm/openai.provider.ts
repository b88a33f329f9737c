import type { Readable } from 'node:stream';
import OpenAI from 'openai';
import type { Agent } from 'undici';
import type { Config } from '../config.js';
import { EventStreamReader } from './event-stream-reader.js';
import { assertEventStream, errorAnswer } from './stream-body.js';
import { UpstreamProtocolError } from './upstream-errors.js';
import { takeBody, tellWhenDispatched, upstreamPool } from './upstream-fetch.js';
import type { CompletionHandler, CompletionRequest, CompletionStream } from './types.js';

interface CachedClient {
  key: string;
  client: OpenAI;
  agent: Agent;
}

let cached: CachedClient | undefined;

/**
 * One SDK client per configuration, over a keep-alive connection pool: a fresh TLS/TCP handshake
 * per reply would add tens of milliseconds to every time-to-first-token. Its `fetch` leaves a
 * successful answer's body to `takeBody`: the client serves `OpenAiCompletion` only.
 */
function clientFor(c: Config): OpenAI {
  const key = [
    c.OPENAI_BASE_URL,
    c.OPENAI_API_KEY,
    c.UPSTREAM_TIMEOUT_MS,
    c.UPSTREAM_MAX_RETRIES,
    c.UPSTREAM_MAX_SOCKETS,
  ].join('|');
  if (cached?.key === key) return cached.client;
  void cached?.agent.close().catch(() => undefined);
  const { agent, fetch } = upstreamPool({ connections: c.UPSTREAM_MAX_SOCKETS });
  const client = new OpenAI({
    apiKey: c.OPENAI_API_KEY ?? 'not-set',
    baseURL: c.OPENAI_BASE_URL,
    timeout: c.UPSTREAM_TIMEOUT_MS,
    maxRetries: c.UPSTREAM_MAX_RETRIES,
    fetch,
  });
  cached = { key, client, agent };
  return client;
}

/** Closes the pooled upstream connections (shutdown). */
export async function closeOpenAiPool(): Promise<void> {
  const current = cached;
  cached = undefined;
  await current?.agent.close().catch(() => undefined);
}

/**
 * Sends the request through the SDK and hands back the answer's body with the one fact of its head
 * a reply still needs (the provider's request id, for a mid-stream error). Apart, so the Response
 * and its headers are not kept in the reading generator's frame for the length of the reply.
 */
async function openEventStream(
  request: CompletionRequest,
  c: Config,
): Promise<{ body: Readable; requestId: string | null }> {
  const response = await clientFor(c)
    .chat.completions.create(
      {
        model: request.model,
        messages: (request.passthrough?.messages ?? request.messages) as typeof request.messages,
        ...(request.maxTokens ? { max_tokens: request.maxTokens } : {}),
        ...request.passthrough?.params,
        stream: true,
        stream_options: { include_usage: true },
      },
      {
        signal: request.signal,
        ...(request.onSent ? { fetchOptions: tellWhenDispatched(request.onSent) } : {}),
      },
    )
    .asResponse();
  const body = takeBody(response);
  if (!body) throw new UpstreamProtocolError('the provider sent no body');
  try {
    assertEventStream(response);
  } catch (error) {
    throw (await errorAnswer(response, body, c.UPSTREAM_IDLE_TIMEOUT_MS)) ?? error;
  }
  return { body, requestId: response.headers.get('x-request-id') };
}

/**
 * A chat completion, streamed. The SDK builds, authenticates and sends the request (at once, so
 * the call can be made before its events are read), retries before the first byte and turns an
 * error status into its APIError; the body is then read by an EventStreamReader, as the Node
 * stream undici gives (see upstream-fetch.ts): no web stream, SDK line decoder or iterators per
 * chunk, and no combined abort signal per reply (a stall destroys the body instead).
 *
 * `UPSTREAM_TIMEOUT_MS` bounds the wait for the response headers (the SDK's timeout); after that
 * the reader's idle timer (`UPSTREAM_IDLE_TIMEOUT_MS`) ends an upstream that stops sending, and
 * `MAX_GENERATION_SECONDS` one that never ends.
 */
export class OpenAiCompletion implements CompletionStream {
  /** Its reader, from the response head on (it keeps what comes before `read`). */
  private readonly opening: Promise<EventStreamReader>;
  readonly answered: Promise<boolean>;
  private closed = false;

  constructor(request: CompletionRequest, c: Config) {
    // The call's time counts from now: the wait for the head and its retries are part of it.
    const endsAt = performance.now() + c.MAX_GENERATION_SECONDS * 1000;
    this.opening = openEventStream(request, c).then(
      ({ body, requestId }) =>
        new EventStreamReader(body, requestId, request.signal, c.UPSTREAM_IDLE_TIMEOUT_MS, endsAt),
    );
    // Read, or closed, later: a failure meanwhile is not an unhandled rejection.
    this.answered = this.opening.then(
      () => true,
      () => false,
    );
  }

  async read(handle: CompletionHandler): Promise<void> {
    const reader = await this.opening;
    if (this.closed) return;
    reader.start(handle);
    return reader.done;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    void this.opening.then((reader) => reader.close(), noop);
  }
}

const noop = () => undefined;
