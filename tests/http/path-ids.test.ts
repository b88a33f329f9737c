import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { createUser, type TestUser } from '../helpers/users.js';

/** Path ids are parsed once, by the route's params schema, before any handler or service runs. */
describe('ids in the path', () => {
  const ctx = useTestApp({ MODELS: 'test-model' });
  let user: TestUser;
  beforeAll(async () => {
    user = await createUser({ label: 'ids' });
  });

  it('when the id cannot be an ObjectId, then 404 with the same error as an id that names nothing', async () => {
    const missing = await ctx
      .request()
      .patch('/api/chats/0123456789abcdef01234567')
      .set(user.auth)
      .send({ title: 'x' });
    const malformed = await ctx
      .request()
      .patch('/api/chats/not-an-id')
      .set(user.auth)
      .send({ title: 'x' });
    expect(missing.status).toBe(404);
    expect(malformed.status).toBe(404);
    expect({ ...malformed.body.error, requestId: '' }).toEqual({
      ...missing.body.error,
      requestId: '',
    });
    expect(malformed.body.error).toMatchObject({ code: 'NOT_FOUND', message: 'Chat not found' });
  });

  it('when the body or the query is invalid as well, then 400 first, as for a well-formed id', async () => {
    const badBody = await ctx
      .request()
      .patch('/api/chats/not-an-id')
      .set(user.auth)
      .send({ title: 'x', userId: 'someone' });
    expect(badBody.status).toBe(400);
    expect(badBody.body.error.code).toBe('VALIDATION_FAILED');
    const badQuery = await ctx.request().get('/api/chats/not-an-id?limit=zero').set(user.auth);
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.error.code).toBe('VALIDATION_FAILED');
  });
});
