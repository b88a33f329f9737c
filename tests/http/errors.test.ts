import { beforeAll, describe, expect, it } from 'vitest';
import supertest from 'supertest';
import { createApp, routeGroups } from '../../src/app.js';
import { defineRoute } from '../../src/lib/http/route.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { uniqueEmail, useTestApp } from '../helpers/app.js';
import { accountsSnapshot, expectError, NO_TIGHT_LIMITS } from '../helpers/auth.js';

const ctx = useTestApp({ ...NO_TIGHT_LIMITS, BODY_LIMIT: '1kb' });

let failing: ReturnType<typeof createApp>;
beforeAll(() => {
  // The real app plus one route that fails the way an unexpected bug would.
  failing = createApp([
    ...routeGroups(),
    {
      prefix: '/api/test',
      tag: 'test',
      routes: [
        defineRoute({
          method: 'get',
          path: '/boom',
          summary: 'fails',
          auth: false,
          responses: { 200: { description: 'never' } },
          handler: () => {
            throw new Error('secret /etc/sigmagpt/config.json stack mongodb://admin:hunter2@db');
          },
        }),
      ],
    },
  ]);
});

describe('unknown routes and methods', () => {
  it.each(['/nope', '/api/nope', '/api/auth/nope', '/api/auth/me/extra'])(
    'when %s is requested, then 404 NOT_FOUND JSON with a requestId',
    async (path) => {
      const res = await ctx.request().get(path);
      expectError(res, 404, 'NOT_FOUND');
    },
  );

  it.each([
    ['put', '/api/auth/login', 'POST'],
    ['get', '/api/auth/signup', 'POST'],
    ['delete', '/api/auth/refresh', 'POST'],
    ['put', '/api/auth/me', 'GET, HEAD, PATCH, DELETE'],
    ['post', '/api/auth/me', 'GET, HEAD, PATCH, DELETE'],
    ['post', '/healthz', 'GET, HEAD'],
    ['delete', '/readyz', 'GET, HEAD'],
  ] as const)(
    'when %s %s is requested, then 405 METHOD_NOT_ALLOWED with Allow',
    async (method, path, allow) => {
      const res = await ctx.request()[method](path).send({});
      expectError(res, 405, 'METHOD_NOT_ALLOWED');
      expect(String(res.headers.allow).split(', ').sort()).toEqual(allow.split(', ').sort());
    },
  );
});

