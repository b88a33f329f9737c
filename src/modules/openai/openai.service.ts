import { config } from '../../lib/config.js';
import { AppError } from '../../lib/errors.js';
import { parseObjectId } from '../../lib/http/ids.js';
import type { Credential } from '../../lib/http/request-auth.js';
import { characterCount, hasText } from '../../lib/text.js';
import type { ChatTurn } from '../../lib/llm/index.js';
import {
  assertQuestionFits,
  beginExchange,
  beginUnstoredExchange,
  type Exchange,
  type ExchangeIds,
} from '../chats/index.js';
import { OpenAiError } from './openai.errors.js';
import type { ChatCompletionBody, ChatMessage } from './openai.schemas.js';

/** The text of a message's content: the string, or its text parts joined. */
export function textOf(content: ChatMessage['content'] | null | undefined): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content
    .filter((part) => part.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text as string)
    .join('\n');
}

/** An assistant message's tool calls as text: each call's name and arguments. */
const toolCallsText = (m: ChatMessage): string =>
  m.role === 'assistant' && m.tool_calls
    ? m.tool_calls.map((call) => `${call.function.name}(${call.function.arguments})`).join('\n')
    : '';

/**
 * The plain-text view of everything the model reads in a request: each message's text (with an
 * assistant's tool calls, and a tool's result as input), after one system turn holding the tool
 * definitions and the response format. The size cap counts it (assertSizes), a call whose
 * provider reports no usage is charged by it, and the demo model answers it. Image parts are not
 * text: a provider prices them apart, and they are neither counted nor estimated here.
 */
export function toTurns(
  body: Pick<ChatCompletionBody, 'messages' | 'tools' | 'response_format'>,
): ChatTurn[] {
  const declared = [body.tools, body.response_format]
    .filter((part) => part != null)
    .map((part) => JSON.stringify(part))
    .join('\n');
  const turns: ChatTurn[] = declared ? [{ role: 'system', content: declared }] : [];
  for (const m of body.messages) {
    const role = m.role === 'developer' ? 'system' : m.role === 'tool' ? 'user' : m.role;
    const content = [textOf(m.content), toolCallsText(m)].filter((text) => text !== '').join('\n');
    turns.push({ role, content });
  }
  return turns;
}

const PASSED_ON = [
  'temperature',
  'top_p',
  'stop',
  'seed',
  'presence_penalty',
  'frequency_penalty',
  'response_format',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
] as const;

/**
 * The caller's parameters as sent upstream. A token limit is capped by MAX_TOKENS; the server's
 * own limit is otherwise sent as `max_tokens`, so a caller using `max_completion_tokens` clears it
 * (undefined is left out of the JSON body): providers refuse both at once.
 */
export function upstreamParams(body: ChatCompletionBody): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const key of PASSED_ON) if (body[key] != null) params[key] = body[key];
  const requested = body.max_completion_tokens ?? body.max_tokens;
  if (requested != null) {
    const cap = config().MAX_TOKENS;
    const limit = cap > 0 ? Math.min(requested, cap) : requested;
    if (body.max_completion_tokens != null) {
      params.max_completion_tokens = limit;
      params.max_tokens = undefined;
    } else params.max_tokens = limit;
  }
  return params;
}

export function assertAllowedModel(model: string): void {
  if (!config().models.includes(model)) {
    throw new OpenAiError(
      'NOT_FOUND',
      `The model \`${model}\` does not exist or you do not have access to it.`,
      { code: 'model_not_found', param: 'model' },
    );
  }
}

const invalid = (message: string, param: string, code = 'invalid_value') =>
  new OpenAiError('VALIDATION_FAILED', message, { code, param });

/**
 * The request's text (toTurns: messages, tool calls and results, tool definitions) within the cap,
 * in characters as every text limit counts them: an emoji is one, not its two UTF-16 units.
 */
function assertSizes(turns: ChatTurn[]): void {
  const c = config();
  const chars = turns.reduce((sum, turn) => sum + characterCount(turn.content), 0);
  if (chars > c.V1_MAX_INPUT_CHARS) {
    throw invalid(
      `The request holds ${chars} characters of text (messages, tool calls and results, tool definitions); this server accepts at most ${c.V1_MAX_INPUT_CHARS} per request`,
      'messages',
      'context_length_exceeded',
    );
  }
}

/** With `store: true` the last message is stored as the user's message of the exchange. */
function storedQuestion(body: ChatCompletionBody): string {
  const last = body.messages.at(-1)!;
  const text = textOf(last.content);
  if (last.role !== 'user' || !hasText(text))
    throw invalid('With store: true the last message must be a user message with text', 'store');
  assertQuestionFits(text, (max) =>
    invalid(
      `With store: true the last message is stored and may have at most ${max} characters`,
      'messages',
    ),
  );
  return text;
}

/**
 * Everything decided before the model is called: the model and sizes (400/404), then the same
 * message rate, generation slot and daily token budget as chats (429), whether the exchange is
 * stored or not: both begin in the chats' exchange path, which checks the budget under the slot.
 * With `store: true` the exchange goes into a chat of the caller (`metadata.chat_id`, or a new
 * one) like any chat message. The reply's tokens are recorded by the chats' generation runner, for
 * stored and unstored completions alike.
 */
export async function beginCompletion(
  userId: string,
  startedBy: Credential,
  body: ChatCompletionBody,
  /** With `store: true`: the ids it is stored under (an Idempotency-Key names them). */
  ids?: ExchangeIds,
): Promise<Exchange> {
  assertAllowedModel(body.model);
  const turns = toTurns(body);
  assertSizes(turns);
  const chatId = body.metadata?.chat_id;
  if (chatId !== undefined && !body.store)
    throw invalid('metadata.chat_id is only read with store: true', 'metadata.chat_id');
  const question = body.store ? storedQuestion(body) : '';
  let exchange: Exchange;
  if (body.store) {
    try {
      exchange = await beginExchange(
        userId,
        startedBy,
        chatId !== undefined
          ? { chatId: parseObjectId(chatId, 'Chat') }
          : { newChat: { model: body.model } },
        { content: question, model: body.model },
        ids,
      );
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND')
        throw new OpenAiError('NOT_FOUND', `No chat with id ${chatId}`, {
          code: 'chat_not_found',
          param: 'metadata.chat_id',
        });
      throw error;
    }
  } else {
    exchange = await beginUnstoredExchange(userId, startedBy, body.model);
  }
  return {
    ...exchange,
    turns,
    passthrough: { messages: body.messages, params: upstreamParams(body) },
  };
}
