import { setImmediate as nextLoopTurn } from 'node:timers/promises';
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
  /**
   * Resolves once the request is in the provider's connection pool, or the call failed before
   * that (or needs no connection: the demo model).
   */
  readonly handedOver: Promise<unknown>;
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
  let sent!: () => void;
  const dispatched = new Promise<void>((resolve) => (sent = resolve));
  const reply = streamCompletion({ ...request, onSent: sent });
  return {
    controller,
    startedAt,
    reply,
    timing,
    handedOver: Promise.race([dispatched, reply.answered]),
  };
}

/**
 * Resolves once the call is on its connection, so that work begun after this runs its CPU
 * (documents, serialising, the driver) while the provider answers, not before the request leaves.
 * The SDK calls `fetch` a few microtasks after `startCompletion`; the pool (upstream-fetch.ts)
 * then writes the request on a kept-alive connection from an immediate of its own (it first lets
 * the idle socket report a close the provider sent). An immediate queued once the request is
 * handed over runs right after that one, in the same turn of the event loop. Waiting for a whole
 * turn more instead cost every exchange under load what the turn's other work took (5–20 ms at
 * 200 streams: bench/README.md, "Figure 2: the exchange's last writes"), on the way to its first
 * token. On a new connection the request is written once connected, later still; the writes do
 * not wait for that.
 */
export async function afterRequestLeaves(completion: StartedCompletion): Promise<void> {
  await completion.handedOver;
  await nextLoopTurn();
}

/** Drops a call whose exchange could not be stored: nothing of it is read. */
export function abandonCompletion(completion: StartedCompletion | undefined): void {
  if (!completion) return;
  completion.controller.abort(new Error('the exchange was not stored'));
  completion.reply.close();
}
