import { describe, expect, it } from 'vitest';
import { config } from '../../src/lib/config.js';
import { useTestApp, uniqueEmail } from '../helpers/app.js';
import { createUser } from '../helpers/users.js';

/**
 * schemathesis (negative_data_rejection) sent a message longer than the documented maxLength whose
 * excess was leading whitespace: the server trimmed first, measured after, and stored it (201).
 * The documented limit bounds what the client sends, so such input is a 400.
 */
describe('documented maxLength holds for the raw input, surrounding whitespace included', () => {
  const ctx = useTestApp();
  const padded = (limit: number) => `    ${'a'.repeat(limit - 3)}`; // limit + 1 characters, limit - 3 after trimming

  it('when message content, a title or a search exceeds its maxLength only by whitespace, then 400 and nothing is stored', async () => {
    const c = config();
    const auth = `Bearer ${(await createUser({ label: 'limits' })).accessToken}`;
    const chat = await ctx
      .request()
      .post('/api/chats')
      .set('Authorization', auth)
      .send({ title: 'limits' })
      .expect(201);

    const send = await ctx
      .request()
      .post(`/api/chats/${chat.body.id}/messages`)
      .set('Authorization', auth)
      .send({ content: padded(c.MAX_MESSAGE_CHARS), stream: false });
    expect(send.status).toBe(400);
    expect(send.body.error.details).toEqual([expect.objectContaining({ path: 'content' })]);
    const compat = await ctx
      .request()
      .post('/api/chat')
      .set('Authorization', auth)
      .send({ message: padded(c.MAX_MESSAGE_CHARS), stream: false });
    expect(compat.status).toBe(400);
    const messages = await ctx
      .request()
      .get(`/api/chats/${chat.body.id}/messages`)
      .set('Authorization', auth)
      .expect(200);
    expect(messages.body).toEqual([]);

    const rename = await ctx
      .request()
      .patch(`/api/chats/${chat.body.id}`)
      .set('Authorization', auth)
      .send({ title: padded(c.MAX_TITLE_CHARS) });
    expect(rename.status).toBe(400);
    const search = await ctx
      .request()
      .get('/api/chats')
      .query({ q: padded(200) })
      .set('Authorization', auth);
    expect(search.status).toBe(400);
    // Just under the limit, whitespace included, is fine.
    await ctx
      .request()
      .patch(`/api/chats/${chat.body.id}`)
      .set('Authorization', auth)
      .send({ title: `  ${'a'.repeat(c.MAX_TITLE_CHARS - 2)}` })
      .expect(200);
  });

  it('when a display name or an email exceeds its maxLength only by whitespace, then 400', async () => {
    const name = await ctx
      .request()
      .post('/api/auth/signup')
      .send({ email: uniqueEmail('limits'), password: 'correct horse battery', name: padded(100) });
    expect(name.status).toBe(400);
    const longEmail = `${' '.repeat(10)}${'a'.repeat(240)}@example.test`; // 263 characters, 253 after trimming
    const email = await ctx
      .request()
      .post('/api/auth/signup')
      .send({ email: longEmail, password: 'correct horse battery' });
    expect(email.status).toBe(400);
  });
});
