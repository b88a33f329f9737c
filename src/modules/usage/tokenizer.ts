import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { ChatTurn } from '../../lib/llm/index.js';

type Encoding = typeof import('gpt-tokenizer/encoding/o200k_base');

/**
 * gpt-tokenizer with the o200k_base encoding (GPT-4o, GPT-4.1, o-series). Loaded on first use:
 * it takes about 70 MB and 140 ms, and is only needed when a provider sends no usage (some
 * compatible servers never do; no provider does for a reply cut off by a stop or a disconnect).
 */
let encoding: Promise<Encoding> | undefined;
const load = () => (encoding ??= import('gpt-tokenizer/encoding/o200k_base'));

/** OpenAI's chat framing: about 3 tokens per message, and 3 more that prime the reply. */
const TOKENS_PER_MESSAGE = 3;
const REPLY_PRIMING = 3;

export interface CountedTokens {
  promptTokens: number;
  completionTokens: number;
}

/**
 * Counts what a call sent and received. Each message is counted in its own event-loop turn, so
 * a long history does not hold up the streams of other users for more than one message's worth.
 */
export async function countTokens(prompt: ChatTurn[], completion: string): Promise<CountedTokens> {
  const { countTokens: count } = await load();
  let promptTokens = REPLY_PRIMING;
  for (const turn of prompt) {
    promptTokens += TOKENS_PER_MESSAGE + count(turn.content);
    await yieldToLoop();
  }
  return { promptTokens, completionTokens: completion ? count(completion) : 0 };
}
