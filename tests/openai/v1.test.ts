import http from 'node:http';
import net from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { UsageEntry } from '../../src/modules/usage/usage.model.js';
import { useTestApp } from '../helpers/app.js';
import { NO_TIGHT_LIMITS } from '../helpers/auth.js';
import { eventually } from '../helpers/eventually.js';
import { holdCall } from '../helpers/hold-call.js';
import { startUpstream } from '../helpers/upstream.js';
import { upstreamEnv } from '../helpers/chat-app.js';
import { useSdkClient, userWithSdkClient } from '../helpers/sdk-client.js';

const upstream = await startUpstream();
const ctx = useTestApp({
  ...NO_TIGHT_LIMITS,
  ...upstreamEnv(upstream),
  MODELS: 'test-model,demo',
  MAX_CONCURRENT_STREAMS: '1',
  DEMO_CHUNK_DELAY_MS: '0',
});
afterAll(() => upstream.close());
const sdk = useSdkClient(ctx, 'v1');
beforeEach(() => upstream.reset());

const owner = () => new Types.ObjectId(sdk.user.id);
const stored = async () => ({
  chats: await Chat.countDocuments({ userId: owner() }),
  messages: await Message.countDocuments({ userId: owner() }),
});
const leases = () => Generation.countDocuments({ userId: owner() });

/** Every chunk of a completion streamed through the SDK. */
async function streamedChunks(params: Omit<OpenAI.ChatCompletionCreateParamsStreaming, 'stream'>) {
  const chunks: OpenAI.ChatCompletionChunk[] = [];
  for await (const chunk of await sdk.client.chat.completions.create({ ...params, stream: true }))
    chunks.push(chunk);
  return chunks;
}

