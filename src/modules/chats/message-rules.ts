import { config } from '../../lib/config.js';
import { characterCount } from '../../lib/text.js';

/**
 * A question that another protocol stores as a chat message (/v1 with `store: true`, the AI SDK
 * route) is held to MAX_MESSAGE_CHARS, counted in characters as the chats routes' `content`
 * counts them (an emoji is one). `refusal` words the error as that protocol's callers read it.
 */
export function assertQuestionFits(text: string, refusal: (max: number) => Error): void {
  const max = config().MAX_MESSAGE_CHARS;
  if (characterCount(text) > max) throw refusal(max);
}
