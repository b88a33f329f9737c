import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { createUser } from '../helpers/users.js';

/**
 * README ("Reconnecting"): an Idempotency-Key on POST /api/chats makes a repeat answer with the
 * same exchange, and "a repeat of an exchange its owner has deleted since (the question, or only
 * the answer) is a 404 NOT_FOUND". The published description must list that status.
 */
describe('POST /api/chats publishes the 404 it answers', () => {
  const ctx = useTestApp({ MODELS: 'demo', DEMO_CHUNK_DELAY_MS: '0' });

  it('when a keyed first message is repeated after its question was deleted, then the 404 is one POST /api/chats publishes', async () => {
    const user = await createUser();
    const key = `docs-review-${Date.now()}`;
    const body = { message: 'hello', stream: false };
    const first = await ctx
      .request()
      .post('/api/chats')
      .set(user.auth)
      .set('Idempotency-Key', key)
      .send(body);
    expect(first.status).toBe(201);
    const question = first.body.messages[0].id as string;
    await ctx
      .request()
      .delete(`/api/chats/${first.body.chat.id}/messages/${question}`)
      .set(user.auth)
      .expect(204);

    const repeat = await ctx
      .request()
      .post('/api/chats')
      .set(user.auth)
      .set('Idempotency-Key', key)
      .send(body);
    expect(repeat.status).toBe(404);
    expect(repeat.body.error.code).toBe('NOT_FOUND');

    const document = (await ctx.request().get('/api/openapi.json').expect(200)).body;
    expect(Object.keys(document.paths['/api/chats'].post.responses)).toContain('404');
  });
});
