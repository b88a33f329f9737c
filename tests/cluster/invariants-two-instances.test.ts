import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectDatabase, disconnectDatabase } from '../../src/lib/db/connection.js';
import {
  describeRun,
  emptyDatabase,
  runSeed,
  succeeded,
  type Workload,
} from '../helpers/invariants.js';
import { createUser } from '../helpers/users.js';
import { useTwoInstances } from './cluster-helpers.js';

/**
 * The seeds of tests/chats/invariants.test.ts against two real server processes on one database:
 * each request of the workload goes to one of them at random, so a stop, a branch deletion or a
 * chat deletion often reaches the instance that does not generate the reply. The database is read
 * from this process once both have ended their work.
 */
const cluster = useTwoInstances(
  {
    CHAT_WRITES_PER_MINUTE: '100000',
    MESSAGES_PER_MINUTE: '100000',
    MAX_CONCURRENT_STREAMS: '3',
    DETACH_GRACE_SECONDS: '0',
    STREAM_CHECKPOINT_MS: '40',
    STOP_POLL_MS: '40',
    RESUME_POLL_MS: '40',
    TITLES: 'off',
  },
  { upstream: true },
);

beforeAll(async () => {
  await connectDatabase(cluster.uri);
});
afterAll(async () => {
  await disconnectDatabase();
});

const SEEDS = (process.env.INVARIANT_SEEDS ?? '1')
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isFinite(n));

describe('data invariants after a random concurrent workload on two instances', () => {
  beforeEach(() => emptyDatabase());

  for (const seed of SEEDS) {
    it(`when seed ${seed} runs three users' operations across two instances, then every invariant holds`, async () => {
      const w: Workload = {
        urls: [cluster.a.url, cluster.b.url],
        upstream: cluster.upstream,
        delayMs: 20,
      };
      const users = await Promise.all(
        [0, 1, 2].map((i) => createUser({ label: `inv2-${seed}-${i}` })),
      );
      const { found, log } = await runSeed(w, seed, users);
      expect(found, describeRun(seed, found, log)).toEqual([]);
      expect([...succeeded(log)]).toContain('sendStream');
    }, 90_000);
  }
});
