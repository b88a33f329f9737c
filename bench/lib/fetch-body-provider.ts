/**
 * An intermediate design, kept only for bench/stream-read.ts: the SDK's request and Response
 * (undici fetch), with the web-stream body read by us (reader + eventsource-parser). Same client.
 */
import { createParser } from 'eventsource-parser';
import type OpenAI from 'openai';
import type { Config } from '../../src/lib/config.js';
import { MAX_EVENT_CHARS, assertEventStream, parseChunk } from '../../src/lib/llm/stream-body.js';
import { UpstreamIdleError, UpstreamProtocolError } from '../../src/lib/llm/upstream-errors.js';
import type { CompletionRequest, CompletionStream } from '../../src/lib/llm/types.js';

export async function* fetchBodyCompletion(
  client: OpenAI,
  request: CompletionRequest,
  c: Config,
): CompletionStream {
  const response = await client.chat.completions
    .create(
      {
        model: request.model,
        messages: (request.passthrough?.messages ?? request.messages) as typeof request.messages,
        ...(request.maxTokens ? { max_tokens: request.maxTokens } : {}),
        ...request.passthrough?.params,
        stream: true,
        stream_options: { include_usage: true },
      },
      // The SDK keeps this listener for the whole response: an abort also cancels the body.
      { signal: request.signal },
    )
    .asResponse();
  const body = response.body;
  if (!body) throw new UpstreamProtocolError('the provider sent no body');
  try {
    assertEventStream(response);
  } catch (error) {
    void body.cancel().catch(() => undefined);
    throw error;
  }
  const reader = (body as ReadableStream<Uint8Array>).getReader();
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

  // One timer for the whole reply, restarted per chunk (refresh() costs far less than a new timer).
  // It only re-arms itself, without judging the model, while the consumer holds a chunk (a slow
  // client applying backpressure) and when it fires more than half a window late: then this
  // process was stalled (CPU starvation, a long GC pause) and did not see the model's silence.
  // Otherwise the decision waits for the poll phase, so a chunk that arrived while the process was
  // stalled is read before the reply is declared stalled.
  let idled = false;
  let ended = false;
  let finished = false;
  let armedAt = performance.now();
  let consumerHolds = false;
  let chunksSeen = 0;
  const rearm = () => {
    armedAt = performance.now();
    timer.refresh();
  };
  const onIdle = () => {
    const late = performance.now() - armedAt - c.UPSTREAM_IDLE_TIMEOUT_MS;
    if (consumerHolds || late > c.UPSTREAM_IDLE_TIMEOUT_MS / 2) return rearm();
    const seen = chunksSeen;
    setImmediate(() => {
      if (chunksSeen !== seen || consumerHolds || finished) return;
      idled = true;
      // Ends the pending read (done) and drops the upstream connection.
      void reader.cancel().catch(() => undefined);
    });
  };
  const timer = setTimeout(onIdle, c.UPSTREAM_IDLE_TIMEOUT_MS);
  let sawEvent = false;
  let sawDone = false;
  try {
    for (;;) {
      const read = await reader.read();
      if (idled) throw new UpstreamIdleError();
      if (read.done) {
        ended = true;
        break;
      }
      parser.feed(decoder.decode(read.value, { stream: true }));
      if (tooLong) throw new UpstreamProtocolError('an event of the reply never ended');
      if (events.length === 0) continue;
      chunksSeen += 1;
      consumerHolds = true;
      for (let i = 0; i < events.length; i += 1) {
        const data = events[i]!;
        sawEvent = true;
        // Anything after [DONE] is ignored, as the SDK does; the body is still read to its end so
        // the connection goes back to the pool.
        if (sawDone || data.startsWith('[DONE]')) {
          sawDone = true;
          continue;
        }
        const chunk = parseChunk(data, response.headers);
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
      rearm();
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
    // The consumer stopped early or the reply failed: release the body (and its connection).
    if (!ended) void reader.cancel().catch(() => undefined);
  }
}
