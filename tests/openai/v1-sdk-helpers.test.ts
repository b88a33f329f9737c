import OpenAI from 'openai';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useTestApp } from '../helpers/app.js';
import { NO_TIGHT_LIMITS } from '../helpers/auth.js';
import { startUpstream } from '../helpers/upstream.js';
import { upstreamEnv } from '../helpers/chat-app.js';
import { useSdkClient } from '../helpers/sdk-client.js';

/**
 * The official SDKs' helpers (Node's stream helper and parse(), Python's parse(), stream() and
 * model_dump()) hand back assistant messages with response-only fields, which their users append
 * to the conversation for the next turn, as OpenAI's docs show and OpenAI accepts.
 */
const upstream = await startUpstream();
const ctx = useTestApp({
  ...NO_TIGHT_LIMITS,
  ...upstreamEnv(upstream),
  MODELS: 'test-model',
});
const sdk = useSdkClient(ctx, 'v1-sdk-helpers');

afterAll(async () => {
  await upstream.close();
});
beforeEach(() => upstream.reset());

const owner = () => new Types.ObjectId(sdk.user.id);
const stored = async () => ({
  chats: await Chat.countDocuments({ userId: owner() }),
  messages: await Message.countDocuments({ userId: owner() }),
});

const toolCalls = [
  { index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } },
  { index: 0, function: { arguments: '{"city":"Paris"}' } },
];
const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
      additionalProperties: false,
    },
    strict: true,
  },
};

