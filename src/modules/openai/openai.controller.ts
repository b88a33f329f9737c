import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { config } from '../../lib/config.js';
import { hasClosed, whenClosed } from '../../lib/http/response-closed.js';
import { serveDataEvents } from '../../lib/http/sse-data.js';
import type { ObjectIdString } from '../../lib/http/ids.js';
import { DEMO_MODEL, type ReasoningField, type ToolCallDelta } from '../../lib/llm/index.js';
import {
  admitReader,
  CollectingSink,
  DataSink,
  findReplyInChat,
  followReply,
  INTERRUPTED,
  oncePerKey,
  plannedIds,
  releaseIdempotencyKey,
  replyToEnd,
  startedReply,
  startHeldCompletion,
  storedError,
  storedReply,
  streamReplyAsData,
  type Exchange,
  type IdempotencyDoc,
  type ReplyOutcome,
  type RunReplyOptions,
} from '../chats/index.js';
import { keyOf } from '../keys/index.js';
import { keyCredential } from '../../lib/http/request-auth.js';
import {
  OpenAiError,
  openAiErrorBody,
  openAiErrorHandler,
  providerWaitLeft,
  toOpenAiError,
  storedNotToRepeat,
  withoutRetry,
  withStoredProvider,
} from './openai.errors.js';
import type { ChatCompletionBody } from './openai.schemas.js';
import { assertAllowedModel, beginCompletion } from './openai.service.js';

/** What every object of one completion shares. */
interface Identity {
  id: string;
  created: number;
  model: string;
}

/**
 * A stored completion's: its id names the reply it was stored as, so a repeat of its request
 * (Idempotency-Key) answers with the same id, `created` and model.
 */
const storedIdentity = (
  reply: {
    _id: { toHexString(): string };
    createdAt: Date;
    model?: string | null;
  },
  model: string,
): Identity => ({
  id: `chatcmpl-${reply._id.toHexString()}`,
  created: Math.floor(reply.createdAt.getTime() / 1000),
  model: reply.model ?? model,
});

/**
 * The call's tokens as the provider reported them or, when it reported none, as counted here and
 * charged to the account: a client that keeps its own books sees what the server's books say.
 */
const usageJson = (outcome: ReplyOutcome) => {
  const u = outcome.message.usage ?? outcome.message.charge;
  return u
    ? {
        prompt_tokens: u.promptTokens,
        completion_tokens: u.completionTokens,
        total_tokens: u.totalTokens,
      }
    : undefined;
};

/**
 * Cut by its server, not by anyone's wish: a shutdown, or an instance that stalled until its
 * lease was taken (stored INTERRUPTED, as the sweep stores a reply whose instance died). Asking
 * again is worth it at once: another instance, or this one once back, answers it.
 */
const cutByItsServer = (reply: Pick<ReplyOutcome['message'], 'stopReason' | 'error'>) =>
  reply.stopReason === 'shutdown' || reply.error?.code === INTERRUPTED.code;

/**
 * Stopped (POST /api/chats/:id/stop of a stored exchange, its key ended, its account disabled) or
 * cut by its server: not a finished reply. Only the latter is worth retrying at once: OpenAI's SDKs retry a
 * 503 by themselves, which would run (and charge) a stopped request again.
 */
const interrupted = (outcome: ReplyOutcome) =>
  cutByItsServer(outcome.message)
    ? new OpenAiError(
        'SERVICE_UNAVAILABLE',
        outcome.message.stopReason === 'shutdown'
          ? 'The reply was cut off because the server is shutting down; retry'
          : 'The reply was cut off because the server generating it stopped before it finished; retry',
        { code: 'generation_interrupted' },
        { headers: { 'Retry-After': '1' } },
      )
    : new OpenAiError(
        'SERVICE_UNAVAILABLE',
        'The reply was stopped before it finished (a stop request, its API key deleted or revoked, or its account disabled)',
        { code: 'generation_interrupted' },
        { headers: withoutRetry() },
      );

/** Tool calls arrive in fragments keyed by index; a JSON answer gives them whole. */
function collectToolCalls() {
  const calls = new Map<
    number,
    { id: string; type: 'function'; function: { name: string; arguments: string } }
  >();
  return {
    add(deltas: ToolCallDelta[]) {
      for (const d of deltas) {
        const call = calls.get(d.index) ?? {
          id: '',
          type: 'function' as const,
          function: { name: '', arguments: '' },
        };
        if (d.id) call.id = d.id;
        if (d.function?.name) call.function.name += d.function.name;
        if (d.function?.arguments) call.function.arguments += d.function.arguments;
        calls.set(d.index, call);
      }
    },
    list: () => [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call),
  };
}

