import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll } from 'vitest';
import type { TestApp } from './app.js';
import { createUser, type TestUser } from './users.js';

/**
 * The OpenAI SDK as its users run it against `/v1`: the file's app listening on a port of its own
 * for the file's run, a user (`label`) with a personal API key, and a client with that key that
 * does not retry (a test sees each answer). Call at the top of a test file, after useTestApp.
 */
export function useSdkClient(ctx: TestApp, label: string) {
  const sdk = {} as { user: TestUser; client: OpenAI };
  let server: Server;
  beforeAll(async () => {
    server = ctx.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    sdk.user = await createUser({ label });
    const key = await ctx.request().post('/api/keys').set(sdk.user.auth).send({ name: 'sdk' });
    sdk.client = new OpenAI({ apiKey: key.body.key as string, baseURL, maxRetries: 0 });
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  return sdk;
}
