import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useChatApp } from '../helpers/chat-app.js';
import {
  describeRun,
  emptyDatabase,
  jitter,
  runSeed,
  succeeded,
  type Workload,
} from '../helpers/invariants.js';
import { createUser } from '../helpers/users.js';

/**
 * The data's invariants after a random concurrent workload (tests/helpers/invariants.ts): several
 * users' sends (JSON and streamed), clients that leave mid-stream, stops, regenerates, continues,
 * edits, branch switches and deletions, forks, chat deletions, renames, exports, repeated
 * Idempotency-Keys and model failures mid-stream, all at once; then every message's parent is in
 * its chat, every pointer names a message of its chat, the kept turns are the branch's, sizes
 * match texts, nothing is left streaming, no lease, chat place, idempotency record or reader is
 * left behind, every call is charged once, and the API shows what the database holds.
 *
 * INVARIANT_SEEDS=1,2,3 picks the seeds (one by default: the suite's time; more find more).
 */
const ctx = useChatApp({
  CHAT_WRITES_PER_MINUTE: '100000',
  MESSAGES_PER_MINUTE: '100000',
  MAX_CONCURRENT_STREAMS: '3',
  DETACH_GRACE_SECONDS: '0',
  STREAM_CHECKPOINT_MS: '40',
  STOP_POLL_MS: '40',
  RESUME_POLL_MS: '40',
});

const SEEDS = (process.env.INVARIANT_SEEDS ?? '1')
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isFinite(n));

const workload = (delayMs: number): Workload => ({
  urls: [ctx.server.url],
  upstream: ctx.upstream,
  delayMs,
});

async function check(seed: number, run: () => ReturnType<typeof runSeed>) {
  const { found, log } = await run();
  expect(found, describeRun(seed, found, log)).toEqual([]);
  // A seed whose steps mostly failed would prove nothing: most kinds must have worked.
  const worked = succeeded(log);
  expect([...worked]).toContain('sendStream');
  expect(worked.size).toBeGreaterThanOrEqual(8);
}

const usersFor = (seed: number, n: number) =>
  Promise.all(Array.from({ length: n }, (_, i) => createUser({ label: `inv${seed}-${i}` })));

describe('data invariants after a random concurrent workload', () => {
  // Each seed starts from an empty database: the embedded FerretDB scans collections, and a
  // database grown by the seeds before would slow each one down.
  beforeEach(() => emptyDatabase());
  afterEach(() => vi.restoreAllMocks());

  for (const seed of SEEDS) {
    it(`when seed ${seed} runs three users' operations at once, then every invariant holds`, async () => {
      await check(seed, async () => runSeed(workload(20), seed, await usersFor(seed, 3)));
    }, 60_000);

    it(`when seed ${seed} runs them on a slow database, then every invariant holds`, async () => {
      jitter(seed + 900);
      await check(seed + 900, async () =>
        runSeed(workload(20), seed + 900, await usersFor(seed + 900, 3)),
      );
    }, 60_000);

    it(`when seed ${seed} runs two users' operations on one chat each with slow replies, then every invariant holds`, async () => {
      await check(seed + 500, async () =>
        runSeed(workload(60), seed + 500, await usersFor(seed + 500, 2), {
          chats: 1,
          lanes: 4,
          opsPerUser: 24,
        }),
      );
    }, 60_000);
  }
});
