import { z } from 'zod';
import { idempotencyKeyHeader } from '../../lib/http/schemas.js';

/**
 * The request body of POST /v1/chat/completions: OpenAI's parameters that this server passes on
 * (validated here, so a bad value is our 400, not a provider error), and nothing else — an unknown
 * parameter is a 400 naming it rather than being silently dropped.
 */

/** A non-empty string. */
const filled = (value: unknown) => typeof value === 'string' && value.length > 0;

/** What each of OpenAI's content part types needs, as the field at fault when it is missing. */
const NEEDS: Record<string, (part: Record<string, unknown>) => string | null> = {
  text: (part) => (typeof part.text === 'string' ? null : 'text'),
  image_url: (part) =>
    filled((part.image_url as { url?: unknown } | undefined)?.url) ? null : 'image_url.url',
  input_audio: (part) =>
    filled((part.input_audio as { data?: unknown } | undefined)?.data) ? null : 'input_audio.data',
  file: (part) => (typeof part.file === 'object' && part.file !== null ? null : 'file'),
  refusal: (part) => (typeof part.refusal === 'string' ? null : 'refusal'),
};

/**
 * Content parts: OpenAI's types (text, image_url, input_audio, file, refusal) must carry the field
 * their type needs, so a part a provider would refuse is our 400 naming it. Other types are relayed
 * as they are, for providers that take more (vLLM's `video_url`); a provider that refuses one
 * answers 400, passed on as 400. Extra fields are relayed too (`cache_control` for the providers
 * behind a router). Only text is read (demo model, stored messages, estimates).
 */
const ContentPart = z.looseObject({ type: z.string().min(1).max(64) }).superRefine((part, ctx) => {
  // Own keys only: a part `type` such as `constructor` or `__proto__` is just another type.
  const missing = Object.hasOwn(NEEDS, part.type) ? NEEDS[part.type]!(part) : null;
  if (missing)
    ctx.addIssue({
      code: 'custom',
      path: missing.split('.'),
      message: `A \`${part.type}\` part needs \`${missing}\``,
    });
});
const Content = z.union([z.string(), z.array(ContentPart).max(256)]);

/** Of what the SDKs' helpers leave on an assistant message sent back (see AssistantMessage). */
const NOT_RELAYED = "As the OpenAI SDKs' helpers leave it on a message sent back; not relayed";

const ToolCall = z.strictObject({
  id: z.string().max(256),
  type: z.literal('function'),
  function: z
    .strictObject({
      name: z.string().max(256),
      arguments: z.string(),
      // The arguments as the SDKs' parse() read them: the caller's, never the model's.
      parsed_arguments: z.unknown().optional().describe(NOT_RELAYED),
    })
    .transform(({ parsed_arguments: _parsed, ...call }) => call),
});

const name = z.string().max(256).optional();

/**
 * An assistant message as the SDKs' helpers hand it back for the next turn (Node's stream helper
 * and parse(), Python's parse(), stream() and model_dump()), which OpenAI accepts: what only a
 * response carries (the parsed answer, its citations) and the nulls of what was not there
 * (`tool_calls: None`, `audio`, `function_call`) are taken and left out of what the provider
 * gets, which may refuse them. This server relays no audio and no legacy function calls (their
 * parameters are refused), so those two are taken only as null: a value is a 400 naming it, not
 * a turn silently cut from the conversation.
 */
const AssistantMessage = z
  .strictObject({
    role: z.literal('assistant'),
    content: Content.nullable().optional(),
    name,
    refusal: z.string().nullable().optional(),
    tool_calls: z
      .array(ToolCall)
      .max(128)
      .nullable()
      .optional()
      .describe('null, as the Python SDK leaves it, is not relayed'),
    parsed: z.unknown().optional().describe(NOT_RELAYED),
    annotations: z
      .array(z.looseObject({ type: z.string().max(64) }))
      .max(1024)
      .nullable()
      .optional()
      .describe(NOT_RELAYED),
    audio: z.null('Only null: this server relays no audio').optional().describe(NOT_RELAYED),
    function_call: z
      .null('Only null: this server relays no function calls but `tool_calls`')
      .optional()
      .describe(NOT_RELAYED),
  })
  .transform(
    ({ parsed: _p, annotations: _a, audio: _au, function_call: _f, tool_calls, ...message }) => ({
      ...message,
      // Left out of the JSON body when there is none.
      tool_calls: tool_calls ?? undefined,
    }),
  );

export const ChatMessage = z.discriminatedUnion('role', [
  z.strictObject({ role: z.literal('system'), content: Content, name }),
  z.strictObject({ role: z.literal('developer'), content: Content, name }),
  z.strictObject({ role: z.literal('user'), content: Content, name }),
  AssistantMessage,
  z.strictObject({ role: z.literal('tool'), content: Content, tool_call_id: z.string().max(256) }),
]);
export type ChatMessage = z.infer<typeof ChatMessage>;

const FunctionTool = z.strictObject({
  type: z.literal('function'),
  function: z.strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a-z, A-Z, 0-9, underscores and dashes, at most 64'),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }),
});

const ToolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.strictObject({ type: z.literal('function'), function: z.strictObject({ name: z.string() }) }),
]);

const ResponseFormat = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text') }),
  z.strictObject({ type: z.literal('json_object') }),
  z.strictObject({
    type: z.literal('json_schema'),
    json_schema: z.strictObject({
      name: z.string().max(64),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullable().optional(),
    }),
  }),
]);

