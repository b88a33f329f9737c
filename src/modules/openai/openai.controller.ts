import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { config } from '../../lib/config.js';
import { DataSseStream } from '../../lib/http/sse-data.js';
import { DEMO_MODEL, type ToolCallDelta } from '../../lib/llm/index.js';
import {
  clientGoneSignal,
  runGeneration,
  type Exchange,
  type GenerationResult,
} from '../chats/index.js';
import { keyOf } from '../keys/index.js';
import { OpenAiError, openAiErrorBody, toOpenAiError } from './openai.errors.js';
import type { ChatCompletionBody } from './openai.schemas.js';
import { assertAllowedModel, beginCompletion, recordUsage } from './openai.service.js';

/** What every object of one completion shares. */
interface Identity {
  id: string;
  created: number;
  model: string;
}

const usageJson = (result: GenerationResult) => {
  const u = result.message.usage;
  return u
    ? {
        prompt_tokens: u.promptTokens,
        completion_tokens: u.completionTokens,
        total_tokens: u.totalTokens,
      }
    : undefined;
};

/** Stopped (POST /api/chats/:id/stop of a stored exchange) or cut by shutdown: not a finished reply. */
const interrupted = () =>
  new OpenAiError(
    'SERVICE_UNAVAILABLE',
    'The reply was interrupted before it finished (stopped, or the server is shutting down); retry',
    { code: 'generation_interrupted' },
    { headers: { 'Retry-After': '1' } },
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

async function answerJson(req: Request, res: Response, exchange: Exchange, who: Identity) {
  const toolCalls = collectToolCalls();
  const result = await runGeneration(exchange, {
    clientGone: clientGoneSignal(res),
    onDelta: () => undefined,
    onEvent: (event) => {
      if (event.type === 'toolCalls') toolCalls.add(event.toolCalls);
    },
  });
  await recordUsage(keyOf(req).userId, exchange.model, result.message.usage);
  if (result.error) throw toOpenAiError(result.error);
  if (result.message.status !== 'complete') {
    if (res.closed) return;
    throw interrupted();
  }
  const calls = toolCalls.list();
  const usage = usageJson(result);
  res.status(200).json({
    id: who.id,
    object: 'chat.completion',
    created: who.created,
    model: who.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content:
            result.message.content === '' && calls.length > 0 ? null : result.message.content,
          refusal: null,
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
        },
        logprobs: null,
        finish_reason: result.message.finishReason ?? 'stop',
      },
    ],
    ...(usage ? { usage } : {}),
  });
}

async function answerStream(
  req: Request,
  res: Response,
  exchange: Exchange,
  who: Identity,
  includeUsage: boolean,
) {
  const sse = new DataSseStream(res);
  sse.open(config().SSE_PING_SECONDS);
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
    id: who.id,
    object: 'chat.completion.chunk',
    created: who.created,
    model: who.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {}),
  });
  try {
    await sse.send('chunk', chunk({ role: 'assistant', content: '' }));
    const result = await runGeneration(exchange, {
      clientGone: clientGoneSignal(res),
      onDelta: (content, interrupt) => sse.send('chunk', chunk({ content }), interrupt),
      onEvent: (event, interrupt) =>
        event.type === 'toolCalls'
          ? sse.send('chunk', chunk({ tool_calls: event.toolCalls }), interrupt)
          : undefined,
    });
    await recordUsage(keyOf(req).userId, exchange.model, result.message.usage);
    // OpenAI's SDKs raise an `error` object met in the stream as an APIError.
    if (result.error) return sse.finish('error', openAiErrorBody(toOpenAiError(result.error)));
    if (result.message.status !== 'complete')
      return sse.finish('error', openAiErrorBody(interrupted()));
    await sse.send('chunk', chunk({}, result.message.finishReason ?? 'stop'));
    const usage = usageJson(result);
    if (includeUsage)
      await sse.send('usage', {
        id: who.id,
        object: 'chat.completion.chunk',
        created: who.created,
        model: who.model,
        choices: [],
        usage: usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
      });
    sse.finish('done', '[DONE]');
  } finally {
    sse.end();
  }
}

export async function chatCompletions(
  req: Request,
  res: Response,
  { body }: { body: ChatCompletionBody },
) {
  const exchange = await beginCompletion(keyOf(req).userId, body);
  if (body.store) res.set('X-Chat-Id', String(exchange.chat._id));
  const who: Identity = {
    id: `chatcmpl-${randomBytes(15).toString('base64url')}`,
    created: Math.floor(Date.now() / 1000),
    model: exchange.model,
  };
  if (body.stream)
    await answerStream(req, res, exchange, who, body.stream_options?.include_usage === true);
  else await answerJson(req, res, exchange, who);
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
