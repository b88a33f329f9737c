import { tailText } from '../text.js';
import type { ChatTurn } from './types.js';

/**
 * A character's share of a token, in quarters: about four characters a token for alphabetic
 * scripts (Latin, Greek, Cyrillic, Hebrew, Arabic: below U+0800), three quarters of a token for the
 * rest (Chinese, Japanese, Korean, Indic, Thai, Yi: one to three tokens each for a byte-level
 * tokenizer), and so one and a half for a character past U+FFFF (two code units: emoji).
 */
const quartersOf = (unit: number) => (unit < 0x800 ? 1 : 3);

/**
 * About how many tokens `text` is, close enough to bound what is sent upstream: at most about 4×
 * off in any script (a text of rare ideographs or Yi syllables, three tokens a character, is the
 * far end; a flat four characters a token was 12× off for them).
 */
export function approxTokens(text: string): number {
  let quarters = 0;
  for (let i = 0; i < text.length; i += 1) quarters += quartersOf(text.charCodeAt(i));
  return Math.ceil(quarters / 4) + 4;
}

/** The end of `text` within about `tokens` tokens, as approxTokens counts them. */
function tailWithin(text: string, tokens: number): string {
  let room = tokens * 4;
  let start = text.length;
  while (start > 0 && room >= quartersOf(text.charCodeAt(start - 1))) {
    room -= quartersOf(text.charCodeAt(start - 1));
    start -= 1;
  }
  return tailText(text, text.length - start);
}

/**
 * The system prompt plus as many of the newest turns as fit in the budget. The last turn (the
 * message being answered) is always kept, even if it alone is over budget: its length is already
 * capped by MAX_MESSAGE_CHARS.
 */
export function fitToBudget(systemPrompt: string, turns: ChatTurn[], budget: number): ChatTurn[] {
  const system: ChatTurn[] = systemPrompt ? [{ role: 'system', content: systemPrompt }] : [];
  let remaining = budget - (systemPrompt ? approxTokens(systemPrompt) : 0);
  const kept: ChatTurn[] = [];
  for (let i = turns.length - 1; i >= 0; i -= 1) {
    const turn = turns[i]!;
    const cost = approxTokens(turn.content);
    if (kept.length > 0 && cost > remaining) break;
    kept.push(turn);
    remaining -= cost;
  }
  return [...system, ...kept.reverse()];
}

/**
 * What a continue's prompt carries of the answer so far, last, for the model to carry on: of a long
 * one only its end, within half the history budget (as approxTokens counts), so the prompt stays
 * as bounded as a send's however often the answer was continued (budgets rely on that).
 */
export const answerSoFar = (answer: string, budget: number): string =>
  tailWithin(answer, budget / 2);