describe('POST /v1/chat/completions with the official openai SDK', () => {
  it('when called without stream, then a chat.completion comes back, the parameters reach the provider, and nothing is stored', async () => {
    const before = await stored();
    upstream.script({
      chunks: ['Hello', ' world', '!'],
      usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 },
    });
    const completion = await sdk.client.chat.completions.create({
      model: 'test-model',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
      ],
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 50,
      stop: ['\n\n'],
      seed: 7,
      response_format: { type: 'json_object' },
      user: 'end-user-1',
    });
    expect(completion).toEqual({
      id: expect.stringMatching(/^chatcmpl-/),
      object: 'chat.completion',
      created: expect.any(Number),
      model: 'test-model',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello world!', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 },
    });
    expect(Math.abs(completion.created - Date.now() / 1000)).toBeLessThan(60);
    const sent = upstream.requests[0]!.body;
    expect(sent).toMatchObject({
      model: 'test-model',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
      ],
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 50,
      stop: ['\n\n'],
      seed: 7,
      response_format: { type: 'json_object' },
      stream: true,
    });
    // Our own fields and the caller's end-user id stay here.
    expect(sent).not.toHaveProperty('user');
    expect(sent).not.toHaveProperty('store');
    expect(await stored()).toEqual(before);
    expect(await leases()).toBe(0);
  });

  it('when streamed with include_usage, then chunks carry the text, a finish chunk, a usage chunk with choices: [], then [DONE]', async () => {
    upstream.script({
      chunks: ['A', 'B', 'C'],
      usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
    });
    const chunks = await streamedChunks({
      model: 'test-model',
      messages: [{ role: 'user', content: 'Spell' }],
      stream_options: { include_usage: true },
    });
    const ids = new Set(chunks.map((c) => c.id));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^chatcmpl-/);
    for (const c of chunks)
      expect(c).toMatchObject({ object: 'chat.completion.chunk', model: 'test-model' });
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('ABC');
    const finish = chunks.filter((c) => c.choices[0]?.finish_reason);
    expect(finish.map((c) => c.choices[0]!.finish_reason)).toEqual(['stop']);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({ prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);

    // The raw wire: data lines only, ending with [DONE].
    upstream.script({ chunks: ['x'] });
    const raw = await fetch(`${sdk.server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${sdk.client.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        model: 'test-model',
        messages: [{ role: 'user', content: 'x' }],
        stream: true,
      }),
    });
    expect(raw.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const body = await raw.text();
    expect(body.trim().split('\n\n').at(-1)).toBe('data: [DONE]');
    expect(body).not.toMatch(/^(event|id):/m);
    expect(body).not.toContain('"usage"');
  });

  it('when the provider reports no usage, then the usage answered is what the account was charged, streamed and whole', async () => {
    /** The newest ledger entry of the user: an unstored call's charge. */
    const latestEntry = () =>
      UsageEntry.findOne({ userId: owner() }).sort({ createdAt: -1 }).lean();
    const counts = (charge: {
      promptTokens: number;
      completionTokens: number;
      totalTokens: number;
    }) => ({
      prompt_tokens: charge.promptTokens,
      completion_tokens: charge.completionTokens,
      total_tokens: charge.totalTokens,
    });

    upstream.script({ chunks: ['Counted', ' by', ' the', ' server'], usage: false });
    const chunks = await streamedChunks({
      model: 'test-model',
      messages: [{ role: 'user', content: 'No usage from the provider, please' }],
      stream_options: { include_usage: true },
    });
    const streamed = chunks.at(-1)!.usage!;
    expect(streamed.completion_tokens).toBeGreaterThan(0);
    expect(streamed.prompt_tokens).toBeGreaterThan(0);
    const streamedEntry = await eventually(latestEntry, (e) => e?.estimated === true);
    expect(streamed).toEqual(counts(streamedEntry!));

    // A stored exchange holds its charge on the reply; the JSON answer says the same.
    upstream.script({ chunks: ['Stored', ' and', ' counted'], usage: false });
    const whole = await sdk.client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'Store this one' }],
      store: true,
    });
    const reply = await Message.findOne({
      userId: owner(),
      role: 'assistant',
      content: 'Stored and counted',
    }).lean();
    expect(reply!.usage).toBeNull();
    expect(reply!.charge).toMatchObject({ estimated: true });
    expect(whole.usage).toEqual(counts(reply!.charge!));
  });

  it('when tool definitions, tool calls and tool results carry most of a request, then the size cap counts them, and with no usage from the provider the charge counts them and the tool calls written', async () => {
    const tool = (description: string) => ({
      type: 'function' as const,
      function: { name: 'lookup', description, parameters: { type: 'object' } },
    });
    // Over the cap (V1_MAX_INPUT_CHARS, 200,000) in a tool's description alone: refused, not sent.
    const calls = upstream.requests.length;
    const error = await sdk.client.chat.completions
      .create({
        model: 'test-model',
        messages: [{ role: 'user', content: 'hi' }],
        tools: [tool('d'.repeat(200_001))],
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toMatchObject({ status: 400, code: 'context_length_exceeded' });
    expect(upstream.requests).toHaveLength(calls);

    // About 1,800 tokens of tool result (800), arguments (800) and definitions (200); the model
    // answers with a tool call only, and reports no usage.
    const toolCalls = [
      { index: 0, id: 'call_2', type: 'function', function: { name: 'lookup', arguments: '' } },
      { index: 0, function: { arguments: `{"q":"${'a'.repeat(400)}"}` } },
    ];
    upstream.script({ chunks: [], toolCalls, finishReason: 'tool_calls', usage: false });
    await sdk.client.chat.completions.create({
      model: 'test-model',
      messages: [
        { role: 'user', content: 'Look it up' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'lookup', arguments: `{"q":"${'word '.repeat(800)}"}` },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'result '.repeat(800) },
      ],
      tools: [tool('description '.repeat(200))],
    });
    const entry = await eventually(
      () => UsageEntry.findOne({ userId: owner() }).sort({ createdAt: -1 }).lean(),
      (e) => e?.estimated === true && e.completionTokens > 0,
    );
    expect(entry!.promptTokens).toBeGreaterThan(1700);
    // The 400 characters of arguments it wrote: about 50 to 100 tokens.
    expect(entry!.completionTokens).toBeGreaterThan(40);
  });

  it('when the provider stream ends without a finish reason or [DONE], then the answer says stop and the stored reply keeps none', async () => {
    upstream.script({ chunks: ['Cut', ' short'], finishReason: null, done: false });
    const chunks = await streamedChunks({
      model: 'test-model',
      messages: [{ role: 'user', content: 'Unfinished' }],
      store: true,
    });
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Cut short');
    expect(chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean)).toEqual(['stop']);
    const reply = await Message.findOne({
      userId: owner(),
      role: 'assistant',
      content: 'Cut short',
    }).lean();
    expect(reply).toMatchObject({ status: 'complete', finishReason: null });

    upstream.script({ chunks: ['Also', ' cut'], finishReason: null, done: false });
    const whole = await sdk.client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'Unfinished' }],
    });
    expect(whole.choices[0]!.finish_reason).toBe('stop');
    expect(whole.choices[0]!.message.content).toBe('Also cut');
  });

  it('when tools are given, then they reach the provider and its tool calls come back, streamed and whole', async () => {
    const tools = [
      {
        type: 'function' as const,
        function: {
          name: 'get_weather',
          description: 'Weather of a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
        },
      },
    ];
    const toolCalls = [
      {
        index: 0,
        id: 'call_1',
        type: 'function',
        function: { name: 'get_weather', arguments: '' },
      },
      { index: 0, function: { arguments: '{"city":' } },
      { index: 0, function: { arguments: '"Paris"}' } },
    ];
    upstream.script({ chunks: [], toolCalls, finishReason: 'tool_calls' });
    const completion = await sdk.client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools,
      tool_choice: 'auto',
    });
    expect(upstream.requests[0]!.body).toMatchObject({ tools, tool_choice: 'auto' });
    expect(completion.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: {
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
        ],
      },
    });

    upstream.script({ chunks: [], toolCalls, finishReason: 'tool_calls' });
    const stream = await sdk.client.chat.completions.create({
      model: 'test-model',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_0', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_0', content: 'sunny' },
      ],
      tools,
      stream: true,
    });
    const deltas = [];
    for await (const chunk of stream) deltas.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
    expect(deltas).toEqual(toolCalls);
    expect(upstream.requests[1]!.body.messages).toHaveLength(3);
  });

  it("when the model refuses (delta.refusal), then the answer's refusal carries it, streamed and whole, and a chat shows it as the reply", async () => {
    const refusal = ['I cannot', ' help with that.'];
    // No usage from the provider: the refusal is counted as output.
    upstream.script({ chunks: [], refusal, usage: false });
    const whole = await sdk.client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'Something refused' }],
    });
    expect(whole.choices[0]!.message).toMatchObject({
      content: null,
      refusal: 'I cannot help with that.',
    });
    expect(whole.usage!.completion_tokens).toBeGreaterThan(0);

    upstream.script({ chunks: [], refusal });
    const chunks = await streamedChunks({
      model: 'test-model',
      messages: [{ role: 'user', content: 'Something refused' }],
    });
    expect(chunks.flatMap((c) => c.choices.map((choice) => choice.delta.refusal ?? ''))).toEqual([
      '',
      ...refusal,
      '',
    ]);

    // A chat's reply shows the refusal as its text.
    upstream.script({ chunks: [], refusal });
    const chat = await ctx
      .request()
      .post('/api/chats')
      .set(sdk.user.auth)
      .send({ message: 'Something refused', stream: false });
    expect(chat.status).toBe(201);
    expect(chat.body.messages[1]).toMatchObject({
      content: 'I cannot help with that.',
      status: 'complete',
    });
  });

  it("when a reasoning model thinks before answering, then its thinking comes back in its server's field, streamed and whole, and a chat's reply holds only the answer", async () => {
    const thinking = ['Greeting', ' requested.'];
    type Reasoned = Record<string, unknown>;
    for (const field of ['reasoning_content', 'reasoning']) {
      upstream.script({ reasoning: { pieces: thinking, field }, chunks: ['Hi', '!'] });
      const chunks = await streamedChunks({
        model: 'test-model',
        messages: [{ role: 'user', content: 'Greet me' }],
      });
      const deltas = chunks.flatMap((c) => c.choices.map((choice) => choice.delta as Reasoned));
      expect(
        deltas.map((d) => d[field] ?? ''),
        field,
      ).toEqual(['', ...thinking, '', '', '']);
      expect(deltas.map((d) => (typeof d.content === 'string' ? d.content : '')).join('')).toBe(
        'Hi!',
      );

      upstream.script({ reasoning: { pieces: thinking, field }, chunks: ['Hi', '!'] });
      const whole = await sdk.client.chat.completions.create({
        model: 'test-model',
        messages: [{ role: 'user', content: 'Greet me' }],
      });
      expect(whole.choices[0]!.message as unknown as Reasoned, field).toMatchObject({
        content: 'Hi!',
        [field]: 'Greeting requested.',
      });
    }

    upstream.script({ reasoning: { pieces: thinking }, chunks: ['Hi', '!'] });
    const chat = await ctx
      .request()
      .post('/api/chats')
      .set(sdk.user.auth)
      .send({ message: 'Greet me', stream: false });
    expect(chat.status).toBe(201);
    expect(chat.body.messages[1]).toMatchObject({ content: 'Hi!', status: 'complete' });
  });

  it('when the provider is slow to its first token, then the 200, the stream headers and the role chunk arrive before it', async () => {
    let release!: () => void;
    // The provider's headers come at once, its first token only once released.
    upstream.script({
      chunks: [],
      holdUntil: new Promise<void>((r) => (release = r)),
      afterHold: ['late'],
    });
    const payload = JSON.stringify({
      model: 'test-model',
      messages: [{ role: 'user', content: 'Slow' }],
      stream: true,
    });
    const req = http.request(`${sdk.server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sdk.apiKey}`, 'content-type': 'application/json' },
    });
    const response = new Promise<http.IncomingMessage>((resolve) => req.once('response', resolve));
    req.end(payload);
    let body = '';
    const res = await response;
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (body += chunk));
    const ended = new Promise((resolve) => res.once('end', resolve));
    // The provider holds its answer: the headers and the opening role chunk are there already.
    try {
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
      await eventually(
        () => Promise.resolve(body),
        (text) => text.includes('"role"'),
      );
      expect(body).not.toContain('late');
    } finally {
      release();
    }
    await ended;
    expect(body).toContain('"content":"late"');
    expect(body.trim().split('\n\n').at(-1)).toBe('data: [DONE]');
  });

  it('when the client aborts mid-stream, then the upstream request is cut, the slot is freed and nothing is stored', async () => {
    const before = await stored();
    upstream.script({ chunks: Array.from({ length: 100 }, (_, i) => `w${i} `), delayMs: 50 });
    const controller = new AbortController();
    const stream = await sdk.client.chat.completions.create(
      { model: 'test-model', messages: [{ role: 'user', content: 'Long' }], stream: true },
      { signal: controller.signal },
    );
    let seen = 0;
    // The SDK ends the iteration quietly (or with an abort error) once its signal fires.
    try {
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) seen += 1;
        if (seen === 2) controller.abort();
      }
    } catch (error) {
      expect((error as Error).name).toMatch(/Abort/);
    }
    expect(seen).toBe(2);
    await upstream.requests[0]!.finished;
    expect(upstream.requests[0]!.aborted).toBe(true);
    expect(await eventually(leases, (n) => n === 0)).toBe(0);
    expect(await stored()).toEqual(before);
    // The slot (MAX_CONCURRENT_STREAMS=1) is free again.
    const next = await sdk.client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'Again' }],
    });
    expect(next.choices[0]!.message.content).toBe('Hello world!');
  });

  it('when the client aborts a stream and asks again at once, while the aborted reply is still giving its slot back, then the new request waits for that slot instead of a 429', async () => {
    upstream.script({ chunks: Array.from({ length: 100 }, (_, i) => `w${i} `), delayMs: 50 });
    // The aborted reply's slot comes back late: its last write is held.
    const held = holdCall(Generation.collection, 'deleteOne');
    const controller = new AbortController();
    const stream = await sdk.client.chat.completions.create(
      { model: 'test-model', messages: [{ role: 'user', content: 'Long' }], stream: true },
      { signal: controller.signal },
    );
    try {
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) controller.abort();
    } catch (error) {
      expect((error as Error).name).toMatch(/Abort/);
    }
    await held.reached;
    expect(await leases()).toBe(1);
    const again = sdk.client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'Again' }],
    });
    setTimeout(held.release, 200);
    try {
      // MAX_CONCURRENT_STREAMS=1: admitted once the slot is back, not refused 429.
      expect((await again).choices[0]!.message.content).toBe('Hello world!');
    } finally {
      held.release();
      held.restore();
    }
    expect(await eventually(leases, (n) => n === 0)).toBe(0);
  });

  it('when the client aborts a stored stream, then the partial reply is stored as incomplete and the slot is freed', async () => {
    upstream.script({ chunks: Array.from({ length: 100 }, (_, i) => `p${i} `), delayMs: 50 });
    const controller = new AbortController();
    const { data: stream, response } = await sdk.client.chat.completions
      .create(
        {
          model: 'test-model',
          messages: [{ role: 'user', content: 'Keep this' }],
          stream: true,
          store: true,
        },
        { signal: controller.signal },
      )
      .withResponse();
    const chatId = response.headers.get('x-chat-id')!;
    let seen = 0;
    try {
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) seen += 1;
        if (seen === 2) controller.abort();
      }
    } catch (error) {
      expect((error as Error).name).toMatch(/Abort/);
    }
    const messages = await eventually(
      () =>
        Message.find({ chatId: new Types.ObjectId(chatId) })
          .sort({ createdAt: 1 })
          .lean(),
      // The reply is stored `streaming` when it starts; the abort cuts it at once (no detach grace).
      (rows) => rows.length === 2 && rows[1]!.status !== 'streaming',
    );
    expect(messages.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'incomplete'],
    ]);
    expect(messages[1]!.content).toMatch(/^p0 p1 /);
    // Cut at once: far fewer than the 100 chunks the model would have sent.
    expect(messages[1]!.content.split(' ').length).toBeLessThan(50);
    expect(await eventually(leases, (n) => n === 0)).toBe(0);
  });

  it('when a stored stream is stopped through its chat (POST /stop), then the stream ends with an error that says it was stopped, not to retry', async () => {
    upstream.script({ chunks: Array.from({ length: 100 }, (_, i) => `s${i} `), delayMs: 50 });
    const { data: stream, response } = await sdk.client.chat.completions
      .create({
        model: 'test-model',
        messages: [{ role: 'user', content: 'Stop me' }],
        stream: true,
        store: true,
      })
      .withResponse();
    const chatId = response.headers.get('x-chat-id')!;
    let seen = 0;
    const error = await (async () => {
      try {
        for await (const chunk of stream) {
          if (chunk.choices[0]?.delta.content) seen += 1;
          if (seen === 2)
            expect(
              (await ctx.request().post(`/api/chats/${chatId}/stop`).set(sdk.user.auth)).status,
            ).toBe(202);
        }
      } catch (caught) {
        return caught as Error & { code?: string };
      }
      return null;
    })();
    expect(error?.code).toBe('generation_interrupted');
    expect(error?.message).toContain('stopped before it finished');
    expect(error?.message).not.toContain('retry');
    expect(await eventually(leases, (n) => n === 0)).toBe(0);
  });

  it('when the client hangs up before its stored stream opens, then the reply is cut and the slot freed at once, not after the stall timeout', async () => {
    upstream.script({ chunks: Array.from({ length: 100 }, (_, i) => `p${i} `), delayMs: 50 });
    // The exchange's messages are stored only once the server has seen the client's connection
    // close: the stream is then opened on a response closed already.
    // This request's response is the first the server serves from here on.
    const servedBefore = sdk.server.served.length;
    const served = () => sdk.server.served[servedBefore]?.res;
    const insertMany = Message.collection.insertMany.bind(Message.collection);
    const held = vi
      .spyOn(Message.collection, 'insertMany')
      .mockImplementation(async (...args: Parameters<typeof insertMany>) => {
        await eventually(() => Promise.resolve(served()?.closed), Boolean);
        return insertMany(...args);
      });
    try {
      const body = JSON.stringify({
        model: 'test-model',
        messages: [{ role: 'user', content: 'Gone at once' }],
        stream: true,
        store: true,
      });
      const socket = net.connect(sdk.server.port, '127.0.0.1', () =>
        socket.end(
          `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${sdk.apiKey}\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
          () => socket.destroy(),
        ),
      );
      const question = await eventually(
        () => Message.findOne({ userId: owner(), content: 'Gone at once' }).lean(),
        (m) => m !== null,
      );
      const reply = await eventually(
        () => Message.findOne({ parentId: question!._id }).lean(),
        (m) => m !== null && m.status !== 'streaming',
      );
      expect(reply!.status).toBe('incomplete');
      // Freed within a few seconds, where the stall timeout would have held it 30 s.
      expect(await eventually(leases, (n) => n === 0, 5000)).toBe(0);
    } finally {
      held.mockRestore();
    }
  });

  it('when store: true, then the exchange goes into a new chat (X-Chat-Id), and metadata.chat_id continues it', async () => {
    upstream.script({ chunks: ['Stored', ' reply'] });
    const { data, response } = await sdk.client.chat.completions
      .create({
        model: 'test-model',
        messages: [{ role: 'user', content: 'Remember this' }],
        store: true,
      })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe('Stored reply');
    const chatId = response.headers.get('x-chat-id')!;
    expect(chatId).toMatch(/^[a-f0-9]{24}$/);
    const chat = await Chat.findById(chatId).lean();
    expect(chat).toMatchObject({ userId: owner(), model: 'test-model', title: 'Remember this' });
    const first = await Message.find({ chatId: chat!._id }).sort({ createdAt: 1 }).lean();
    expect(first.map((m) => [m.role, m.content, m.status])).toEqual([
      ['user', 'Remember this', 'complete'],
      ['assistant', 'Stored reply', 'complete'],
    ]);

    upstream.script({ chunks: ['More'] });
    const stream = await sdk.client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'And this' }],
      store: true,
      metadata: { chat_id: chatId },
      stream: true,
    });
    for await (const _ of stream) void _;
    const all = await Message.find({ chatId: chat!._id }).sort({ createdAt: 1 }).lean();
    expect(all.map((m) => m.content)).toEqual([
      'Remember this',
      'Stored reply',
      'And this',
      'More',
    ]);
    // The caller's messages are what the provider gets, not the stored history.
    expect(upstream.requests[1]!.body.messages).toEqual([{ role: 'user', content: 'And this' }]);

    const other = await userWithSdkClient(ctx, sdk.server, { label: 'v1-other', maxRetries: 0 });
    const error = await other.client.chat.completions
      .create({
        model: 'test-model',
        messages: [{ role: 'user', content: 'Sneak' }],
        store: true,
        metadata: { chat_id: chatId },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error).toMatchObject({ status: 404, code: 'chat_not_found', param: 'metadata.chat_id' });
    expect(await Message.countDocuments({ chatId: chat!._id })).toBe(4);
  });

  it('when a browser on an allowed origin stores an exchange, then CORS exposes X-Chat-Id to it', async () => {
    const origin = 'http://localhost:5173'; // CORS_ORIGINS in tests/helpers/env.ts
    const res = await ctx
      .request()
      .post('/v1/chat/completions')
      .set('Origin', origin)
      .set('Authorization', `Bearer ${sdk.apiKey}`)
      .send({ model: 'demo', messages: [{ role: 'user', content: 'From a page' }], store: true });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(origin);
    expect(res.headers['x-chat-id']).toMatch(/^[a-f0-9]{24}$/);
    const exposed = String(res.headers['access-control-expose-headers']).split(/\s*,\s*/);
    expect(exposed).toContain('X-Chat-Id');
    // OpenAI's SDKs read it to leave a spent budget alone; in a page, only if it is exposed.
    expect(exposed).toContain('x-should-retry');
    expect(await Chat.countDocuments({ _id: res.headers['x-chat-id'], userId: owner() })).toBe(1);
  });

  it('when the demo model is asked, then it answers without a provider', async () => {
    const completion = await sdk.client.chat.completions.create({
      model: 'demo',
      messages: [{ role: 'user', content: 'Ping' }],
    });
    expect(completion.choices[0]!.message.content).toContain('[Demo model]');
    expect(completion.choices[0]!.message.content).toContain('Ping');
    expect(completion.usage!.total_tokens).toBeGreaterThan(0);
    expect(upstream.requests).toHaveLength(0);
  });

  it('when the demo model is given max_tokens or max_completion_tokens, then it stops there with finish_reason length, as a provider does', async () => {
    for (const limit of [{ max_tokens: 5 }, { max_completion_tokens: 5 }]) {
      const completion = await sdk.client.chat.completions.create({
        model: 'demo',
        messages: [{ role: 'user', content: 'Ping' }],
        ...limit,
      });
      expect(completion.choices[0]!.finish_reason).toBe('length');
      expect(completion.usage!.completion_tokens).toBeLessThanOrEqual(5);
      expect(completion.usage!.completion_tokens).toBeGreaterThan(0);
    }
    // A limit below the first word: no text, and no reply tokens counted for it.
    const none = await sdk.client.chat.completions.create({
      model: 'demo',
      messages: [{ role: 'user', content: 'Ping' }],
      max_tokens: 1,
    });
    expect(none.choices[0]).toMatchObject({ finish_reason: 'length', message: { content: '' } });
    expect(none.usage!.completion_tokens).toBe(0);
  });
});