/**
 * An OpenAI client that goes away has stopped the completion: nothing can bring it back to the
 * reply, so the reply is cut at once (stored as `incomplete` when `store` was asked for) instead
 * of waiting DETACH_GRACE_SECONDS for a reader as chat replies do. Unless it is stored under an
 * Idempotency-Key: a repeat of the request (the SDK's own retry after its timeout) attaches to it,
 * so it waits for one as chat replies do (`leaving`).
 */
const LEAVING_IS_STOPPING = { leavingStops: true };
const leaving = (keyed: boolean): RunReplyOptions => (keyed ? {} : LEAVING_IS_STOPPING);

/**
 * Runs the reply to its end with the client as a reader that is written nothing until then (a
 * JSON answer, or a refusal): its finished outcome, or the error to answer with. Undefined when
 * the client left and the reply was cut for it.
 */
async function collectedOutcome(
  res: Response,
  exchange: Exchange,
  options: RunReplyOptions = LEAVING_IS_STOPPING,
): Promise<ReplyOutcome | undefined> {
  const outcome = await replyToEnd(res, exchange, options);
  if (!outcome) throw new OpenAiError('INTERNAL', 'Something went wrong on our side', {});
  if (outcome.error) throw toOpenAiError(outcome.error);
  if (outcome.message.status !== 'complete') {
    if (hasClosed(res)) return undefined;
    throw interrupted(outcome);
  }
  return outcome;
}

/**
 * Answers the completion as JSON once it has ended; returns the body (also when its client left
 * meanwhile: under an Idempotency-Key the reply went on, and a repeat gets this very body).
 */
async function answerJson(
  res: Response,
  exchange: Exchange,
  who: Identity,
  keyed = false,
): Promise<unknown> {
  const toolCalls = collectToolCalls();
  let refusal = '';
  // A reasoning model's thinking, in the field its server used (DeepSeek's SDK users read
  // `reasoning_content`, OpenRouter's `reasoning`).
  const reasoning: Reasoning = {};
  const outcome = await collectedOutcome(res, exchange, {
    ...leaving(keyed),
    onEvent: (event) => {
      if (event.type === 'toolCalls') toolCalls.add(event.toolCalls);
      else if (event.type === 'refusal') refusal += event.content;
      else if (event.type === 'reasoning')
        reasoning[event.field] = (reasoning[event.field] ?? '') + event.content;
    },
  });
  if (!outcome) return null;
  const calls = toolCalls.list();
  const body = completionJson(outcome, who, calls, refusal, reasoning);
  if (!hasClosed(res)) res.status(200).json(body);
  return body;
}

type Reasoning = Partial<Record<ReasoningField, string>>;

/**
 * A `chat.completion` object: the reply's text (or its tool calls, its refusal), a reasoning
 * model's thinking, and usage.
 */
function completionJson(
  outcome: ReplyOutcome,
  who: Identity,
  calls: ReturnType<ReturnType<typeof collectToolCalls>['list']> = [],
  refusal = '',
  reasoning: Reasoning = {},
) {
  const textless = outcome.message.content === '' && (calls.length > 0 || refusal !== '');
  const usage = usageJson(outcome);
  return {
    id: who.id,
    object: 'chat.completion',
    created: who.created,
    model: who.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: textless ? null : outcome.message.content,
          refusal: refusal === '' ? null : refusal,
          ...reasoning,
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
        },
        logprobs: null,
        finish_reason: outcome.message.finishReason ?? 'stop',
      },
    ],
    ...(usage ? { usage } : {}),
  };
}

/**
 * Whether the provider answered with its stream: nothing is written until it has (or the client
 * has gone), so a call the provider refuses is answered with its HTTP status (401, 429, 502 …), as
 * OpenAI's own refusals are, not with a 200 and an error in the stream. Once it streams, the
 * stream's head and role chunk go at once, before its first token.
 */
function providerStreams(res: Response, exchange: Exchange): Promise<boolean> {
  return Promise.race([
    exchange.completion?.reply.answered ?? true,
    new Promise<boolean>((resolve) => whenClosed(res, () => resolve(true))),
  ]);
}

