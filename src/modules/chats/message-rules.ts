import { config, type Config } from '../../lib/config.js';
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

/**
 * The models a message may name (MODELS), and the words that refuse another: the same on the
 * chats routes (their schemas) and the AI SDK route.
 */
export function modelRule(c: Config = config()) {
  const models = new Set(c.models);
  return {
    allows: (id: string) => models.has(id),
    refusal: `Unknown model; allowed: ${c.models.join(', ')}`,
  };
}
