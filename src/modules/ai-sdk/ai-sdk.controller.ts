import type { Request, Response } from 'express';
import { AppError } from '../../lib/errors.js';
import { isObjectId } from '../../lib/http/ids.js';
import { setNextLink } from '../../lib/http/pagination.js';
import { authOf, sessionCredential } from '../../lib/http/request-auth.js';
import { hasText } from '../../lib/text.js';
import {
  assertQuestionFits,
  modelRule,
  streamReplyAsData,
  type Exchange,
  type ReplyOutcome,
} from '../chats/index.js';
import type { AiSdkChatBody } from './ai-sdk.schemas.js';
import { toUiMessage } from './ai-sdk.mapper.js';
import {
  beginUiExchange,
  beginUiRegenerate,
  linkedBranchPage,
  retriesUnstoredQuestion,
} from './ai-sdk.service.js';

const invalid = (path: string, message: string) =>
  new AppError('VALIDATION_FAILED', 'The request is invalid', { details: [{ path, message }] });

/** A message's text: its text parts joined. */
const textOf = (message: AiSdkChatBody['messages'][number]) =>
  message.parts
    .filter((p) => p.type === 'text' && typeof p.text === 'string')
    .map((p) => p.text as string)
    .join('\n');

/** The text of the new user message: the last message, its text parts joined. */
function newUserText(body: AiSdkChatBody): string {
  const last = body.messages.at(-1)!;
  const path = `messages.${body.messages.length - 1}`;
  if (last.role !== 'user')
    throw invalid(`${path}.role`, 'The last message must be the new user message');
  const text = textOf(last);
  if (!hasText(text))
    throw invalid(
      `${path}.parts`,
      'The new user message has no text: its text parts are missing or empty',
    );
  assertQuestionFits(text, (max) => invalid(`${path}.parts`, `At most ${max} characters`));
  return text;
}

/** The id of a stored answer, as ObjectIds print it (as every id the routes take: lib/http/ids.ts). */
const storedAnswerId = (message: AiSdkChatBody['messages'][number] | undefined) =>
  message?.role === 'assistant' && isObjectId(message.id) ? message.id.toLowerCase() : undefined;

/** The stored answer before the last message in `messages`, the one the user sees, if any. */
const answerBeforeLast = (body: AiSdkChatBody) => storedAnswerId(body.messages.at(-2));

/**
 * What the page shows before its message at `index`: null when it shows it first, the stored
 * answer before it, or undefined when that is not a stored answer (unknown).
 */
const shownBefore = (messages: AiSdkChatBody['messages'], index: number) =>
  index === 0 ? null : storedAnswerId(messages[index - 1]);

/**
 * Where a `submit-message` goes: after the answer before it in `messages`, the one the user sees
 * (useChat's assistant ids are the stored ids the `start` part carried), so the model answers the
 * conversation on the screen even when another tab moved the chat's active branch meanwhile. With
 * `messageId`, useChat's sendMessage replaced that message (an edit): the new question goes beside
 * it, after that answer, or beside the stored message it names when the page holds nothing before
 * it (a first message, or the oldest of a long chat's loaded page). A new message whose answer before it is not
 * a stored one (none, an id only the browser knows, or one deleted since, with its chat or in
 * another tab) goes after the chat's active leaf, as a plain send.
 */
function parentOf(body: AiSdkChatBody): {
  parentId?: string | null;
  orActiveLeaf?: boolean;
  besideMessageId?: string;
} {
  const before = body.messages.at(-2);
  const shown = answerBeforeLast(body);
  if (body.messageId == null) return shown ? { parentId: shown, orActiveLeaf: true } : {};
  // The first message the page holds: of a long chat, a page of it (the messages route's), so
  // the stored message it replaces says where it goes.
  if (!before)
    return isObjectId(body.messageId) ? { besideMessageId: body.messageId } : { parentId: null };
  if (shown) return { parentId: shown };
  throw invalid(
    'messageId',
    'An edit goes after the answer before the edited message: send the messages up to it, as useChat does, not only the last one',
  );
}

/**
 * OpenAI-style finish reasons in the AI SDK's spelling. None at all (a provider stream that ended
 * without one) is the SDK's `interrupted`: the text may be cut short.
 */
function finishReason(outcome: ReplyOutcome): string {
  switch (outcome.message.finishReason) {
    case null:
      return 'interrupted';
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'content_filter':
      return 'content-filter';
    case 'tool_calls':
      return 'tool-calls';
    default:
      return 'other';
  }
}

/**
 * useChat's `api`: answers the new user message of a chat through the chats' exchange path and
 * streams the reply in the AI SDK's UI message stream protocol (`data:` JSON parts, then [DONE]).
 * `regenerate-message` answers the latest question of the chat's active branch again instead (a new
 * sibling answer), streamed the same way; one whose list ends with a question the chat does not
 * hold (Retry after a send that stored nothing) sends that question. Errors found before the
 * stream opens are ordinary JSON errors (the transport raises them).
 */
