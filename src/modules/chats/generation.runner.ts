import { config } from '../../lib/config.js';
import type { AppError } from '../../lib/errors.js';
import { releaseLeaseSurely, renewLease } from '../../lib/generations/leases.js';
import {
  GenerationAbort,
  registerGeneration,
  unregisterGeneration,
} from '../../lib/generations/registry.js';
import { logger } from '../../lib/logger.js';
import { observeCompletion, observeReply } from '../../lib/metrics.js';
import { streamCompletion, upstreamError } from '../../lib/llm/index.js';
import type { Exchange } from './exchange.service.js';
import { storeReply } from './exchange.service.js';
import type { MessageDoc } from './message.model.js';
import { recordUsage } from '../usage/index.js';

export interface GenerationResult {
  /** The assistant message as stored (or as it would have been, when storing failed). */
  message: MessageDoc;
  /** Set when the reply failed or could not be stored; the stream ends with an `error` event. */
  error: AppError | null;
}

/**
 * Calls the model and relays each content chunk to `onDelta` as it arrives; nothing touches the
 * database per chunk. The reply is stored once at the end: `complete`, `incomplete` (client gone,
 * stop, shutdown) or `error`. The generation slot is released whatever happens.
 */
export async function runGeneration(
  exchange: Exchange,
  options: {
    clientGone: AbortSignal;
    onDelta: (content: string, interrupt: AbortSignal) => Promise<void> | void;
  },
): Promise<GenerationResult> {
  const c = config();
  const { lease } = exchange;
  const controller = new AbortController();
  const onClientGone = () => controller.abort(new GenerationAbort('client'));
  if (options.clientGone.aborted) onClientGone();
  else options.clientGone.addEventListener('abort', onClientGone, { once: true });
  registerGeneration(lease.token, controller);
  // A crashed instance stops renewing, so its leases lapse and free the user's slots.
  const renewal = setInterval(
    () => {
      renewLease(lease).catch((err: unknown) => logger.warn({ err }, 'lease renewal failed'));
    },
    (c.GENERATION_LEASE_SECONDS * 1000) / 3,
  );
  renewal.unref();

  const started = performance.now();
  let ttftMs: number | null = null;
  let content = '';
  let finishReason: string | null = null;
  let usage: MessageDoc['usage'] = null;
  let failure: AppError | null = null;
  try {
    // Metrics hook: times the stream (TTFT, chunk gaps) and counts upstream failures.
    const stream = observeCompletion(
      streamCompletion({
        model: exchange.model,
        messages: exchange.turns,
        signal: controller.signal,
        ...(c.MAX_TOKENS > 0 ? { maxTokens: c.MAX_TOKENS } : {}),
      }),
      exchange.model,
      controller.signal,
    );
    for await (const event of stream) {
      if (event.type === 'delta') {
        ttftMs ??= Math.round(performance.now() - started);
        content += event.content;
        await options.onDelta(event.content, controller.signal);
      } else if (event.type === 'finish') finishReason = event.finishReason;
      else usage = event.usage;
      if (controller.signal.aborted) break;
    }
  } catch (error) {
    if (!(controller.signal.reason instanceof GenerationAbort)) {
      failure = upstreamError(error);
      logger.warn(
        { err: failure.cause ?? error, code: failure.code, chatId: lease.chatId },
        'model reply failed',
      );
    }
  } finally {
    options.clientGone.removeEventListener('abort', onClientGone);
    clearInterval(renewal);
    unregisterGeneration(lease.token);
  }

  const aborted = controller.signal.reason instanceof GenerationAbort;
  const message: MessageDoc = {
    ...exchange.assistant,
    content,
    status: failure ? 'error' : aborted ? 'incomplete' : 'complete',
    finishReason: failure || aborted ? null : finishReason,
    usage,
    error: failure ? { code: failure.code, message: failure.message } : null,
    ttftMs,
    durationMs: Math.round(performance.now() - started),
  };
  observeReply(exchange.model, {
    status: message.status,
    abortedBy: aborted ? (controller.signal.reason as GenerationAbort).kind : undefined,
    errorCode: failure?.code,
  });
  // Usage hook: the call's tokens are in the ledger before its slot is released (budget bound).
  await recordUsage({
    id: message._id,
    userId: message.userId,
    chatId: message.chatId,
    model: exchange.model,
    prompt: exchange.turns,
    completion: content,
    usage,
    failed: failure !== null,
  });
  try {
    const storeError = await storeReply(message);
    // An answer that was not stored must not look finished to the client.
    if (storeError && !failure) {
      return {
        message: {
          ...message,
          status: 'error',
          finishReason: null,
          error: { code: storeError.code, message: storeError.message },
        },
        error: storeError,
      };
    }
    return { message, error: failure ?? storeError };
  } finally {
    await releaseLeaseSurely(lease);
  }
}
