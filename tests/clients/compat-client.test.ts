import { describe, expect, it } from 'vitest';
import { createClient, type StreamEvent } from '../../clients/typescript/src/index.js';
import { uniqueEmail, useTestApp } from '../helpers/app.js';
import { NO_TIGHT_LIMITS } from '../helpers/auth.js';
import { useListeningApp } from '../helpers/sse.js';

const ctx = useTestApp({
  ...NO_TIGHT_LIMITS,
  MODELS: 'demo',
  DEFAULT_MODEL: 'demo',
  DEMO_CHUNK_DELAY_MS: '1',
});
const server = useListeningApp(ctx);

async function signedUp() {
  const api = createClient({ baseUrl: server.url });
  await api.signup({ email: uniqueEmail(), password: 'correct horse battery staple' });
  return api;
}

describe('typed client on the SigmaGPT-compatible POST /api/chat', () => {
  it('when a frontend calls raw.POST("/api/chat") with the body the types allow ({ message }), then it gets the JSON result it is typed to get', async () => {
    const api = await signedUp();
    // Compiles: `stream` is optional and the only success type is the 201 ExchangeResult.
    const sent = await api.raw.POST('/api/chat', { body: { message: 'Hello' } });
    expect(sent.response.status).toBe(201);
    expect(sent.data?.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
  });

  it('when it uses sendCompat and streamCompat, then a new thread is started and continued by threadId', async () => {
    const api = await signedUp();
    const first = await api.sendCompat({ message: 'One' });
    const [question, reply] = first.messages;
    expect([question.role, reply.role]).toEqual(['user', 'assistant']);
    const events: StreamEvent[] = [];
    for await (const event of api.streamCompat({ message: 'Two', threadId: first.chat.id }))
      events.push(event);
    expect(events[0]!.event).toBe('meta');
    expect(events.at(-1)!.event).toBe('done');
    const meta = events[0] as Extract<StreamEvent, { event: 'meta' }>;
    expect(meta.data.chat.id).toBe(first.chat.id);
  });
});
