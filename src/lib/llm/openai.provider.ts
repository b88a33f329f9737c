import type { Readable } from 'node:stream';
import { createParser } from 'eventsource-parser';
import OpenAI from 'openai';
import type { Agent } from 'undici';
import type { Config } from '../config.js';
import { BodyReads } from './body-reads.js';
import { MAX_EVENT_CHARS, assertEventStream, parseChunk } from './stream-body.js';
import { UpstreamIdleError, UpstreamProtocolError } from './upstream-errors.js';
import { takeBody, upstreamPool } from './upstream-fetch.js';
import type { CompletionRequest, CompletionStream } from './types.js';

interface CachedClient {
  key: string;
  client: OpenAI;
  agent: Agent;
}

let cached: CachedClient | undefined;

/**
 * One SDK client per configuration, over a keep-alive connection pool: a fresh TLS/TCP handshake
 * per reply would add tens of milliseconds to every time-to-first-token. Its `fetch` leaves a
 * successful answer's body to `takeBody`: the client serves `openAiCompletion` only.
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
      { signal: request.signal },
    )
    .asResponse();
  const body = takeBody(response);
  if (!body) throw new UpstreamProtocolError('the provider sent no body');
  try {
    assertEventStream(response);
  } catch (error) {
    // Nobody reads it: the abort it reports as it closes must not become an uncaught error.
    body.on('error', () => undefined).destroy();
    throw error;
  }
  return { body, requestId: response.headers.get('x-request-id') };
}

/**
 * Streams a chat completion. The SDK builds, authenticates and sends the request, retries before
 * the first byte and turns an error status into its APIError; the body is then read here, as the
 * Node stream undici gives (see upstream-fetch.ts): one await per network read, the event-stream
 * lines split synchronously (eventsource-parser) and each chunk mapped straight to our events —
 * no web stream, SDK line decoder or extra iterators per chunk, and no combined abort signal per
 * reply (a stall destroys the body instead).
 *
 * `UPSTREAM_TIMEOUT_MS` bounds the wait for the response headers (the SDK's timeout); after that an
 * idle timer ends an upstream that stops sending. The timer is paused while the consumer holds a
 * chunk, so a slow client is not mistaken for a stalled model. An abort from our side (stop, client
 * gone, title timeout) reaches the body through the SDK's listener on the signal, and ends the
 * reply quietly once streaming, as the SDK's stream did.
 */
export async function* openAiCompletion(request: CompletionRequest, c: Config): CompletionStream {
  const { body, requestId } = await openEventStream(request, c);
  const decoder = new TextDecoder();
  // Data of the events completed by the current read; filled by the parser's callback.
  const events: string[] = [];
  let tooLong = false;
  const parser = createParser({
    maxBufferSize: MAX_EVENT_CHARS,
    onEvent: (event) => events.push(event.data),
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') tooLong = true;
    },
  });

  // One timer at a time for the whole reply, not restarted per chunk: a chunk only notes when it
  // was taken, and the timer, when it fires, waits out the rest of the window since then. It only
  // re-arms itself, without judging the model, while the consumer holds a chunk (a slow client
  // applying backpressure) and when it fires more than half a window late: then this process was
  // stalled (CPU starvation, a long GC pause) and did not see the model's silence. Otherwise the
  // decision waits for the poll phase, so a chunk that arrived while the process was stalled is
  // read before the reply is declared stalled.
  const window = c.UPSTREAM_IDLE_TIMEOUT_MS;
  let idled = false;
  let finished = false;
  let lastTakenAt = performance.now();
  let dueAt = lastTakenAt + window;
  let consumerHolds = false;
  let chunksSeen = 0;
  const armFor = (ms: number) => {
    dueAt = performance.now() + ms;
    timer = setTimeout(onIdle, ms);
  };
  const onIdle = () => {
    const now = performance.now();
    if (consumerHolds || now - dueAt > window / 2) {
      lastTakenAt = now;
      return armFor(window);
    }
    const quietFor = now - lastTakenAt;
    if (quietFor < window) return armFor(window - quietFor);
    const seen = chunksSeen;
    setImmediate(() => {
      if (chunksSeen !== seen || consumerHolds || finished) return;
      idled = true;
      // Fails the pending read and drops the upstream connection.
      body.destroy(new UpstreamIdleError());
    });
  };
  let timer = setTimeout(onIdle, window);
  const reads = new BodyReads(body);
  let sawEvent = false;
  let sawDone = false;
  try {
    // Leaving this loop early (the consumer stops, an error) destroys the body and its connection
    // (below); read to its end, the connection goes back to the pool.
    for (;;) {
      const next = reads.read();
      const bytes = next instanceof Promise ? await next : next;
      if (bytes === null) break;
      parser.feed(decoder.decode(bytes, { stream: true }));
      if (tooLong) throw new UpstreamProtocolError('an event of the reply never ended');
      if (events.length === 0) continue;
      chunksSeen += 1;
      consumerHolds = true;
      for (let i = 0; i < events.length; i += 1) {
        const data = events[i]!;
        sawEvent = true;
        // Anything after [DONE] is ignored, as the SDK does; the body is still read to its end.
        if (sawDone || data.startsWith('[DONE]')) {
          sawDone = true;
          continue;
        }
        const chunk = parseChunk(data, requestId);
        // Some compatible servers send `choices: null` on the usage chunk, or omit usage entirely.
        const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
        const content = choice?.delta?.content;
        if (typeof content === 'string' && content.length > 0) yield { type: 'delta', content };
        const toolCalls = choice?.delta?.tool_calls;
        if (Array.isArray(toolCalls) && toolCalls.length > 0) {
          yield { type: 'toolCalls', toolCalls };
        }
        if (choice?.finish_reason) yield { type: 'finish', finishReason: choice.finish_reason };
        const usage = chunk.usage;
        if (usage && typeof usage.prompt_tokens === 'number') {
          yield {
            type: 'usage',
            usage: {
              promptTokens: usage.prompt_tokens,
              completionTokens: usage.completion_tokens ?? 0,
              totalTokens:
                usage.total_tokens ?? usage.prompt_tokens + (usage.completion_tokens ?? 0),
            },
          };
        }
      }
      events.length = 0;
      consumerHolds = false;
      lastTakenAt = performance.now();
    }
    finished = true;
    // A body that ended without one event was not an event stream (an unlabelled JSON or page).
    if (!sawEvent) throw new UpstreamProtocolError('the reply held no events');
  } catch (error) {
    if (idled) throw new UpstreamIdleError();
    if (request.signal.aborted) return;
    throw error;
  } finally {
    finished = true;
    clearTimeout(timer);
    if (!reads.done) body.destroy();
  }
}
