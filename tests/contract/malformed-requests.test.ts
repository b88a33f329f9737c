import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useTestApp, uniqueEmail } from '../helpers/app.js';

/** Requests no schema can describe (bad URL encoding, a body that does not decode): 4xx JSON, never 500. */
describe('malformed requests found while fuzzing', () => {
  const ctx = useTestApp();
  const token = async () => {
    const res = await ctx
      .request()
      .post('/api/auth/signup')
      .send({ email: uniqueEmail('malformed'), password: 'correct horse battery' })
      .expect(201);
    return res.body.accessToken as string;
  };
  /** A new chat's JSON body, sent as these bytes under this Content-Encoding. */
  const postEncoded = (auth: string, encoding: string, body: string | Buffer) =>
    ctx
      .request()
      .post('/api/chats')
      .set('Authorization', auth)
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', encoding)
      // As bytes: superagent would otherwise serialise a Buffer as JSON for a JSON type.
      .serialize((bytes) => bytes as string)
      .send(body);

  it('when a path parameter has broken percent-encoding, then 400 VALIDATION_FAILED, not 500', async () => {
    const auth = `Bearer ${await token()}`;
    for (const url of [
      '/api/chats/%E0%A4%A',
      '/api/chats/%E0%A4%A/messages',
      '/api/chat/%ZZ',
      '/api/chats/%',
    ]) {
      const res = await ctx.request().get(url).set('Authorization', auth);
      expect(res.status, url).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/json; charset=utf-8/);
      expect(res.body.error).toMatchObject({
        code: 'VALIDATION_FAILED',
        requestId: expect.any(String),
      });
      expect(JSON.stringify(res.body)).not.toMatch(/URIError|decodeURIComponent|node_modules/);
    }
  });

  it('when the body nests objects and arrays deeper than 64 levels, then 400 INVALID_JSON before anything reads it; brackets inside strings do not count', async () => {
    const auth = `Bearer ${await token()}`;
    const deep = '['.repeat(65) + ']'.repeat(65);
    const res = await ctx
      .request()
      .post('/api/chats')
      .set('Authorization', auth)
      .set('Content-Type', 'application/json')
      .send(`{"message":${deep}}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_JSON' });
    expect(res.body.error.message).toContain('deeper than 64 levels');
    // The same brackets as text (after an escaped quote) are a title like any other.
    const title = `"${deep}`;
    const text = await ctx.request().post('/api/chats').set('Authorization', auth).send({ title });
    expect(text.status).toBe(201);
    expect(text.body.title).toBe(title);
  });

  it('when a gzipped body is labelled x-gzip, then it is read as gzip (RFC 9110 8.4.1.3), not refused 415', async () => {
    const auth = `Bearer ${await token()}`;
    for (const encoding of ['x-gzip', 'X-GZIP']) {
      const res = await postEncoded(auth, encoding, zlib.gzipSync('{"title":"zipped"}'));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.title).toBe('zipped');
    }
  });

  it('when the body claims a Content-Encoding it does not have, then 400 JSON, not 500', async () => {
    const auth = `Bearer ${await token()}`;
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const res = await postEncoded(auth, encoding, '{"title":"x"}');
      expect(res.status, encoding).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'INVALID_JSON', requestId: expect.any(String) });
      expect(JSON.stringify(res.body)).not.toMatch(
        /header check|zlib|Z_DATA_ERROR|Decompression|ERR_/,
      );
    }
  });
});
