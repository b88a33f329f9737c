import { describe, expect, it } from 'vitest';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import type { RecordedRequest } from '../helpers/upstream.js';

// The request body is encoded to bytes by us before undici sends it (src/lib/llm/upstream-memory.ts):
// what the provider receives must be the SDK's JSON, byte for byte, whatever the characters.
const ctx = useChatApp({ MAX_CONCURRENT_STREAMS: '3' });

const newChat = async () =>
  (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body.id as string;

const ask = async (content: string) => {
  const res = await ctx
    .request()
    .post(`/api/chats/${await newChat()}/messages`)
    .set(ctx.user.auth)
    .send({ content, stream: false });
  expect(res.status).toBe(201);
  expect(res.body.messages[1]).toMatchObject({ content: 'Hello world!', status: 'complete' });
};

/** The body arrived whole, as valid UTF-8 JSON written without spacing, ending with `question`. */
function expectExactBody(request: RecordedRequest, question: string) {
  expect(request.contentLength).toBe(request.rawBody.length);
  const text = request.rawBody.toString('utf8');
  // No byte was lost or replaced: the text encodes back to the very same bytes.
  expect(Buffer.from(text, 'utf8').equals(request.rawBody)).toBe(true);
  expect(text).toBe(JSON.stringify(JSON.parse(text)));
  expect(text).toContain(JSON.stringify(question));
  expect(request.messages.at(-1)).toEqual({ role: 'user', content: question });
}

// Two-, three- and four-byte UTF-8 characters, and characters JSON escapes.
const mixed = 'Grüße 🌍 und 日本語 — "quoted", back\\slash,\nnew line, tab\t, nul-free.';

describe('the request body the provider receives', () => {
  it('when the question holds multi-byte and escaped characters, then the provider receives the exact JSON with a matching Content-Length', async () => {
    await ask(mixed);
    expect(ctx.upstream.requests).toHaveLength(1);
    expectExactBody(ctx.upstream.requests[0]!, mixed);
  });

  it('when the body is larger than a shared buffer pool slice (over 32 KiB), then it arrives whole', async () => {
    // 15,000 three-byte characters: ~45 KB of UTF-8.
    const long = `${'日本語'.repeat(5_000)}!`;
    await ask(long);
    const [request] = ctx.upstream.requests;
    expect(request!.rawBody.length).toBeGreaterThan(45_000);
    expectExactBody(request!, long);
  });

  it('when several replies are requested at once, then each provider request carries its own question', async () => {
    const questions = ['erste Frage ü', 'second question 🌍', '三番目の質問'];
    await Promise.all(questions.map((q) => ask(q)));
    expect(ctx.upstream.requests).toHaveLength(3);
    for (const question of questions) {
      const request = ctx.upstream.requests.find((r) => r.messages.at(-1)?.content === question);
      expect(request, question).toBeDefined();
      expectExactBody(request!, question);
    }
  });
});

describe('the text of a message, as the user wrote it', () => {
  // Markdown gives leading spaces a meaning: four of them open a code block.
  const code = '    x = 1\n    y = 2\n';
  /** Each chats route that sends a message, with `text` as the message. */
  const routes: [string, (text: string) => Promise<{ status: number; body: any }>][] = [
    [
      'POST /api/chats',
      (text) =>
        ctx.request().post('/api/chats').set(ctx.user.auth).send({ message: text, stream: false }),
    ],
    [
      'POST /api/chats/:id/messages',
      async (text) =>
        ctx
          .request()
          .post(`/api/chats/${await newChat()}/messages`)
          .set(ctx.user.auth)
          .send({ content: text, stream: false }),
    ],
    [
      'POST /api/chat',
      (text) =>
        ctx.request().post('/api/chat').set(ctx.user.auth).send({ message: text, stream: false }),
    ],
  ];

  it.each(routes)(
    'when a message to %s starts with an indented code block and ends with a new line, then it is stored and sent to the provider as sent; only the title made from it is trimmed',
    async (_route, send) => {
      const res = await send(code);
      expect(res.status).toBe(201);
      expect(res.body.messages[0].content).toBe(code);
      expect((await Message.findById(res.body.messages[0].id).lean())!.content).toBe(code);
      expect(ctx.upstream.requests.at(-1)!.messages.at(-1)).toEqual({
        role: 'user',
        content: code,
      });
      expect((await Chat.findById(res.body.chat.id).lean())!.title).toBe('x = 1 y = 2');
    },
  );

  it.each(routes)(
    'when a message to %s is blank, then 400 VALIDATION_FAILED: it must not be empty, and the provider gets no request',
    async (_route, send) => {
      const res = await send(' \n\t ');
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [
          {
            path: expect.stringMatching(/^(message|content)$/),
            message: 'Message must not be empty',
          },
        ],
      });
      expect(ctx.upstream.requests).toHaveLength(0);
    },
  );
});
