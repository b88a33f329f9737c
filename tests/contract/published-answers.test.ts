import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { createUser } from '../helpers/users.js';

/** Edge cases whose answer must be the one the description publishes (or a clear 4xx). */
describe('answers at the edge, as published', () => {
  // A small storage cap, for the chat change that outgrows it.
  const ctx = useTestApp({ MAX_STORED_BYTES_PER_USER: '200' });

  // body-parser decodes zstd where the Node's zlib has it (Node 22.15 / 23.8 on; not Node 20).
  const nodeHasZstd = 'createZstdDecompress' in zlib;

  it('when the body claims Content-Encoding: zstd it does not have, then 400 INVALID_JSON (415 naming zstd on a Node without it), not 500', async () => {
    const user = await createUser();
    const res = await ctx
      .request()
      .post('/api/chats')
      .set(user.auth)
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'zstd')
      .send('{"title":"x"}');
    if (nodeHasZstd) {
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'INVALID_JSON' });
    } else {
      expect(res.status).toBe(415);
      expect(res.body.error.message).toContain('(zstd)');
    }
  });

  // zstd where this Node decodes it is the test above's.
  it.each(nodeHasZstd ? ['compress'] : ['compress', 'zstd'])(
    'when the body is compressed as %s, which this Node does not decode, then 415 names the encoding and the ones taken (Accept-Encoding), not the charset',
    async (encoding) => {
      const user = await createUser();
      const res = await ctx
        .request()
        .post('/api/chats')
        .set(user.auth)
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', encoding)
        .send(zlib.gzipSync('{"title":"x"}'));
      expect(res.status).toBe(415);
      expect(res.body.error).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
      expect(res.body.error.message).toContain(`(${encoding})`);
      expect(res.body.error.message).toContain('gzip, deflate, br');
      expect(res.body.error.message).not.toContain('UTF-8');
      expect(res.headers['accept-encoding']).toMatch(/^gzip, deflate, br(, zstd)?, identity$/);
      expect(res.headers['accept-encoding']?.includes('zstd')).toBe(nodeHasZstd);
    },
  );

  it('when /api/openapi.json is called with a method it does not answer, then 405 with Allow, as its own description publishes', async () => {
    const document = (await ctx.request().get('/api/openapi.json').expect(200)).body;
    expect(document.paths['/api/openapi.json'].get.responses['405']).toBeDefined();
    const res = await ctx.request().post('/api/openapi.json');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
    expect(res.body.error).toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
  });

  it('when /api/openapi.json is asked with OPTIONS, then 204 with Allow and no text body, as every other path answers', async () => {
    const res = await ctx.request().options('/api/openapi.json');
    expect(res.status).toBe(204);
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  const documented = async (path: string, method: string) => {
    const document = (await ctx.request().get('/api/openapi.json').expect(200)).body;
    return Object.keys(document.paths[path][method].responses);
  };

  it('when useChat edits after an answer of a chat the id does not name, then the answer (404) is one POST /api/ai-sdk/chat publishes', async () => {
    const user = await createUser();
    const res = await ctx
      .request()
      .post('/api/ai-sdk/chat')
      .set(user.auth)
      .send({
        id: 'never-used-before',
        trigger: 'submit-message',
        messageId: 'edited-message',
        messages: [
          { id: '0123456789abcdef01234567', role: 'assistant', parts: [] },
          { id: 'edited-message', role: 'user', parts: [{ type: 'text', text: 'hi' }] },
        ],
      });
    expect(res.body.error).toMatchObject({ code: 'NOT_FOUND' });
    expect(await documented('/api/ai-sdk/chat', 'post')).toContain(String(res.status));
  });

  it('when a chat change outgrows the storage cap, then its 409 is one PATCH and PUT /api/chats/{id} publish', async () => {
    const user = await createUser();
    const chat = (await ctx.request().post('/api/chats').set(user.auth).send({}).expect(201)).body;
    for (const method of ['patch', 'put'] as const) {
      const res = await ctx
        .request()
        [method](`/api/chats/${chat.id}`)
        .set(user.auth)
        .send({ systemPrompt: 'x'.repeat(300) });
      expect(res.body.error).toMatchObject({ code: 'STORAGE_LIMIT_REACHED' });
      expect(await documented('/api/chats/{id}', method)).toContain(String(res.status));
    }
  });

  it('when JSON declares charset=utf8 (the alias the 415 check lets through), then it is taken, not a 415', async () => {
    const user = await createUser();
    const res = await ctx
      .request()
      .post('/api/chats')
      .set(user.auth)
      .set('Content-Type', 'application/json; charset=UTF8')
      .send('{"title":"utf8"}');
    expect(res.status).toBe(201);
    expect(res.body.title).toBe('utf8');
  });

  it('when an API key name breaks its published bounds only by whitespace, then the answer follows the description (past maxLength a 400, blank refused by a published pattern)', async () => {
    const user = await createUser();
    const document = (await ctx.request().get('/api/openapi.json').expect(200)).body;
    const published =
      document.paths['/api/keys'].post.requestBody.content['application/json'].schema.properties
        .name;
    // 101 characters: over the published maxLength, however much of it is whitespace.
    const long = await ctx
      .request()
      .post('/api/keys')
      .set(user.auth)
      .send({ name: ` ${'a'.repeat(100)}` });
    expect(long.status).toBe(400);
    // Blank: refused, so the description must say so (a pattern), or a client it allows gets a 400.
    const blank = await ctx.request().post('/api/keys').set(user.auth).send({ name: '   ' });
    expect(blank.status).toBe(400);
    expect(new RegExp(published.pattern).test('   ')).toBe(false);
    expect(new RegExp(published.pattern).test(' a ')).toBe(true);
  });
});