describe('request bodies', () => {
  it.each([
    ['{"email":', 'The request body is not valid JSON'],
    ['{email: "a"}', 'The request body is not valid JSON'],
    ["{'a':1}", 'The request body is not valid JSON'],
    ['{"a":1}}', 'The request body is not valid JSON'],
    ['null', 'The request body must be a JSON object, not a bare value'],
    ['"string"', 'The request body must be a JSON object, not a bare value'],
    ['123', 'The request body must be a JSON object, not a bare value'],
  ])(
    'when the body is malformed or not an object/array (%s), then 400 INVALID_JSON saying which, and nothing is stored',
    async (raw, message) => {
      const before = await accountsSnapshot();
      const res = await ctx
        .request()
        .post('/api/auth/signup')
        .set('Content-Type', 'application/json')
        .send(raw);
      expectError(res, 400, 'INVALID_JSON');
      expect(res.body.error.message).toBe(message);
      expect(res.text).not.toMatch(/SyntaxError|at JSON\.parse|node_modules/);
      expect(await accountsSnapshot()).toEqual(before);
    },
  );

  it('when a route that takes no body gets one with fields (or not an object), then 400 VALIDATION_FAILED and nothing happens; `{}` or no body is accepted', async () => {
    const signup = await ctx
      .request()
      .post('/api/auth/signup')
      .send({ email: uniqueEmail('nobody'), password: 'correct horse battery' });
    expect(signup.status).toBe(201);
    const auth = { Authorization: `Bearer ${signup.body.accessToken}` };
    for (const body of [{ bogus: 1 }, [1]]) {
      const logout = await ctx.request().post('/api/auth/logout').set(auth).send(body);
      expectError(logout, 400, 'VALIDATION_FAILED');
      expect((await ctx.request().get('/api/auth/me').set(auth)).status).toBe(200);
    }
    const chat = await ctx.request().post('/api/chats').set(auth).send({});
    expectError(
      await ctx.request().delete(`/api/chats/${chat.body.id}`).set(auth).send({ really: true }),
      400,
      'VALIDATION_FAILED',
    );
    expect((await ctx.request().get(`/api/chats/${chat.body.id}`).set(auth)).status).toBe(200);
    expect(
      (await ctx.request().delete(`/api/chats/${chat.body.id}`).set(auth).send({})).status,
    ).toBe(204);
    expect((await ctx.request().post('/api/auth/logout').set(auth)).status).toBe(204);
  });

  it('when a required field is missing or has the wrong type, then 400 VALIDATION_FAILED with one detail at each field: "Required" for a missing one, the type expected for the other; nothing is stored', async () => {
    const before = await accountsSnapshot();
    const missing = await ctx.request().post('/api/auth/signup').send({ password: 12345678 });
    expectError(missing, 400, 'VALIDATION_FAILED');
    expect(missing.body.error.details).toEqual([
      { path: 'email', message: 'Required' },
      { path: 'password', message: expect.stringMatching(/expected string, received number/) },
    ]);
    expect(await accountsSnapshot()).toEqual(before);
  });

  it('when the body holds bytes that are not UTF-8, then 400 INVALID_JSON naming UTF-8, and nothing is stored', async () => {
    const before = await accountsSnapshot();
    const name = Buffer.from([0x41, 0xff, 0xfe, 0x42]);
    const body = Buffer.concat([
      Buffer.from(
        `{"email":"${uniqueEmail('latin1')}","password":"correct horse battery","name":"`,
      ),
      name,
      Buffer.from('"}'),
    ]);
    const res = await ctx
      .request()
      .post('/api/auth/signup')
      .set('Content-Type', 'application/json')
      // As the bytes are, not serialised as JSON by the test client (which sends what it returns).
      .serialize(((raw: Buffer) => raw) as unknown as (body: unknown) => string)
      .send(body);
    expectError(res, 400, 'INVALID_JSON');
    expect(res.body.error.message).toMatch(/UTF-8/);
    expect(await accountsSnapshot()).toEqual(before);
  });

  it.each([
    ['a chat title', '/api/chats', '{"title":"ok\\ud800"}'],
    ['a message', '/api/chats', '{"message":"half of \\ud83d","stream":false}'],
    ['a system prompt', '/api/chats', '{"systemPrompt":"\\udc00 be terse"}'],
    [
      'a /v1 message',
      '/v1/chat/completions',
      '{"model":"demo","messages":[{"role":"user","content":"\\ud800\\ud800"}]}',
    ],
  ])(
    'when %s holds half of a surrogate pair (\\ud800 alone), then 400 INVALID_JSON saying so, and nothing is stored',
    async (_what, path, raw) => {
      const user = await ctx
        .request()
        .post('/api/auth/signup')
        .send({
          email: uniqueEmail('surrogate'),
          password: 'correct horse battery',
        });
      const before = await Chat.countDocuments({});
      const res = await ctx
        .request()
        .post(path)
        .set('Authorization', `Bearer ${user.body.accessToken}`)
        .set('Content-Type', 'application/json')
        .send(raw);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toMatch(/surrogate/);
      expect(await Chat.countDocuments({})).toBe(before);
    },
  );

  it('when a body holds a whole surrogate pair as escapes, or an escaped backslash before "ud800", then it is taken as sent', async () => {
    const user = await ctx
      .request()
      .post('/api/auth/signup')
      .send({
        email: uniqueEmail('pairs'),
        password: 'correct horse battery',
      });
    const res = await ctx
      .request()
      .post('/api/chats')
      .set('Authorization', `Bearer ${user.body.accessToken}`)
      .set('Content-Type', 'application/json')
      .send('{"title":"\\ud83d\\ude00 and \\\\ud800"}');
    expect(res.status).toBe(201);
    expect(res.body.title).toBe('😀 and \\ud800');
    expect((await Chat.findById(res.body.id).lean())!.title).toBe('😀 and \\ud800');
  });

  it('when the body is larger than BODY_LIMIT, then 413 PAYLOAD_TOO_LARGE JSON and nothing is stored', async () => {
    const before = await accountsSnapshot();
    const res = await ctx
      .request()
      .post('/api/auth/signup')
      .send({ email: uniqueEmail(), password: 'correct horse battery', name: 'x'.repeat(2000) });
    expectError(res, 413, 'PAYLOAD_TOO_LARGE');
    expect(await accountsSnapshot()).toEqual(before);
  });

  it.each([
    ['text/plain', 'email=a@b.c'],
    ['application/x-www-form-urlencoded', 'email=a%40b.c&password=correct+horse+battery'],
    [
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\na@b.c\r\n--x--',
    ],
    ['application/xml', '<a/>'],
  ])(
    'when the body is sent as %s, then 415 UNSUPPORTED_MEDIA_TYPE and nothing is stored',
    async (type, body) => {
      const before = await accountsSnapshot();
      const res = await ctx.request().post('/api/auth/signup').set('Content-Type', type).send(body);
      expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(await accountsSnapshot()).toEqual(before);
    },
  );

  it('when a body is sent with no Content-Type at all, then 415', async () => {
    const res = await ctx
      .request()
      .post('/api/auth/login')
      .set('Content-Type', '')
      .send(Buffer.from('{"email":"a@b.c","password":"x"}'));
    expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it.each(['latin1', 'iso-8859-1', 'utf-16', 'koi8-r'])(
    'when JSON declares charset=%s, then 415 and nothing is stored',
    async (charset) => {
      const before = await accountsSnapshot();
      const res = await ctx
        .request()
        .post('/api/auth/signup')
        .set('Content-Type', `application/json; charset=${charset}`)
        .send(JSON.stringify({ email: uniqueEmail(), password: 'correct horse battery' }));
      expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(await accountsSnapshot()).toEqual(before);
    },
  );

  it('when JSON declares charset=utf-8, then it is accepted and the response is JSON with charset', async () => {
    const res = await ctx
      .request()
      .post('/api/auth/signup')
      .set('Content-Type', 'application/json; charset=UTF-8')
      .send(JSON.stringify({ email: uniqueEmail(), password: 'correct horse battery' }));
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  });
});

describe('unexpected failures', () => {
  it('when a handler throws, then 500 INTERNAL with a generic message and nothing internal', async () => {
    const res = await supertest(failing).get('/api/test/boom');
    expectError(res, 500, 'INTERNAL');
    expect(res.text).not.toMatch(/secret|\/etc\/|hunter2|mongodb:|stack|Error:|at /);
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});