/** A completion's stream lines: its `chat.completion.chunk` objects and how it ends. */
function streamLines(who: Identity, includeUsage: boolean) {
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
    id: who.id,
    object: 'chat.completion.chunk',
    created: who.created,
    model: who.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {}),
  });
  /** The last lines: the finish chunk, the usage chunk when asked for, [DONE]; or an error. */
  const lastLines = (outcome: ReplyOutcome | null): unknown[] => {
    // OpenAI's SDKs raise an `error` object met in the stream as an APIError.
    if (!outcome)
      return [openAiErrorBody(new OpenAiError('INTERNAL', 'Something went wrong on our side', {}))];
    if (outcome.error) return [openAiErrorBody(toOpenAiError(outcome.error))];
    if (outcome.message.status !== 'complete') return [openAiErrorBody(interrupted(outcome))];
    const usage = usageJson(outcome) ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
    return [
      chunk({}, outcome.message.finishReason ?? 'stop'),
      ...(includeUsage
        ? [
            {
              id: who.id,
              object: 'chat.completion.chunk',
              created: who.created,
              model: who.model,
              choices: [],
              usage,
            },
          ]
        : []),
      '[DONE]',
    ];
  };
  return { chunk, lastLines };
}

async function answerStream(
  res: Response,
  begun: Exchange,
  who: Identity,
  includeUsage: boolean,
  keyed = false,
): Promise<null> {
  // The call goes out now, as a chat's plain send does, so that its answer can be awaited; the
  // reply runs whatever the answer (below), and takes the held generation over.
  const exchange = startHeldCompletion(begun);
  if (!(await providerStreams(res, exchange))) {
    // Refused: the reply ends with the provider's error, which the route's handler answers.
    if (await collectedOutcome(res, exchange, leaving(keyed)))
      throw new OpenAiError('INTERNAL', 'Something went wrong on our side', {});
    return null;
  }
  const { chunk, lastLines } = streamLines(who, includeUsage);
  // A failure goes to /v1's error handler, as the route's would.
  streamReplyAsData(
    res,
    exchange,
    {
      opening: [chunk({ role: 'assistant', content: '' })],
      delta: (content) => [chunk({ content })],
      // Tool calls, a refusal and a reasoning model's thinking come between text chunks.
      event: (event) =>
        event.type === 'toolCalls'
          ? [chunk({ tool_calls: event.toolCalls })]
          : event.type === 'refusal'
            ? [chunk({ refusal: event.content })]
            : event.type === 'reasoning'
              ? [chunk({ [event.field]: event.content })]
              : undefined,
      final: lastLines,
    },
    {
      ...leaving(keyed),
      // Its tokens were recorded by the generation runner; one that ended without an outcome is
      // a server bug.
      ended: (outcome) => {
        if (!outcome) throw new OpenAiError('INTERNAL', 'Something went wrong on our side', {});
      },
      onError: openAiErrorHandler,
    },
  );
  return null;
}

export async function chatCompletions(
  req: Request,
  res: Response,
  { body }: { body: ChatCompletionBody },
  /** When the caller asked (a repeat that acts again keeps its own): see answerAgain. */
  askedAt = Date.now(),
) {
  const { userId, keyId } = keyOf(req);
  // The key the completion is asked with: deleted (or revoked by a password change), it stops it.
  const startedBy = keyCredential(keyId);
  const includeUsage = body.stream_options?.include_usage === true;
  if (!body.store) {
    // Nothing is stored, so there is nothing a repeat could find: an Idempotency-Key is not read.
    const exchange = await beginCompletion(userId, startedBy, body);
    const who: Identity = {
      id: `chatcmpl-${randomBytes(15).toString('base64url')}`,
      created: Math.floor(Date.now() / 1000),
      model: exchange.model,
    };
    if (body.stream) await answerStream(res, exchange, who, includeUsage);
    else await answerJson(res, exchange, who);
    return;
  }
  // Stored: under an Idempotency-Key a repeat of the request (the SDK sends the same headers
  // again when its own timeout fires) answers with the exchange the first one stored, never a
  // second one, as the chats routes' sends do.
  const keyed = req.get('Idempotency-Key') !== undefined;
  const chatId = body.metadata?.chat_id;
  await oncePerKey(req, res, userId, {
    // A chat_id that is no id gets fresh ids here, and its 404 from beginCompletion.
    ids: plannedIds(chatId === undefined ? undefined : { chatId: chatId as ObjectIdString }),
    begin: (ids) => beginCompletion(userId, startedBy, body, ids),
    respond: async (exchange) => {
      res.set('X-Chat-Id', String(exchange.chat._id));
      const who = storedIdentity(exchange.assistant, exchange.model);
      try {
        return body.stream
          ? await answerStream(res, exchange, who, includeUsage, keyed)
          : await answerJson(res, exchange, who, keyed);
      } catch (error) {
        // Stored by now: a retry of the SDK's would store the exchange again.
        throw storedNotToRepeat(error);
      }
    },
    again: async (record) => {
      // A reply cut by its server (shutdown, lease taken) may be retried (its 503 says Retry-After: 1, and the SDK
      // retries it with the same key): the repeat gives the key back and acts, as a retry
      // without a key does, rather than answer that 503 again until the SDK gives up. So does
      // one the provider's rate limit or outage failed, once the wait it asked for is over: a
      // caller that waited its Retry-After and asks again under the same key would otherwise get
      // the same 429 or 503 for as long as the key is kept.
      if (await answerAgain(res, userId, record, body, askedAt)) {
        await releaseIdempotencyKey(record);
        await chatCompletions(req, res, { body }, askedAt);
      }
    },
    // How the answer is delivered, not what is asked: a stream retried as JSON gets the same reply.
    delivery: ['stream', 'stream_options'],
  });
}