describe('errors in OpenAI shape, mapped by the SDK', () => {
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => null,
      (e: unknown) => e,
    );

  it('when the key is wrong, then AuthenticationError 401 invalid_api_key', async () => {
    const bad = new OpenAI({ apiKey: 'sgpt_wrong', baseURL: sdk.client.baseURL, maxRetries: 0 });
    const error = await failure(bad.models.list());
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error).toMatchObject({
      status: 401,
      code: 'invalid_api_key',
      type: 'invalid_request_error',
    });
  });

  it('when the model is not allowed, then NotFoundError 404 model_not_found and no provider call', async () => {
    const error = await failure(
      sdk.client.chat.completions.create({
        model: 'gpt-nope',
        messages: [{ role: 'user', content: 'x' }],
      }),
    );
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error).toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
    expect(upstream.requests).toHaveLength(0);
  });

  it('when n > 1, an unknown parameter or a bad value is sent, then BadRequestError 400 naming it', async () => {
    const n = await failure(
      sdk.client.chat.completions.create({
        model: 'test-model',
        n: 2,
        messages: [{ role: 'user', content: 'x' }],
      }),
    );
    expect(n).toBeInstanceOf(OpenAI.BadRequestError);
    expect(n).toMatchObject({ status: 400, param: 'n', type: 'invalid_request_error' });
    expect((n as Error).message).toMatch(/n = 1/);

    const unknown = await failure(
      sdk.client.chat.completions.create({
        model: 'test-model',
        messages: [{ role: 'user', content: 'x' }],
        logit_bias: { '50256': -100 },
      }),
    );
    expect(unknown).toMatchObject({ status: 400, code: 'unknown_parameter', param: 'logit_bias' });
    expect((unknown as Error).message).toContain('logit_bias');

    const temperature = await failure(
      sdk.client.chat.completions.create({
        model: 'test-model',
        temperature: 3,
        messages: [{ role: 'user', content: 'x' }],
      }),
    );
    expect(temperature).toMatchObject({ status: 400, param: 'temperature' });
    const empty = await failure(
      sdk.client.chat.completions.create({ model: 'test-model', messages: [] }),
    );
    expect(empty).toMatchObject({ status: 400, param: 'messages' });
    const role = await failure(
      sdk.client.chat.completions.create({
        model: 'test-model',
        messages: [{ role: 'robot', content: 'x' } as never],
      }),
    );
    expect(role).toMatchObject({ status: 400, param: 'messages[0].role' });
    // Content parts of OpenAI's types without the field their type needs.
    for (const [part, param] of [
      [{ type: 'text' }, 'messages[0].content[0].text'],
      [{ type: 'image_url', image_url: {} }, 'messages[0].content[0].image_url.url'],
    ] as const) {
      const bad = await failure(
        sdk.client.chat.completions.create({
          model: 'test-model',
          messages: [{ role: 'user', content: [part as never] }],
        }),
      );
      expect(bad).toMatchObject({ status: 400, param });
    }
    const noMessages = await failure(
      sdk.client.chat.completions.create({ model: 'test-model' } as never),
    );
    expect(noMessages).toMatchObject({
      status: 400,
      param: 'messages',
      code: 'missing_required_parameter',
    });
    for (const stream of [undefined, false]) {
      const options = await failure(
        sdk.client.chat.completions.create({
          model: 'test-model',
          messages: [{ role: 'user', content: 'x' }],
          stream,
          stream_options: { include_usage: true },
        }),
      );
      expect(options).toMatchObject({ status: 400, param: 'stream_options' });
      expect((options as Error).message).toMatch(/only allowed when stream is true/);
    }
    expect(upstream.requests).toHaveLength(0);
  });

  it('when a tool schema nests deeper than the body allows (64 levels), then 400, not a 500; at 64 levels it is relayed', async () => {
    // The body, the tools list, the tool, its function and its parameters are 5 levels.
    const nested = (levels: number) => {
      let value: unknown = 1;
      for (let i = 0; i < levels; i += 1) value = [value];
      return value;
    };
    const withDepth = (levels: number) =>
      sdk.client.chat.completions.create({
        model: 'test-model',
        messages: [{ role: 'user', content: 'x' }],
        tools: [{ type: 'function', function: { name: 'f', parameters: { a: nested(levels) } } }],
      });
    const asked = upstream.requests.length;
    for (const levels of [60, 1000]) {
      const error = await failure(withDepth(levels));
      expect(error, String(levels)).toMatchObject({ status: 400 });
      expect((error as Error).message).toContain('deeper than 64 levels');
    }
    expect(upstream.requests).toHaveLength(asked);
    upstream.script({ chunks: ['ok'] });
    const relayed = await withDepth(59);
    expect(relayed.choices[0]!.message.content).toBe('ok');
    expect(upstream.requests).toHaveLength(asked + 1);
  });

  it('when a content part has a type named like an object property (__proto__, constructor, toString), then it is relayed as any other type, not a 500', async () => {
    for (const type of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      upstream.script({ chunks: ['ok'] });
      const asked = upstream.requests.length;
      const done = await sdk.client.chat.completions.create({
        model: 'test-model',
        messages: [{ role: 'user', content: [{ type, extra: 1 } as never] }],
      });
      expect(done.choices[0]!.message.content, type).toBe('ok');
      expect(upstream.requests).toHaveLength(asked + 1);
      expect(upstream.requests.at(-1)!.body).toMatchObject({
        messages: [{ role: 'user', content: [{ type, extra: 1 }] }],
      });
    }
  });

  it('when the messages hold more text than V1_MAX_INPUT_CHARS, then 400 context_length_exceeded', async () => {
    const huge = 'x'.repeat(100_001);
    const error = await failure(
      sdk.client.chat.completions.create({
        model: 'test-model',
        messages: [
          { role: 'user', content: huge },
          { role: 'user', content: huge },
        ],
      }),
    );
    expect(error).toMatchObject({
      status: 400,
      code: 'context_length_exceeded',
      param: 'messages',
    });
  });

  it('when the messages hold V1_MAX_INPUT_CHARS emoji, then they are answered (an emoji is one character, as every text limit counts it), and one more is the same 400 context_length_exceeded', async () => {
    const ask = (emoji: number) =>
      sdk.client.chat.completions.create({
        model: 'demo',
        messages: [
          { role: 'user', content: '😀'.repeat(emoji - 100_000) },
          { role: 'user', content: '😀'.repeat(100_000) },
        ],
      });
    const before = await stored();
    const done = await ask(200_000);
    expect(done.object).toBe('chat.completion');
    expect(done.choices[0]!.finish_reason).toBe('stop');
    const error = await failure(ask(200_001));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({
      status: 400,
      code: 'context_length_exceeded',
      param: 'messages',
      error: {
        message:
          'The request holds 200001 characters of text (messages, tool calls and results, tool definitions); this server accepts at most 200000 per request',
      },
    });
    expect(await stored()).toEqual(before);
  });

  it("when V1_MAX_MESSAGES messages hold V1_MAX_INPUT_CHARS of text with every character escaped (as Python's json.dumps writes them), then it is answered, and one more character is a 400 context_length_exceeded, never a 413", async () => {
    // ensure_ascii: each UTF-16 unit as \uXXXX, so an emoji (one character) takes 12 bytes;
    // 500 messages of 400 emoji are the 200,000 characters the cap counts, in 2.4 MB of JSON.
    const escaped = (body: Record<string, unknown>) =>
      JSON.stringify(body).replace(
        /[\u0080-\uffff]/g,
        (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`,
      );
    const send = (last: string) =>
      ctx
        .request()
        .post('/v1/chat/completions')
        .set('Authorization', `Bearer ${sdk.apiKey}`)
        .set('Content-Type', 'application/json')
        .send(
          escaped({
            model: 'demo',
            messages: Array.from({ length: 500 }, (_, i) => ({
              role: 'user',
              content: i === 499 ? last : '😀'.repeat(400),
            })),
          }),
        );
    const res = await send('😀'.repeat(400));
    expect(res.body.error).toBeUndefined();
    expect(res.status).toBe(200);
    expect(res.body.object).toBe('chat.completion');
    const over = await send(`${'😀'.repeat(400)}x`);
    expect(over.status).toBe(400);
    expect(over.body.error).toMatchObject({ code: 'context_length_exceeded', param: 'messages' });
  });

  it('when all stream slots are busy, then RateLimitError 429 rate_limit_exceeded with Retry-After', async () => {
    // The first reply holds the one slot until the second call has been refused.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    upstream.script({ chunks: ['slow', ' reply'], holdUntil: held });
    const running = sdk.client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'a' }],
    });
    await eventually(leases, (n) => n === 1);
    let error: unknown;
    try {
      error = await failure(
        sdk.client.chat.completions.create({
          model: 'test-model',
          messages: [{ role: 'user', content: 'b' }],
        }),
      );
    } finally {
      // Whatever the second call got, the file's one slot is given back for the next tests.
      release();
    }
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limit_exceeded', type: 'requests' });
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe(
      '1',
    );
    expect((await running).choices[0]!.message.content).toBe('slow reply');
  });

  it('when the provider fails, then a server error without its body, in JSON and in the stream', async () => {
    upstream.script({ status: 500 });
    const json = await failure(
      sdk.client.chat.completions.create({
        model: 'test-model',
        messages: [{ role: 'user', content: 'x' }],
      }),
    );
    expect(json).toBeInstanceOf(OpenAI.APIError);
    expect(json).toMatchObject({ status: 502, type: 'server_error', code: 'upstream_error' });
    expect(JSON.stringify(json)).not.toContain('sk-leak');

    // However the provider writes its error mid-stream: a `data: {"error": …}` chunk, an event
    // named `error`, or llama.cpp's `error:` line.
    for (const failWith of ['error-event', 'named-error-event', 'error-field'] as const) {
      upstream.script({ chunks: ['part'], failAfter: 1, failWith });
      const stream = await sdk.client.chat.completions.create({
        model: 'test-model',
        messages: [{ role: 'user', content: 'x' }],
        stream: true,
      });
      const error = await failure(
        (async () => {
          for await (const _ of stream) void _;
        })(),
      );
      expect(error, failWith).toBeInstanceOf(OpenAI.APIError);
      expect((error as Error).message).not.toContain('sk-leak');
      expect((error as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({
        code: 'upstream_error',
      });
    }
  });

  it('when the provider stream ends with neither content nor a finish reason, then a server error, and the stored reply is an error to regenerate', async () => {
    upstream.script({ chunks: [''], finishReason: null });
    const error = await failure(
      sdk.client.chat.completions.create({
        model: 'test-model',
        messages: [{ role: 'user', content: 'Nothing comes' }],
        store: true,
      }),
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({ status: 502, type: 'server_error', code: 'upstream_error' });
    const reply = await Message.findOne({ userId: owner(), role: 'assistant' })
      .sort({ createdAt: -1, _id: -1 })
      .lean();
    expect(reply).toMatchObject({
      content: '',
      status: 'error',
      finishReason: null,
      error: { code: 'UPSTREAM_ERROR' },
    });
    expect(await leases()).toBe(0);
  });

  it("when the provider refuses the caller's request (400) or rate-limits this server (429), then BadRequestError 400 or RateLimitError 429 with its Retry-After, without its text", async () => {
    // A part type beyond OpenAI's (a provider's own, vLLM's video_url) is relayed as it is, extra
    // fields too; whether it is taken is the provider's call, and its 400 is the caller's.
    const video = {
      type: 'video_url',
      video_url: { url: 'https://example.test/clip.mp4' },
      cache_control: { type: 'ephemeral' },
    };
    upstream.script({ chunks: ['seen'] });
    await sdk.client.chat.completions.create({
      model: 'test-model',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'What is in it?' }, video as never] },
      ],
    });
    expect(upstream.requests.at(-1)!.body).toMatchObject({
      messages: [{ content: [{ type: 'text' }, video] }],
    });
    for (const [status, retryAfter] of [
      [400, undefined],
      [422, undefined],
      [429, '7'],
    ] as const) {
      for (const stream of [false, true]) {
        upstream.script({ status, ...(retryAfter ? { retryAfter } : {}) });
        const error = await failure(
          sdk.client.chat.completions.create({
            model: 'test-model',
            messages: [{ role: 'user', content: 'x' }],
            stream,
          }),
        );
        if (status === 429) {
          expect(error).toBeInstanceOf(OpenAI.RateLimitError);
          expect(error).toMatchObject({ status: 429, code: 'upstream_rate_limited' });
          expect((error as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe(
            '7',
          );
        } else {
          expect(error).toBeInstanceOf(OpenAI.BadRequestError);
          expect(error).toMatchObject({
            status: 400,
            type: 'invalid_request_error',
            code: 'upstream_invalid_request',
          });
          expect((error as Error).message).toContain(`HTTP ${status}`);
        }
        expect(JSON.stringify(error)).not.toContain('sk-leak');
      }
    }
  });

  it('when the provider refuses a streamed call before streaming, then the error comes as its HTTP status, not as a 200', async () => {
    upstream.script({ status: 500 });
    // The SDK throws from create(): the status came before any stream.
    const error = await failure(
      sdk.client.chat.completions.create({
        model: 'test-model',
        messages: [{ role: 'user', content: 'Refused' }],
        stream: true,
        store: true,
      }),
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({ status: 502, type: 'server_error', code: 'upstream_error' });
    expect(JSON.stringify(error)).not.toContain('sk-leak');
    // The same at the wire: a JSON error, no event stream, and the stored exchange says so.
    upstream.script({ status: 500 });
    const res = await fetch(`${sdk.server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sdk.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'test-model',
        messages: [{ role: 'user', content: 'Refused again' }],
        stream: true,
        store: true,
      }),
    });
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ error: { code: 'upstream_error' } });
    const question = await Message.findOne({ userId: owner(), content: 'Refused again' }).lean();
    const reply = await Message.findOne({ parentId: question!._id }).lean();
    expect(reply).toMatchObject({ role: 'assistant', status: 'error', content: '' });
    expect(await eventually(leases, (n) => n === 0)).toBe(0);
  });

  it('when an unknown /v1 path or a wrong method is called, then 404 / 405 in the same shape', async () => {
    const path = await fetch(`${sdk.server.url}/v1/completions`, {
      headers: { Authorization: `Bearer ${sdk.client.apiKey}` },
    });
    expect(path.status).toBe(404);
    expect(await path.json()).toMatchObject({
      error: { type: 'invalid_request_error', code: 'unknown_url' },
    });
    const method = await fetch(`${sdk.server.url}/v1/models`, { method: 'DELETE' });
    expect(method.status).toBe(405);
    expect(await method.json()).toMatchObject({ error: { code: 'method_not_allowed' } });
  });
});

describe('GET /v1/models', () => {
  it('when listed with the SDK, then the allowed MODELS come in OpenAI list format, and one can be retrieved', async () => {
    const page = await sdk.client.models.list();
    expect(page.data.map((m) => m.id)).toEqual(['test-model', 'demo']);
    for (const model of page.data)
      expect(model).toEqual({
        id: model.id,
        object: 'model',
        created: expect.any(Number),
        owned_by: expect.any(String),
      });
    expect((await sdk.client.models.retrieve('demo')).id).toBe('demo');
    const missing = await sdk.client.models.retrieve('gpt-nope').then(
      () => null,
      (e: unknown) => e,
    );
    expect(missing).toMatchObject({ status: 404, code: 'model_not_found' });
  });
});