export async function chat(req: Request, res: Response, { body }: { body: AiSdkChatBody }) {
  const { userId, sessionId } = authOf(req);
  const startedBy = sessionCredential(sessionId);
  const models = modelRule();
  if (body.model !== undefined && !models.allows(body.model))
    throw invalid('model', models.refusal);
  let exchange: Exchange;
  // The daily budget is checked under the generation slot, as for every exchange (a useChat id
  // seen for the first time makes its chat only once the limits let its message through).
  const retriedSend =
    body.trigger === 'regenerate-message' &&
    body.messageId == null &&
    body.messages.at(-1)?.role === 'user' &&
    (await retriesUnstoredQuestion(userId, body.id, answerBeforeLast(body)));
  if (body.trigger === 'regenerate-message' && !retriedSend) {
    const index = body.messages.findIndex((m) => m.id === body.messageId);
    const named = body.messages[index];
    exchange = await beginUiRegenerate(userId, startedBy, body.id, {
      messageId: body.messageId,
      model: body.model,
      ...(named?.role === 'user'
        ? { shownText: textOf(named), shownAfter: shownBefore(body.messages, index) }
        : {}),
    });
  } else {
    const content = newUserText(body);
    exchange = await beginUiExchange(userId, startedBy, body.id, {
      content,
      model: body.model,
      ...parentOf(body),
    });
  }
  streamUiReply(res, exchange);
}

/**
 * Runs the exchange's reply and streams it as UI message stream parts, apart from the route
 * (streamReplyAsData): the route settles once the head is sent.
 */
function streamUiReply(res: Response, exchange: Exchange): void {
  res.set('x-vercel-ai-ui-message-stream', 'v1');
  const textId = `text-${String(exchange.assistant._id)}`;
  let textStarted = false;
  // A reasoning model's thinking comes before its answer, as reasoning parts (useChat shows them
  // apart); it is not stored, so only this stream has it.
  const reasoningId = `reasoning-${String(exchange.assistant._id)}`;
  let reasoning: 'none' | 'open' | 'ended' = 'none';
  const endReasoning = (): unknown[] => {
    if (reasoning !== 'open') return [];
    reasoning = 'ended';
    return [{ type: 'reasoning-end', id: reasoningId }];
  };
  // useChat's stop() aborts the request, and this protocol has no way back to a reply: a client
  // that leaves has stopped it, so it is cut at once (stored as incomplete), not kept running.
  streamReplyAsData(
    res,
    exchange,
    {
      opening: [
        {
          type: 'start',
          messageId: String(exchange.assistant._id),
          messageMetadata: { chatId: String(exchange.chat._id) },
        },
        { type: 'start-step' },
      ],
      delta: (delta) => {
        const parts: unknown[] = textStarted
          ? []
          : [...endReasoning(), { type: 'text-start', id: textId }];
        textStarted = true;
        return [...parts, { type: 'text-delta', id: textId, delta }];
      },
      // Before the first text (its text-start ends the reasoning): written as it comes.
      event: (event) => {
        if (event.type !== 'reasoning' || reasoning === 'ended') return undefined;
        const delta = { type: 'reasoning-delta', id: reasoningId, delta: event.content };
        if (reasoning === 'open') return [delta];
        reasoning = 'open';
        return [{ type: 'reasoning-start', id: reasoningId }, delta];
      },
      /** The last parts: the text's end, then finish, abort (stopped) or error; then [DONE]. */
      final: (outcome) => [
        ...endReasoning(),
        ...(textStarted ? [{ type: 'text-end', id: textId }] : []),
        ...(!outcome
          ? [{ type: 'error', errorText: 'Something went wrong on our side' }]
          : outcome.error
            ? [{ type: 'error', errorText: outcome.error.message }]
            : outcome.message.status === 'incomplete'
              ? // Stopped (POST /api/chats/:id/stop) or cut by shutdown; the partial answer is stored.
                [{ type: 'abort', reason: 'The reply was stopped before it finished' }]
              : [{ type: 'finish-step' }, { type: 'finish', finishReason: finishReason(outcome) }]),
        '[DONE]',
      ],
    },
    { leavingStops: true },
  );
}

/** The useChat id's stored messages (its chat's active branch), newest page first, oldest first. */
export async function messages(
  req: Request,
  res: Response,
  { params, query }: { params: { id: string }; query: { limit?: number; cursor?: string } },
) {
  const page = await linkedBranchPage(authOf(req).userId, params.id, query);
  setNextLink(req, res, page.nextCursor);
  res.json(page.items.map(toUiMessage));
}

/** useChat's resume: this route's replies end with their request, so there is none to resume. */
export function nothingToResume(_req: Request, res: Response) {
  res.status(204).end();
}