/** The promise's rejection (an SDK error), failing the test if it resolves. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the request to fail');
}

describe('/v1/chat/completions with the SDK helpers’ assistant messages sent back as history', () => {
  it("when the Node stream helper's final message (parsed: null) is appended, then 200 and the provider gets it without the helper's field", async () => {
    upstream.script({ chunks: ['Hello'] });
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hi' }];
    const first = await sdk.client.chat.completions
      .stream({ model: 'test-model', messages })
      .finalChatCompletion();
    expect(first.choices[0]!.message).toHaveProperty('parsed', null);
    messages.push(first.choices[0]!.message, { role: 'user', content: 'And then?' });
    upstream.script({ chunks: ['More'] });
    const before = await stored();

    const second = await sdk.client.chat.completions.create({ model: 'test-model', messages });

    expect(second.choices[0]).toEqual({
      index: 0,
      message: { role: 'assistant', content: 'More', refusal: null },
      logprobs: null,
      finish_reason: 'stop',
    });
    expect(upstream.requests[1]!.body.messages).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello', refusal: null },
      { role: 'user', content: 'And then?' },
    ]);
    expect(await stored()).toEqual(before);
  });

  it('when a message of parse() with tool calls (parsed_arguments) is appended with the tool result, then 200 and the provider gets the calls as OpenAI sent them', async () => {
    upstream.script({ chunks: [], toolCalls, finishReason: 'tool_calls' });
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'user', content: 'Weather in Paris?' },
    ];
    const first = await sdk.client.chat.completions.parse({
      model: 'test-model',
      messages,
      tools: [weatherTool],
    });
    const message = first.choices[0]!.message;
    expect(message.tool_calls![0]).toHaveProperty('function.parsed_arguments', { city: 'Paris' });
    messages.push(message, { role: 'tool', tool_call_id: 'call_1', content: 'sunny' });
    upstream.script({ chunks: ['Sunny'] });

    const second = await sdk.client.chat.completions.create({
      model: 'test-model',
      messages,
      tools: [weatherTool],
    });

    expect(second.choices[0]!.message.content).toBe('Sunny');
    const sent = upstream.requests[1]!.body.messages as Record<string, unknown>[];
    expect(sent[1]).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      tool_calls: [
        {
          id: 'call_1',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
        },
      ],
    });
    expect(sent[2]).toEqual({ role: 'tool', tool_call_id: 'call_1', content: 'sunny' });
  });

  it("when an assistant message carries the nulls the SDK's own param type allows (audio, function_call), then 200 and the provider gets it without them", async () => {
    upstream.script({ chunks: ['Fine'] });

    const reply = await sdk.client.chat.completions.create({
      model: 'test-model',
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello', audio: null, function_call: null, refusal: null },
        { role: 'user', content: 'How are you?' },
      ],
    });

    expect(reply.choices[0]!.message.content).toBe('Fine');
    expect((upstream.requests[0]!.body.messages as unknown[])[1]).toEqual({
      role: 'assistant',
      content: 'Hello',
      refusal: null,
    });
  });

  it('when a Python SDK message is appended as its helpers dump it (tool_calls: None, parsed, annotations, audio, function_call), then 200 and the provider gets the message alone, streamed or not', async () => {
    // What pydantic's model_dump() makes of a parse() or stream() message of the Python SDK:
    // `annotations` is None, or the citations of a model that searched the web.
    const citations = [
      {
        type: 'url_citation',
        url_citation: { start_index: 0, end_index: 5, title: 'Example', url: 'https://x.test' },
      },
    ];
    const history = (annotations: unknown) =>
      [
        { role: 'user', content: 'Hi' },
        {
          content: 'Hello',
          refusal: null,
          role: 'assistant',
          annotations,
          audio: null,
          function_call: null,
          tool_calls: null,
          parsed: { greeting: 'Hello' },
        },
        { role: 'user', content: 'Again' },
      ] as OpenAI.ChatCompletionMessageParam[];
    upstream.script({ chunks: ['Once'] });
    upstream.script({ chunks: ['Twice'] });

    const json = await sdk.client.chat.completions.create({
      model: 'test-model',
      messages: history(citations),
    });
    let streamed = '';
    for await (const chunk of await sdk.client.chat.completions.create({
      model: 'test-model',
      messages: history(null),
      stream: true,
    }))
      streamed += chunk.choices[0]?.delta.content ?? '';

    expect(json.choices[0]!.message.content).toBe('Once');
    expect(streamed).toBe('Twice');
    for (const request of upstream.requests)
      expect(request.body.messages).toEqual([
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello', refusal: null },
        { role: 'user', content: 'Again' },
      ]);
  });

  it('when an assistant message has an unknown field, or an audio or function call this server does not relay, then 400 naming it and the provider is not called', async () => {
    const ask = (assistant: Record<string, unknown>) =>
      failure(
        sdk.client.chat.completions.create({
          model: 'test-model',
          messages: [
            { role: 'user', content: 'Hi' },
            { role: 'assistant', content: 'Hello', ...assistant } as never,
            { role: 'user', content: 'Again' },
          ],
        }),
      );

    expect(await ask({ mood: 'glad' })).toMatchObject({
      status: 400,
      code: 'unknown_parameter',
      param: 'messages[1].mood',
    });
    expect(
      await ask({
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'f', arguments: '{}', extra: 1 },
          },
        ],
      }),
    ).toMatchObject({
      status: 400,
      code: 'unknown_parameter',
      param: 'messages[1].tool_calls[0].function.extra',
    });
    expect(await ask({ audio: { id: 'audio_1' } })).toMatchObject({
      status: 400,
      param: 'messages[1].audio',
    });
    expect(await ask({ function_call: { name: 'f', arguments: '{}' } })).toMatchObject({
      status: 400,
      param: 'messages[1].function_call',
    });
    expect(await ask({ annotations: [{ url: 'https://x.test' }] })).toMatchObject({
      status: 400,
      param: 'messages[1].annotations[0].type',
    });
    // The response-only fields belong to assistant messages only.
    expect(
      await failure(
        sdk.client.chat.completions.create({
          model: 'test-model',
          messages: [{ role: 'user', content: 'Hi', parsed: null } as never],
        }),
      ),
    ).toMatchObject({ status: 400, code: 'unknown_parameter', param: 'messages[0].parsed' });
    expect(upstream.requests).toHaveLength(0);
  });
});
