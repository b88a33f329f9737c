import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { createUser } from '../helpers/users.js';

/** rev-b (s44): edge cases where the answer is not the published one. */
describe('rev-b edge repros', () => {
  const ctx = useTestApp();

  it('when the body claims Content-Encoding: zstd it does not have, then 400 INVALID_JSON, not 500', async () => {
    const user = await createUser();
    const res = await ctx
      .request()
      .post('/api/chats')
      .set('Authorization', user.auth)
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'zstd')
      .send('{"title":"x"}');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_JSON' });
  });
});
