import net from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { userOn, withDatabase } from '../cluster/cluster-helpers.js';
import { eventually } from '../helpers/eventually.js';
import { databaseUri, startInstance, type Instance } from '../helpers/instances.js';
import { openStream } from '../helpers/sse.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

/**
 * A balancer learns that an instance is leaving only at its next readiness probe, and Kubernetes
 * takes a pod out of its endpoints only some seconds after SIGTERM: SHUTDOWN_DRAIN_DELAY_MS keeps
 * the instance serving meanwhile, readiness failed, before the drain refuses new requests.
 */
let upstream: Upstream;
const instances: Instance[] = [];

beforeAll(async () => {
  upstream = await startUpstream();
  // A reply that never ends by itself: only shutdown's cut ends it.
  upstream.setDefault({ chunks: ['w '], endless: true, delayMs: 50 });
}, 60_000);

afterAll(async () => {
  for (const instance of instances) await instance.stop('SIGKILL');
  await upstream?.close();
});

async function start(env: Record<string, string>) {
  const instance = await startInstance({
    MONGODB_URI: databaseUri(inject('mongoUri')),
    OPENAI_BASE_URL: upstream.url,
    OPENAI_API_KEY: 'test-key',
    MODELS: 'scripted-model',
    ...env,
  });
  instances.push(instance);
  return instance;
}

const portOf = (instance: Instance) => Number(new URL(instance.url).port);

/** /readyz as a balancer's probe sees it; status 0 once connections are refused. */
const readiness = (instance: Instance) =>
  fetch(`${instance.url}/readyz`).then(
    async (r) => ({ status: r.status, body: await r.json() }),
    () => ({ status: 0, body: undefined }),
  );

/** An ordinary authenticated request; status 0 once connections are refused. */
const me = (instance: Instance, token: string) =>
  fetch(`${instance.url}/api/auth/me`, { headers: { Authorization: `Bearer ${token}` } }).then(
    async (r) => ({ status: r.status, headers: r.headers, body: await r.json() }),
    () => ({ status: 0, headers: new Headers(), body: undefined }),
  );

const connects = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('a drain delay before a shutdown refuses requests', () => {
  it('when SHUTDOWN_DRAIN_DELAY_MS is set and SIGTERM arrives, then readiness fails at once while every other request, a new stream included, is served for the delay; then new requests get 503, the stream is cut within the grace period, and the process exits 0', async () => {
    const DELAY_MS = 2000;
    const GRACE_MS = 3000;
    const instance = await start({
      SHUTDOWN_DRAIN_DELAY_MS: String(DELAY_MS),
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
      // The 503s of the shutdown are logged at info (below): seen only at this level.
      LOG_LEVEL: 'info',
    });
    const user = await userOn(instance, 'drain-delay');

    const signalled = Date.now();
    const exit = instance.stop('SIGTERM');
    const ready = await eventually(
      () => readiness(instance),
      (answer) => answer.status !== 200,
    );
    expect(ready).toEqual({
      status: 503,
      body: { status: 'unavailable', database: 'up', draining: true },
    });

    // Within the delay: liveness, an ordinary request and a new stream are served as before.
    expect((await fetch(`${instance.url}/healthz`)).status).toBe(200);
    const served = await me(instance, user.accessToken);
    expect(served.status).toBe(200);
    expect(served.body).toMatchObject({ id: user.id });
    const stream = openStream(portOf(instance), '/api/chats', user.accessToken, {
      message: 'A story told while the instance leaves',
      stream: true,
    });
    await stream.waitForEvent('delta');
    expect(stream.status).toBe(200);

    // Then the drain: new requests are refused, on a listener that still answers.
    const refused = await eventually(
      () => me(instance, user.accessToken),
      (answer) => answer.status !== 200,
      DELAY_MS + GRACE_MS,
    );
    // The delay is the promise: nothing is refused sooner after SIGTERM was sent.
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(DELAY_MS);
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('connection')).toBe('close');

    // The stream that began during the delay gets the grace period, then is cut and stored.
    await stream.ended;
    expect(stream.events.at(-1)).toMatchObject({
      event: 'done',
      data: { message: { status: 'incomplete', stopReason: 'shutdown' } },
    });
    expect(await exit).toBe(0);
    // The delay, then the grace period (README: the orchestrator's grace must cover both).
    expect(Date.now() - signalled).toBeLessThan(DELAY_MS + GRACE_MS + 1000);
    expect(await connects(portOf(instance))).toBe(false);
    const stored = await withDatabase(instance.mongoUri!, (db) =>
      db.collection('messages').find({}).sort({ createdAt: 1 }).toArray(),
    );
    expect(stored.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'incomplete'],
    ]);
    // Readiness probes answered 503 during the delay, like the drain's refusals, are the deploy
    // going as planned: logged at info, not as errors an alert would fire on.
    const refusals = instance
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map(
        (line) =>
          JSON.parse(line) as {
            level: number;
            req?: { url?: string };
            res?: { statusCode?: number };
          },
      )
      .filter((line) => line.res?.statusCode === 503);
    expect(refusals.some((line) => line.req?.url === '/readyz')).toBe(true);
    expect(refusals.map((line) => line.level)).toEqual(refusals.map(() => 30));
  }, 60_000);

  it('when no drain delay is set (the default) and no reply streams, then SIGTERM closes the listener at once and the process exits 0', async () => {
    const instance = await start({ SHUTDOWN_GRACE_MS: '10000' });
    const signalled = Date.now();
    expect(await instance.stop('SIGTERM')).toBe(0);
    // Nothing to wait for: far inside the 10 s grace period.
    expect(Date.now() - signalled).toBeLessThan(3000);
    expect(await connects(portOf(instance))).toBe(false);
  }, 60_000);

  it('when a second SIGTERM arrives during the drain delay, then the delay ends there and the process exits 0 long before the delay would have ended', async () => {
    const instance = await start({ SHUTDOWN_DRAIN_DELAY_MS: '30000' });
    const user = await userOn(instance, 'second-term');
    const signalled = Date.now();
    instance.child.kill('SIGTERM');
    expect(
      (
        await eventually(
          () => readiness(instance),
          (a) => a.status !== 200,
        )
      ).status,
    ).toBe(503);
    expect((await me(instance, user.accessToken)).status).toBe(200);
    // Two SIGTERMs within a second are one (a supervisor that also signals the process group).
    await new Promise((r) => setTimeout(r, Math.max(0, signalled + 1100 - Date.now())));
    expect(await instance.stop('SIGTERM')).toBe(0);
    // Far inside the 30 s delay.
    expect(Date.now() - signalled).toBeLessThan(8000);
  }, 60_000);

  it('when SIGINT arrives with a drain delay set (Ctrl-C), then the process does not wait for it and exits 0 at once', async () => {
    const instance = await start({ SHUTDOWN_DRAIN_DELAY_MS: '30000' });
    const signalled = Date.now();
    expect(await instance.stop('SIGINT')).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(3000);
  }, 60_000);
});
