import { tailText } from '../text.js';
import type { ChatTurn } from './types.js';

/** About four characters per token for English text; close enough to bound what is sent upstream. */
export const approxTokens = (text: string) => Math.ceil(text.length / 4) + 4;

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
 * one only its end, within half the history budget (about 4 characters a token), so the prompt
 * stays as bounded as a send's however often the answer was continued (budgets rely on that).
 */
export const answerSoFar = (answer: string, budget: number): string =>
  tailText(answer, (budget / 2) * 4);
