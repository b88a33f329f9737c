import { config } from '../config.js';
import { DEMO_MODEL, demoCompletion } from './demo.provider.js';
import { OpenAiCompletion } from './openai.provider.js';
import type { CompletionRequest, CompletionStream } from './types.js';

export type {
  ChatTurn,
  CompletionEvent,
  CompletionHandler,
  CompletionStream,
  ReasoningField,
  ToolCallDelta,
  Usage,
} from './types.js';
export { answerSoFar, fitToBudget } from './history.js';
export { describeUpstreamFailure, upstreamError } from './upstream-errors.js';
export { closeOpenAiPool } from './openai.provider.js';
export { DEMO_MODEL };

/**
 * Calls the model named in the request (the built-in demo, or the OpenAI-compatible upstream) and
 * hands back its reply, to read.
 */
export function streamCompletion(request: CompletionRequest): CompletionStream {
  const c = config();
  return request.model === DEMO_MODEL
    ? demoCompletion(request, c.DEMO_CHUNK_DELAY_MS)
    : new OpenAiCompletion(request, c);
}