const Metadata = z
  .record(z.string().max(64), z.string().max(512))
  .refine((m) => Object.keys(m).length <= 16, 'At most 16 metadata keys')
  .describe('With `store: true`, `chat_id` names the chat to store the exchange in');

const nullable = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

export function chatCompletionBody(maxMessages: number) {
  return (
    z
      .strictObject({
        model: z.string().min(1).max(256),
        messages: z.array(ChatMessage).min(1).max(maxMessages),
        stream: nullable(z.boolean()),
        stream_options: nullable(
          z.strictObject({
            include_usage: z.boolean().optional(),
            include_obfuscation: z.boolean().optional(),
          }),
        ),
        temperature: nullable(z.number().min(0).max(2)),
        top_p: nullable(z.number().min(0).max(1)),
        max_tokens: nullable(z.number().int().min(1)),
        max_completion_tokens: nullable(z.number().int().min(1)),
        stop: nullable(z.union([z.string(), z.array(z.string()).min(1).max(4)])),
        seed: nullable(z.number().int()),
        presence_penalty: nullable(z.number().min(-2).max(2)),
        frequency_penalty: nullable(z.number().min(-2).max(2)),
        response_format: ResponseFormat.optional(),
        tools: z.array(FunctionTool).max(128).optional(),
        tool_choice: ToolChoice.optional(),
        parallel_tool_calls: z.boolean().optional(),
        n: nullable(
          z
            .number()
            .int()
            .min(1)
            .max(1, 'Only n = 1 is supported: this server returns one choice per request'),
        ),
        user: z.string().max(256).optional(),
        store: nullable(z.boolean()),
        metadata: nullable(Metadata),
      })
      // As OpenAI: stream options on an answer that does not stream are a mistake, not a no-op.
      .refine((body) => body.stream === true || body.stream_options == null, {
        path: ['stream_options'],
        message: 'stream_options is only allowed when stream is true',
      })
      .describe('OpenAI chat completion parameters; any other parameter is a 400 naming it')
  );
}
export type ChatCompletionBody = z.infer<ReturnType<typeof chatCompletionBody>>;

const Usage = z.object({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
});

const ToolCallOut = z.object({
  id: z.string(),
  type: z.literal('function'),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

/** Reasoning models' servers name the field their own way; it is passed on as it came. */
const REASONING = (what: string) =>
  `${what}, in the field the provider used (\`reasoning_content\`: DeepSeek, vLLM; \`reasoning\`: OpenRouter, Ollama, newer vLLM). Never part of \`content\` or of the stored reply`;

export const ChatCompletionSchema = z.object({
  id: z.string().describe('`chatcmpl-…`'),
  object: z.literal('chat.completion'),
  created: z.number().int().describe('Unix seconds'),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number().int(),
      message: z.object({
        role: z.literal('assistant'),
        content: z.string().nullable(),
        refusal: z.string().nullable().describe("The model's refusal, as the provider sent it"),
        reasoning_content: z
          .string()
          .optional()
          .describe(REASONING("A reasoning model's thinking")),
        reasoning: z.string().optional().describe(REASONING("A reasoning model's thinking")),
        tool_calls: z.array(ToolCallOut).optional(),
      }),
      logprobs: z.null(),
      finish_reason: z.string(),
    }),
  ),
  usage: Usage.optional().describe(
    "The provider's figures or, when it reported none, the server's count that was charged",
  ),
});

export const ChatCompletionChunkSchema = z.object({
  id: z.string(),
  object: z.literal('chat.completion.chunk'),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number().int(),
      delta: z.object({
        role: z.literal('assistant').optional(),
        content: z.string().optional(),
        refusal: z.string().optional().describe("A piece of the model's refusal"),
        reasoning_content: z
          .string()
          .optional()
          .describe(REASONING("A piece of a reasoning model's thinking")),
        reasoning: z
          .string()
          .optional()
          .describe(REASONING("A piece of a reasoning model's thinking")),
        tool_calls: z
          .array(
            z.object({
              index: z.number().int(),
              id: z.string().optional(),
              type: z.literal('function').optional(),
              function: z
                .object({ name: z.string().optional(), arguments: z.string().optional() })
                .optional(),
            }),
          )
          .optional(),
      }),
      logprobs: z.null(),
      finish_reason: z.string().nullable(),
    }),
  ),
  usage: Usage.nullable().optional().describe('Only with stream_options.include_usage'),
});

export const ModelObject = z.object({
  id: z.string(),
  object: z.literal('model'),
  created: z.number().int(),
  owned_by: z.string(),
});

export const ModelList = z.object({ object: z.literal('list'), data: z.array(ModelObject) });

export const ModelParams = z.object({ model: z.string() });

/** Headers of POST /v1/chat/completions (documentation; the controller reads them). */
export const ChatCompletionHeaders = z.object({
  'Idempotency-Key': idempotencyKeyHeader(
    "answers with the completion the first request stored, never a second stored exchange or model call: the same JSON `chat.completion` once it was made, or the same reply followed from its start (waited for, or streamed live, while it still runs; a stream once the reply has text, so that a provider's refusal of the first request answers with its status, as it did); a completion that failed answers the same error (the provider's status kept: 400, 429 or 503, with what is left of its Retry-After), but one cut by its server (shutting down, or stalled until its generation was taken from it: 503 with Retry-After), or failed by the provider's rate limit or outage once the wait it asked for is over, is made again. `stream` and `stream_options` are not compared, and the SDKs send a request's headers again with each retry",
    ' (`idempotency_key_reused`). Read only with `store: true`: without it nothing is stored, and the header is ignored',
  ),
});
