import type supertest from 'supertest';
import { uniqueEmail } from './app.js';

export interface TestUser {
  id: string;
  token: string;
  auth: { Authorization: string };
}

/** Signs a user up through the API (bcrypt cost 10: do it once per file where possible). */
export async function signUp(
  request: () => ReturnType<typeof supertest.agent>,
  label = 'user',
): Promise<TestUser> {
  const res = await request()
    .post('/api/auth/signup')
    .send({ email: uniqueEmail(label), password: 'correct horse battery' });
  if (res.status !== 201)
    throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  const token = res.body.accessToken as string;
  return { id: res.body.user.id as string, token, auth: { Authorization: `Bearer ${token}` } };
}
