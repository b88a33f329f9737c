import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/lib/config.js';
import mongoose from '../../src/lib/db/mongoose.js';
import { databaseUri, startInstance, type Instance } from '../helpers/instances.js';
import { openStream } from '../helpers/sse.js';
import { startUpstream } from '../helpers/upstream.js';
import { userOn } from './cluster-helpers.js';

let upstream: Awaited<ReturnType<typeof startUpstream>>;
const instances: Instance[] = [];

beforeAll(async () => {
  upstream = await startUpstream();
  upstream.setDefault({ chunks: ['w '], endless: true, delayMs: 50 });
}, 60_000);

afterAll(async () => {
  for (const i of instances) await i.stop('SIGKILL');
  await upstream?.close();
});

describe('graceful shutdown with the shortest grace the configuration accepts', () => {
  it('when SHUTDOWN_GRACE_MS leaves too little time to store the replies shutdown cuts (under 3000 ms), then the start is refused', () => {
    // Streams are cut a third of the grace before its end, and the wait for their writes ends
    // 400 ms before it: at 1000 ms, nothing of the grace is left for them (seen: status
    // "streaming", usage and the slot's release not written, "ended streams whose replies
    // could not be stored" with the database up); at 2000, 267 ms; at 3000, 600 ms.
    for (const grace of ['1000', '2999'])
      expect(() =>
        loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40), SHUTDOWN_GRACE_MS: grace }),
      ).toThrow(/SHUTDOWN_GRACE_MS/);
  });

  it.each(['3000'])(
    'when SHUTDOWN_GRACE_MS=%s and SIGTERM arrives mid-stream, then the partial answer is still stored as incomplete',
    async (grace) => {
      const uri = databaseUri(inject('mongoUri'));
      const instance = await startInstance({
        MONGODB_URI: uri,
        OPENAI_BASE_URL: upstream.url,
        OPENAI_API_KEY: 'test-key',
        MODELS: 'scripted-model',
        SHUTDOWN_GRACE_MS: grace,
        LOG_LEVEL: 'info',
      });
      instances.push(instance);
      const { accessToken } = await userOn(instance, `grace${grace}`);
      const port = Number(new URL(instance.url).port);
      const stream = openStream(port, '/api/chats', accessToken, {
        message: 'Tell me a long story',
        stream: true,
      });
      await stream.waitFor(() => stream.events.filter((e) => e.event === 'delta').length >= 3);
      expect(await instance.stop('SIGTERM')).toBe(0);
      await stream.ended;
      const connection = await mongoose.createConnection(uri).asPromise();
      try {
        const messages = await connection
          .collection('messages')
          .find({})
          .sort({ createdAt: 1 })
          .toArray();
        expect(
          messages.map((m) => [m.role, m.status]),
          instance.output(),
        ).toEqual([
          ['user', 'complete'],
          ['assistant', 'incomplete'],
        ]);
      } finally {
        await connection.close();
      }
    },
    60_000,
  );
});
