import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { ChatTurn } from '../../lib/llm/index.js';

type Encoding = typeof import('gpt-tokenizer/encoding/o200k_base');

/**
 * gpt-tokenizer with the o200k_base encoding (GPT-4o, GPT-4.1, o-series): about 70 MB. Needed
 * when a provider sends no usage (some compatible servers never do; no provider does for a reply
 * cut off by a stop or a disconnect), which sooner or later happens on every server.
 */
let encoding: Promise<Encoding> | undefined;
const load = () => (encoding ??= import('gpt-tokenizer/encoding/o200k_base'));

/**
 * Loads the tokenizer now. Its loading runs on the event loop (about 140 ms, longer on a busy
 * machine); the server does it before it listens, so no stream stalls when the first estimate
 * is needed under load.
 */
export async function preloadTokenizer(): Promise<void> {
  await load();
}

/** OpenAI's chat framing: about 3 tokens per message, and 3 more that prime the reply. */
const TOKENS_PER_MESSAGE = 3;
const REPLY_PRIMING = 3;

/** Characters counted per event-loop turn (about a millisecond of work). */
const PIECE_CHARS = 4096;
/**
 * BPE work grows with the square of a word's length (16,000 letters without a space take 0.3 s,
 * a few megabytes would take hours), so longer runs without whitespace are counted in slices of
 * this size. Real text rarely has such runs; a cut costs at most a token or so.
 */
const RUN_CHARS = 64;
/** Past this many characters a text's count is extrapolated from the part counted. */
const EXACT_CHARS = 256 * 1024;

/** Slices of at most PIECE_CHARS, cut after a space where there is one. */
function* pieces(text: string): Generator<string> {
  for (let start = 0; start < text.length;) {
    let end = Math.min(text.length, start + PIECE_CHARS);
    if (end < text.length) {
      const space = text.lastIndexOf(' ', end);
      if (space > start) end = space;
    }
    yield text.slice(start, end);
    start = end;
  }
}

/** A piece with its long runs of non-whitespace cut into RUN_CHARS slices. */
function* bounded(piece: string): Generator<string> {
  let last = 0;
  for (const run of piece.matchAll(new RegExp(`\\S{${RUN_CHARS + 1},}`, 'g'))) {
    if (run.index > last) yield piece.slice(last, run.index);
    for (let i = 0; i < run[0].length; i += RUN_CHARS) yield run[0].slice(i, i + RUN_CHARS);
    last = run.index + run[0].length;
  }
  if (last < piece.length) yield piece.slice(last);
}

/** Tokens of a text, in bounded time and without holding up the event loop for long. */
async function countText(text: string, count: Encoding['countTokens']): Promise<number> {
  let tokens = 0;
  let counted = 0;
  for (const piece of pieces(text)) {
    for (const part of bounded(piece)) tokens += count(part);
    counted += piece.length;
    if (counted >= EXACT_CHARS) break;
    await yieldToLoop();
  }
  return counted < text.length ? Math.round((tokens * text.length) / counted) : tokens;
}

export interface CountedTokens {
  promptTokens: number;
  completionTokens: number;
}

/** Counts what a call sent and received, as the provider would have reported it (about). */
export async function countTokens(prompt: ChatTurn[], completion: string): Promise<CountedTokens> {
  const { countTokens: count } = await load();
  let promptTokens = REPLY_PRIMING;
  for (const turn of prompt)
    promptTokens += TOKENS_PER_MESSAGE + (await countText(turn.content, count));
  return { promptTokens, completionTokens: await countText(completion, count) };
}
