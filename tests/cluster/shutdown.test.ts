import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import mongoose from '../../src/lib/db/mongoose.js';
import { eventually } from '../helpers/eventually.js';
import { databaseUri, startInstance, type Instance } from '../helpers/instances.js';
import { openStream } from '../helpers/sse.js';
import { startUpstream } from '../helpers/upstream.js';
import { userOn } from './cluster-helpers.js';

let upstream: Awaited<ReturnType<typeof startUpstream>>;
let instance: Instance;
let uri: string;
const GRACE_MS = 3000;

beforeAll(async () => {
  upstream = await startUpstream();
  // A reply that never ends by itself, so shutdown has to cut it off.
  upstream.setDefault({ chunks: ['w '], endless: true, delayMs: 50 });
  uri = databaseUri(inject('mongoUri'));
  instance = await startInstance({
    MONGODB_URI: uri,
    OPENAI_BASE_URL: upstream.url,
    OPENAI_API_KEY: 'test-key',
    MODELS: 'scripted-model',
    SHUTDOWN_GRACE_MS: String(GRACE_MS),
    // The drain's refusals are logged at info (below): seen only at this level.
    LOG_LEVEL: 'info',
  });
}, 60_000);

afterAll(async () => {
  await instance?.stop('SIGKILL');
  await upstream?.close();
});

describe('graceful shutdown', () => {
  it('when SIGTERM arrives mid-stream, then readiness fails, new requests get 503, the stream ends with its partial answer stored, and the process exits 0 within the grace period', async () => {
    const { accessToken } = await userOn(instance, 'shutdown');
    const port = Number(new URL(instance.url).port);
    const stream = openStream(port, '/api/chats', accessToken, {
      message: 'Tell me a long story',
      stream: true,
    });
    await stream.waitFor(() => stream.events.filter((e) => e.event === 'delta').length >= 3);

    const signalled = Date.now();
    const exit = instance.stop('SIGTERM');
    // Draining starts when the process has handled the signal: wait for readiness to say so. It
    // says why: draining, with the database still up (a drain is not an outage).
    const ready = await eventually(
      () =>
        fetch(`${instance.url}/readyz`).then(async (r) => ({
          status: r.status,
          body: await r.json(),
        })),
      (answer) => answer.status === 503,
    );
    expect(ready).toEqual({
      status: 503,
      body: { status: 'unavailable', database: 'up', draining: true },
    });
    const refused = await fetch(`${instance.url}/api/auth/me`, {
      headers: { Authorization: `Bearer ${accessToken}` },
    });
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
      'SERVICE_UNAVAILABLE',
    );

    await stream.ended;
    const last = stream.events.at(-1)!;
    expect(last.event).toBe('done');
    expect(last.data.message.status).toBe('incomplete');
    expect(stream.events.filter((e) => e.event === 'done' || e.event === 'error')).toHaveLength(1);

    expect(await exit).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(GRACE_MS + 1000);
    // The drain's 503s (the readiness probes, the refused request) are the deploy going as
    // planned: logged at info, not as errors an alert would fire on.
    const refusals = instance
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; res?: { statusCode?: number } })
      .filter((line) => line.res?.statusCode === 503);
    expect(refusals.length).toBeGreaterThanOrEqual(2);
    expect(refusals.map((line) => line.level)).toEqual(refusals.map(() => 30));

    const connection = await mongoose.createConnection(uri).asPromise();
    try {
      const messages = await connection
        .collection('messages')
        .find({})
        .sort({ createdAt: 1 })
        .toArray();
      expect(messages.map((m) => [m.role, m.status])).toEqual([
        ['user', 'complete'],
        ['assistant', 'incomplete'],
      ]);
      const partial = stream.events
        .filter((e) => e.event === 'delta')
        .map((e) => e.data.content)
        .join('');
      expect(messages[1]!.content).toBe(partial);
      expect(partial.length).toBeGreaterThan(0);
      expect(await connection.collection('generations').countDocuments()).toBe(0);
    } finally {
      await connection.close();
    }
  });

  it('when SIGINT arrives mid-stream (Ctrl-C, a file watcher), then open replies are cut at once, stored as incomplete, and the process exits 0 quickly', async () => {
    const interactive = await startInstance({
      MONGODB_URI: uri,
      OPENAI_BASE_URL: upstream.url,
      OPENAI_API_KEY: 'test-key',
      MODELS: 'scripted-model',
      SHUTDOWN_GRACE_MS: '10000',
    });
    try {
      const { accessToken } = await userOn(interactive, 'sigint');
      const stream = openStream(Number(new URL(interactive.url).port), '/api/chats', accessToken, {
        message: 'Another long story',
        stream: true,
      });
      await stream.waitFor(() => stream.events.filter((e) => e.event === 'delta').length >= 2);
      const signalled = Date.now();
      const code = await interactive.stop('SIGINT');
      expect(code).toBe(0);
      // Far inside the 10 s grace period: nothing waits for the reply to finish.
      expect(Date.now() - signalled).toBeLessThan(3000);
      await stream.ended;
      expect(stream.events.at(-1)).toMatchObject({
        event: 'done',
        data: { message: { status: 'incomplete' } },
      });
      const connection = await mongoose.createConnection(uri).asPromise();
      try {
        const stored = await connection.collection('messages').findOne({
          _id: new mongoose.Types.ObjectId(String(stream.events.at(-1)!.data.message.id)),
        });
        expect(stored?.status).toBe('incomplete');
      } finally {
        await connection.close();
      }
    } finally {
      await interactive.stop('SIGKILL');
    }
  });
  it('when a second signal arrives while SIGTERM drains (Ctrl-C, the orchestrator again), then the open replies are cut then, not at the end of the grace period', async () => {
    const draining = await startInstance({
      MONGODB_URI: uri,
      OPENAI_BASE_URL: upstream.url,
      OPENAI_API_KEY: 'test-key',
      MODELS: 'scripted-model',
      SHUTDOWN_GRACE_MS: '20000',
    });
    try {
      const { accessToken } = await userOn(draining, 'second-signal');
      const stream = openStream(Number(new URL(draining.url).port), '/api/chats', accessToken, {
        message: 'A story that never ends',
        stream: true,
      });
      await stream.waitFor(() => stream.events.filter((e) => e.event === 'delta').length >= 2);
      const signalled = Date.now();
      draining.child.kill('SIGTERM');
      // Draining: readiness fails while the reply goes on.
      await eventually(
        () => fetch(`${draining.url}/readyz`).then((res) => res.status),
        (status) => status === 503,
        5000,
      );
      expect(stream.events.at(-1)?.event).toBe('delta');
      const code = await draining.stop('SIGINT');
      expect(code).toBe(0);
      // Far inside the 20 s grace period.
      expect(Date.now() - signalled).toBeLessThan(6000);
      await stream.ended;
      expect(stream.events.at(-1)).toMatchObject({
        event: 'done',
        data: { message: { status: 'incomplete', stopReason: 'shutdown' } },
      });
    } finally {
      await draining.stop('SIGKILL');
    }
  });
});
