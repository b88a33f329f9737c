import { config } from '../../lib/config.js';
import { defineRoute, type RouteGroup } from '../../lib/http/route.js';
import { authenticateApiKey } from '../keys/index.js';
import * as controller from './openai.controller.js';
import { OpenAiErrorBody } from './openai.errors.js';
import {
  ChatCompletionChunkSchema,
  ChatCompletionHeaders,
  ChatCompletionSchema,
  chatCompletionBody,
  ModelList,
  ModelObject,
  ModelParams,
} from './openai.schemas.js';

const API_KEY = [{ apiKeyAuth: [] }];

/**
 * The OpenAI-compatible surface: the official SDKs (and everything built on them) work with the
 * base URL `<server>/v1` and a personal API key. Errors come in OpenAI's shape.
 */
export function openAiRoutes(): RouteGroup {
  return {
    prefix: '/v1',
    tag: 'OpenAI-compatible',
    authenticate: authenticateApiKey,
    errorBody: {
      name: 'OpenAiErrorBody',
      schema: OpenAiErrorBody,
      example: (status, message) => ({
        error: {
          message,
          type: status >= 500 ? 'server_error' : 'invalid_request_error',
          param: null,
          code: status === 401 ? 'invalid_api_key' : null,
        },
      }),
    },
    routes: [
      defineRoute({
        method: 'post',
        path: '/chat/completions',
        summary: 'Create a chat completion (OpenAI-compatible; stream or JSON)',
        description: [
          'Relays to the configured provider through the same path as chats: allowed models (`MODELS`, else 404',
          '`model_not_found`), `MESSAGES_PER_MINUTE` and `MAX_CONCURRENT_STREAMS` (429 `rate_limit_exceeded` with',
          '`Retry-After`). With `stream: true` the answer is `text/event-stream` of `data:` lines, each a',
          '`chat.completion.chunk`, a final usage chunk (`choices: []`) with `stream_options.include_usage`, then',
          '`data: [DONE]`; an error met after the stream opened is a `data: {"error": …}` line.',
          'A provider that is down or overloaded answers 503 `upstream_unavailable` with its `Retry-After` (5 s when',
          'it named none).',
          'Nothing is stored but usage unless `store: true`: then the last (user) message and the reply go into a chat',
          'of the caller, `metadata.chat_id` or a new one; its id is in the `X-Chat-Id` response header, and an',
          '`Idempotency-Key` makes a retry of the request (the SDKs retry by themselves after their own timeout)',
          'answer with that stored completion instead of storing and generating it again.',
          'Only `n = 1`; unknown parameters are a 400 naming them.',
        ].join(' '),
        auth: true,
        security: API_KEY,
        request: {
          body: chatCompletionBody(config().V1_MAX_MESSAGES),
          headers: ChatCompletionHeaders,
        },
        responses: {
          200: {
            description: 'The completion (`stream` false or absent)',
            schema: ChatCompletionSchema,
            headers: { 'X-Chat-Id': 'With store: true, the chat the exchange was stored in' },
            also: {
              description: 'With `stream: true`: `chat.completion.chunk` objects, then `[DONE]`',
              contentType: 'text/event-stream',
              dataEvents: ChatCompletionChunkSchema,
            },
          },
        },
        errors: [404, 409, 429, 502, 503, 504],
        handler: controller.chatCompletions,
      }),
      defineRoute({
        method: 'get',
        path: '/models',
        summary: 'The models this server allows (OpenAI list format)',
        auth: true,
        security: API_KEY,
        responses: { 200: { description: 'Allowed models', schema: ModelList } },
        handler: controller.listModels,
      }),
      defineRoute({
        method: 'get',
        // A wildcard: model ids may hold a slash (OpenRouter's, vLLM's), which the Python SDK
        // sends unencoded.
        path: '/models/*model',
        summary: 'One allowed model (404 model_not_found otherwise)',
        auth: true,
        security: API_KEY,
        request: { params: ModelParams },
        responses: { 200: { description: 'The model', schema: ModelObject } },
        handler: controller.getModel,
      }),
    ],
  };
}
