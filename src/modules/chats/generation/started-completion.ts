import { config } from '../../../lib/config.js';
import { streamCompletion, type ChatTurn, type CompletionStream } from '../../../lib/llm/index.js';
import type { CompletionRequest } from '../../../lib/llm/types.js';
import { CompletionTiming } from '../../../lib/metrics.js';

/**
 * A model call under way, whose events are read later. A plain send starts it as soon as its
 * limits have let it through and its history is known, and stores its messages meanwhile: the
 * model's time to first token and those writes overlap instead of adding up. Nothing of the call
 * is read, relayed or stored before the messages are (runGeneration reads it after beginExchange
 * returned: its events wait in the connection meanwhile); when storing fails, the call is abandoned
 * (its controller aborted: the connection is dropped, usually before the first byte) and the
 * request fails as it did before.
 */
export interface StartedCompletion {
  /** The reply's one abort controller: the reply stream adopts it (openReply). */
  readonly controller: AbortController;
  /** When the request went out (performance.now()): the reply's TTFT and duration count from here. */
  readonly startedAt: number;
  /** The call, sent: its reply is read once (runGeneration). */
  readonly reply: CompletionStream;
  /** The call's metrics (TTFT, chunk gaps, failures), fed by its reader. */
  readonly timing: CompletionTiming;
}

/** What an exchange asks the model (its fields of the same names). */
interface ModelCall {
  model: string;
  turns: ChatTurn[];
  passthrough?: CompletionRequest['passthrough'];
}

/** Sends the exchange's request now; its reply is read later. */
export function startCompletion(
  exchange: ModelCall,
  controller = new AbortController(),
): StartedCompletion {
  const startedAt = performance.now();
  const maxTokens = config().MAX_TOKENS;
  const request: CompletionRequest = {
    model: exchange.model,
    messages: exchange.turns,
    signal: controller.signal,
    ...(maxTokens > 0 ? { maxTokens } : {}),
    ...(exchange.passthrough ? { passthrough: exchange.passthrough } : {}),
  };
  const timing = new CompletionTiming(exchange.model);
  return { controller, startedAt, reply: streamCompletion(request), timing };
}

/** Drops a call whose exchange could not be stored: nothing of it is read. */
export function abandonCompletion(completion: StartedCompletion | undefined): void {
  if (!completion) return;
  completion.controller.abort(new Error('the exchange was not stored'));
  completion.reply.close();
}
