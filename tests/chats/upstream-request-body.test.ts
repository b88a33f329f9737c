import { describe, expect, it } from 'vitest';
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
