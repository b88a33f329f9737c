import OpenAI from 'openai';
import { beforeAll, expect } from 'vitest';
import type { TestApp } from './app.js';
import { useListeningApp, type Listener } from './sse.js';
import { createUser, type TestUser } from './users.js';

/** A user with a personal API key, and the OpenAI SDK's client with that key. */
export interface SdkUser {
  user: TestUser;
  apiKey: string;
  client: OpenAI;
}

/**
 * A user (`label`) with a personal API key and an OpenAI SDK client with it against `/v1` of the
 * app listening at `server.url`. `maxRetries` is the SDK's own: left out, the client retries as
 * the SDK does by default (what its users run); 0 lets a test see each answer.
 */
export async function userWithSdkClient(
  ctx: TestApp,
  server: Pick<Listener, 'url'>,
  options: { label: string; maxRetries?: number },
): Promise<SdkUser> {
  const user = await createUser({ label: options.label });
  const key = await ctx.request().post('/api/keys').set(user.auth).send({ name: 'sdk' });
  expect(key.status).toBe(201);
  const apiKey = key.body.key as string;
  const client = new OpenAI({
    apiKey,
    baseURL: `${server.url}/v1`,
    maxRetries: options.maxRetries,
  });
  return { user, apiKey, client };
}

/**
 * The OpenAI SDK as its users run it against `/v1`: the file's app listening on a port of its own
 * for the file's run (`server`, useListeningApp), a user (`label`) with a personal API key, and a
 * client with that key that does not retry (a test sees each answer). Call at the top of a test
 * file, after useTestApp.
 */
export function useSdkClient(ctx: TestApp, label: string) {
  const server = useListeningApp(ctx);
  const sdk = { server } as SdkUser & { server: Listener };
  beforeAll(async () => {
    Object.assign(sdk, await userWithSdkClient(ctx, server, { label, maxRetries: 0 }));
  });
  return sdk;
}
