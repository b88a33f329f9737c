import OpenAI from 'openai';
import { Agent, fetch as undiciFetch } from 'undici';
import type { Config } from '../config.js';
import { UpstreamIdleError } from './upstream-errors.js';
import type { CompletionRequest, CompletionStream } from './types.js';

interface CachedClient {
  key: string;
  client: OpenAI;
  agent: Agent;
}

let cached: CachedClient | undefined;

/**
 * One SDK client per configuration, over a keep-alive connection pool: a fresh TLS/TCP handshake
 * per reply would add tens of milliseconds to every time-to-first-token.
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
  const agent = new Agent({
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 120_000,
    connections: c.UPSTREAM_MAX_SOCKETS,
  });
  const fetchWithPool = ((url: string, init?: Record<string, unknown>) =>
    undiciFetch(url, { ...init, dispatcher: agent })) as unknown as typeof fetch;
  const client = new OpenAI({
    apiKey: c.OPENAI_API_KEY ?? 'not-set',
    baseURL: c.OPENAI_BASE_URL,
    timeout: c.UPSTREAM_TIMEOUT_MS,
    maxRetries: c.UPSTREAM_MAX_RETRIES,
    fetch: fetchWithPool,
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
 * Streams a chat completion. `UPSTREAM_TIMEOUT_MS` bounds the wait for the response headers (the
 * SDK's timeout); after that an idle timer aborts an upstream that stops sending. The timer is
 * paused while the consumer holds a chunk, so a slow client is not mistaken for a stalled model.
 */
export async function* openAiCompletion(request: CompletionRequest, c: Config): CompletionStream {
  const idle = new AbortController();
  const signal = AbortSignal.any([request.signal, idle.signal]);
  // One timer for the whole reply, restarted per chunk (refresh() costs far less than a new timer).
  // It only re-arms itself, without judging the model, while the consumer holds a chunk (a slow
  // client applying backpressure) and when it fires more than half a window late: then this
  // process was stalled (CPU starvation, a long GC pause) and did not see the model's silence.
  // Otherwise the decision waits for the poll phase, so a chunk that arrived while the process was
  // stalled is read before the reply is declared stalled.
  let timer: NodeJS.Timeout | undefined;
  let armedAt = 0;
  let consumerHolds = false;
  let chunksSeen = 0;
  const rearm = () => {
    armedAt = performance.now();
    timer?.refresh();
  };
  const onIdle = () => {
    const late = performance.now() - armedAt - c.UPSTREAM_IDLE_TIMEOUT_MS;
    if (consumerHolds || late > c.UPSTREAM_IDLE_TIMEOUT_MS / 2) return rearm();
    const seen = chunksSeen;
    setImmediate(() => {
      if (chunksSeen === seen && !consumerHolds) idle.abort(new UpstreamIdleError());
    });
  };
  try {
    const stream = await clientFor(c).chat.completions.create(
      {
        model: request.model,
        messages: (request.passthrough?.messages ?? request.messages) as typeof request.messages,
        ...(request.maxTokens ? { max_tokens: request.maxTokens } : {}),
        ...request.passthrough?.params,
        stream: true,
        stream_options: { include_usage: true },
      },
      { signal },
    );
    timer = setTimeout(onIdle, c.UPSTREAM_IDLE_TIMEOUT_MS);
    armedAt = performance.now();
    for await (const chunk of stream) {
      chunksSeen += 1;
      consumerHolds = true;
      // Some compatible servers send `choices: null` on the usage chunk, or omit usage entirely.
      const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
      const content = choice?.delta?.content;
      if (typeof content === 'string' && content.length > 0) yield { type: 'delta', content };
      const toolCalls = choice?.delta?.tool_calls;
      if (Array.isArray(toolCalls) && toolCalls.length > 0) yield { type: 'toolCalls', toolCalls };
      if (choice?.finish_reason) yield { type: 'finish', finishReason: choice.finish_reason };
      const usage = chunk.usage;
      if (usage && typeof usage.prompt_tokens === 'number') {
        yield {
          type: 'usage',
          usage: {
            promptTokens: usage.prompt_tokens,
            completionTokens: usage.completion_tokens ?? 0,
            totalTokens: usage.total_tokens ?? usage.prompt_tokens + (usage.completion_tokens ?? 0),
          },
        };
      }
      consumerHolds = false;
      rearm();
    }
    // The SDK ends the iteration quietly when its signal aborts, so a stall must be surfaced here.
    if (idle.signal.aborted && !request.signal.aborted) throw new UpstreamIdleError();
  } catch (error) {
    if (idle.signal.aborted && !request.signal.aborted) throw new UpstreamIdleError();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
