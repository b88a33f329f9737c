/**
 * The tokenizer's thread (see tokenizer.ts). It holds gpt-tokenizer's o200k_base encoding, whose
 * tables would otherwise sit in the server's own heap (about 16 MB of small objects) and make
 * every full garbage collection of the thread that serves the streams mark them again. Each
 * message is `{ id, texts }`; the answer is `{ id, counts }`, one count per text, or `{ id, error }`.
 */
import { parentPort } from 'node:worker_threads';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';

/** Slices counted at a time, cut after a space where there is one. */
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

/**
 * Special tokens (`<|endoftext|>`, `<|im_start|>` …) in a user's or a model's text are counted as
 * the plain text they are: gpt-tokenizer refuses them by default, which failed the whole batch
 * (every text of the call then counted at about 4 characters a token, a third of the tokens of
 * CJK text) and logged the token it refused as if the thread had failed.
 */
const AS_PLAIN_TEXT = { allowedSpecial: new Set<string>(), disallowedSpecial: new Set<string>() };

/** Tokens of a text, in bounded time whatever it holds. */
function countText(text: string): number {
  let tokens = 0;
  let counted = 0;
  for (const piece of pieces(text)) {
    for (const part of bounded(piece)) tokens += countTokens(part, AS_PLAIN_TEXT);
    counted += piece.length;
    if (counted >= EXACT_CHARS) break;
  }
  return counted < text.length ? Math.round((tokens * text.length) / counted) : tokens;
}

parentPort?.on('message', ({ id, texts }: { id: number; texts: string[] }) => {
  try {
    parentPort?.postMessage({ id, counts: texts.map(countText) });
  } catch (error) {
    parentPort?.postMessage({ id, error: (error as Error).message });
  }
});