/**
 * A repeat of a stored completion's request (the same Idempotency-Key and body): the completion
 * the first request stored, in the form this one asks for, without storing or calling the model
 * again. JSON: the first answer's body when it was made (tool calls and all), else the reply once
 * it has ended, as stored (its text). A stream: the reply from its start, followed live while it
 * runs. A reply that failed answers its error again as the first answer did (the provider's
 * status, what is left of its wait), with `x-should-retry: false`; one cut by its server, or
 * failed by the provider's rate limit or outage whose wait is over, is not answered (the caller
 * acts again under the key).
 */
async function answerAgain(
  res: Response,
  userId: string,
  record: IdempotencyDoc,
  body: ChatCompletionBody,
  /**
   * When this caller asked: a provider's wait counts as waited only when it was over by then. A
   * repeat that came while the exchange was still under way (it waited for it) answers with how
   * it failed, as any repeat of a request in flight does, rather than act once more.
   */
  askedAt = Date.now(),
): Promise<'act again' | void> {
  let found = await findReplyInChat(userId, String(record.chatId), String(record.replyId));
  if (found.reply.status === 'incomplete' && cutByItsServer(found.reply)) return 'act again';
  const waitLeft =
    found.reply.status === 'error'
      ? providerWaitLeft(found.reply.error?.provider, askedAt)
      : undefined;
  if (waitLeft !== undefined && waitLeft <= 0) return 'act again';
  res.set('X-Chat-Id', String(record.chatId));
  if (record.response && !body.stream) {
    res.status(200).json(record.response);
    return;
  }
  // Following the reply is reading it, as a chat route's repeat is: one of the user's places.
  admitReader(userId, res);
  const who = storedIdentity(found.reply, body.model);
  const outcomeOfStored = async (): Promise<ReplyOutcome> => {
    const message = await storedReply(found);
    const { error } = message;
    return {
      message,
      error: error ? withStoredProvider(storedError(error), error.provider) : null,
    };
  };
  const failed = (outcome: ReplyOutcome) =>
    outcome.error
      ? storedNotToRepeat(outcome.error)
      : outcome.message.status !== 'complete'
        ? storedNotToRepeat(interrupted(outcome))
        : null;
  if (!body.stream) {
    await followReply(found, 0, new CollectingSink(res));
    if (hasClosed(res)) return;
    const outcome = await outcomeOfStored();
    const error = failed(outcome);
    if (error) throw error;
    res.status(200).json(completionJson(outcome, who));
    return;
  }
  // The first request answers a provider's refusal with its status, and streams only once the
  // provider has answered: a repeat that comes before that waits with it (up to the wait for the
  // provider's answer, UPSTREAM_TIMEOUT_MS) to answer as it did.
  found = await startedReply(res, found, askedAt + config().UPSTREAM_TIMEOUT_MS);
  // A reply that has ended in failure answers with its status, as the first request did.
  if (found.reply.status !== 'streaming') {
    const error = failed(await outcomeOfStored());
    if (error) throw error;
  }
  const { chunk, lastLines } = streamLines(who, body.stream_options?.include_usage === true);
  serveDataEvents(
    res,
    async (sse) => {
      await sse.data(chunk({ role: 'assistant', content: '' }));
      // Its end is written from the stored reply (its charge, its stop reason), below.
      await followReply(
        found,
        0,
        new DataSink(res, sse, { delta: (content) => [chunk({ content })] }),
      );
      if (sse.isClosed) return;
      sse.finishWith(...lastLines(await outcomeOfStored()));
    },
    openAiErrorHandler,
  );
}

/** When this process started: the `created` of every model (the list does not change while it runs). */
const STARTED = Math.floor(Date.now() / 1000);

const modelObject = (id: string) => ({
  id,
  object: 'model' as const,
  created: STARTED,
  owned_by: id === DEMO_MODEL ? 'sigmagpt-demo' : 'sigmagpt',
});

export function listModels(_req: Request, res: Response) {
  res.json({ object: 'list', data: config().models.map(modelObject) });
}

export function getModel(_req: Request, res: Response, { params }: { params: { model: string } }) {
  assertAllowedModel(params.model);
  res.json(modelObject(params.model));
}
