/**
 * The provider's reading of a streamed reply as it was before it read the body itself: the
 * openai SDK's own stream (web stream → line decoder → two iterators) under an AbortSignal.any.
 * Kept only so bench/stream-read.ts can measure both in the same run; same client, same pool.
 */
import type OpenAI from 'openai';
import type { Config } from '../../src/lib/config.js';
import { UpstreamIdleError } from '../../src/lib/llm/upstream-errors.js';
import type { CompletionEvent, CompletionRequest } from '../../src/lib/llm/types.js';

/** The former `openAiCompletion`, unchanged but for taking the SDK client as a parameter. */
export async function* sdkStreamCompletion(
  client: OpenAI,
  request: CompletionRequest,
  c: Config,
): AsyncGenerator<CompletionEvent, void, undefined> {
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
    const stream = await client.chat.completions.create(
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
