import { afterAll, beforeAll, beforeEach } from 'vitest';
import { useTestApp, type TestApp } from './app.js';
import { listen, openStream } from './sse.js';
import { startUpstream, type Upstream } from './upstream.js';
import { createUser, type TestUser } from './users.js';

export interface ChatApp extends TestApp {
  /** The scripted OpenAI-compatible model; reset before each test. */
  upstream: Upstream;
  /** A user with a session, made once for the file. */
  user: TestUser;
  /** The app on a real port, with the responses as the server sees them. */
  server: Awaited<ReturnType<typeof listen>>;
  /** A streaming POST held open on the real port (as `user` unless another is given). */
  stream(path: string, body: unknown, as?: TestUser): ReturnType<typeof openStream>;
}

/** The configuration of an app that talks to the scripted upstream: `test-model`, no retries, a
 * message rate that never gets in the way. Files spread it and add or override keys. */
export const upstreamEnv = (upstream: Upstream) => ({
  OPENAI_BASE_URL: upstream.url,
  MODELS: 'test-model',
  UPSTREAM_MAX_RETRIES: '0',
  MESSAGES_PER_MINUTE: '1000',
});

/** A scripted upstream for this file: reset before each test, closed after the file. */
export async function useUpstream(): Promise<Upstream> {
  const upstream = await startUpstream();
  afterAll(() => upstream.close());
  beforeEach(() => upstream.reset());
  return upstream;
}

/**
 * The set-up every file about replies shares: a scripted upstream, the app configured for it
 * (`test-model`, no retries, a message rate that never gets in the way), its own database, a user
 * and the app listening on a port. `env` adds to or overrides the configuration.
 */
export function useChatApp(env: Record<string, string> = {}): ChatApp {
  const ctx = {} as ChatApp;
  beforeAll(async () => {
    ctx.upstream = await startUpstream();
  });
  const app = useTestApp(() => ({ ...upstreamEnv(ctx.upstream), ...env }));
  beforeAll(async () => {
    ctx.app = app.app;
    ctx.request = app.request;
    ctx.user = await createUser();
    ctx.server = await listen(ctx.app);
  });
  beforeEach(() => ctx.upstream.reset());
  // afterAll hooks run in reverse: the listener closes before the database and the upstream.
  afterAll(async () => {
    await ctx.upstream?.close();
  });
  afterAll(async () => {
    await ctx.server?.close();
  });
  ctx.stream = (path, body, as = ctx.user) =>
    openStream(ctx.server.port, path, as.accessToken, body);
  return ctx;
}
