import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { abortGeneration } from '../../src/modules/chats/generation/registry.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useTestApp } from '../helpers/app.js';
import { NO_TIGHT_LIMITS } from '../helpers/auth.js';
import { eventually } from '../helpers/eventually.js';
import { holdCall } from '../helpers/hold-call.js';
import { upstreamEnv } from '../helpers/chat-app.js';
import { startUpstream } from '../helpers/upstream.js';
import { userWithSdkClient } from '../helpers/sdk-client.js';
import { useListeningApp } from '../helpers/sse.js';

/*
 * README: of the failures of a stored completion only a reply cut by its server (shutting down, or
 * stalled until its lease was taken) says `Retry-After: 1` and may be retried. The SDK retries it
 * by itself, with the same headers: under an Idempotency-Key that retry must get a completion, not
 * the same 503 replayed from the key's record until the SDK gives up.
 */
const upstream = await startUpstream();
// 2 s leases, so a stalled instance loses one within a test.
const ctx = useTestApp({
  ...NO_TIGHT_LIMITS,
  ...upstreamEnv(upstream),
  MODELS: 'test-model',
  GENERATION_LEASE_SECONDS: '2',
});
afterAll(() => upstream.close());
const server = useListeningApp(ctx);

describe('/v1 store: true under an Idempotency-Key, cut by a shutdown', () => {
  it("when a keyed stored completion is cut by a shutdown, then the SDK's own retry with the key gets a completion, not the 503 again", async () => {
    const { user, client } = await userWithSdkClient(ctx, server, { label: 'key-shutdown' });
    const owner = { userId: new Types.ObjectId(user.id) };
    // The first call is cut (below) while its model holds the rest of its answer back, however
    // slowly the cut comes; the SDK's retry gets an answer at once.
    let cut!: () => void;
    const afterCut = new Promise<void>((resolve) => (cut = resolve));
    upstream.script({ chunks: ['a'], holdUntil: afterCut, afterHold: ['b', 'c'] });
    upstream.setDefault({ chunks: ['done'] });
    const call = client.chat.completions.create(
      { model: 'test-model', messages: [{ role: 'user', content: 'Hi' }], store: true },
      { headers: { 'Idempotency-Key': `shutdown-${Date.now()}` } },
    );
    // What graceful shutdown does to this instance's generations (abortAllGenerations), to this
    // one, once it runs here: its reply is stored `streaming` (and its lease taken) a moment
    // before the generation is registered. Once its model has the request, too: a call cut
    // before it got there would leave the held answer scripted for the SDK's retry.
    const requestsBefore = upstream.requests.length;
    const aborted = await eventually(
      async () => {
        if (upstream.requests.length === requestsBefore) return false;
        const lease = await Generation.findOne(owner).lean();
        return lease !== null && abortGeneration(lease.token, 'shutdown');
      },
      (done) => done,
    );
    expect(aborted).toBe(true);
    cut();
    const answer = await call.then(
      (completion) => completion.choices[0]?.message.content,
      (error: unknown) => `${(error as Error).constructor.name}: ${(error as Error).message}`,
    );
    expect(answer).toBe('done');
  }, 30000);
});

/** The renewal of this process's leases (an update of the generation slots by `_id` or token). */
const isRenewal = (args: unknown[]) => {
  const update = args[1] as { $set?: Record<string, unknown> } | undefined;
  return update?.$set !== undefined && 'expiresAt' in update.$set;
};

/**
 * Runs `call` while this instance stalls: its lease renewals are held up until the lease has
 * lapsed, another instance's sweep takes the lease (as claimLapsedLease does), and the renewal then
 * finds it gone, so the generation is cut and its reply stored `incomplete` with INTERRUPTED.
 */
async function withLeaseTaken<T>(userId: string, call: () => Promise<T>): Promise<T> {
  const owner = { userId: new Types.ObjectId(userId) };
  const renewal = holdCall(Generation.collection, 'updateMany', isRenewal);
  try {
    const running = call();
    await renewal.reached;
    const lease = (await Generation.findOne(owner).lean())!;
    await eventually(
      () => Promise.resolve(Date.now()),
      (now) => now > lease.expiresAt.getTime() + 100,
      10_000,
    );
    const taken = await Generation.deleteOne({ ...owner, token: lease.token });
    expect(taken.deletedCount).toBe(1);
    renewal.release();
    return await running;
  } finally {
    renewal.release();
    renewal.restore();
  }
}

describe('/v1 store: true whose instance stalled until its lease was taken', () => {
  it('when a stored completion is cut because its lease was taken, then 503 generation_interrupted says its server stopped, with Retry-After: 1, and the reply is stored incomplete as INTERRUPTED', async () => {
    const { user, client } = await userWithSdkClient(ctx, server, {
      label: 'lease-taken',
      maxRetries: 0,
    });
    upstream.script({ chunks: ['word '], endless: true, delayMs: 20 });
    const error = await withLeaseTaken(user.id, () =>
      client.chat.completions
        .create({ model: 'test-model', messages: [{ role: 'user', content: 'Hi' }], store: true })
        .then(
          () => null,
          (e: unknown) => e,
        ),
    );
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    const apiError = error as InstanceType<typeof OpenAI.InternalServerError>;
    expect(apiError).toMatchObject({
      status: 503,
      code: 'generation_interrupted',
      error: {
        message:
          'The reply was cut off because the server generating it stopped before it finished; retry',
      },
    });
    expect(apiError.headers.get('retry-after')).toBe('1');
    expect(apiError.headers.get('x-should-retry')).toBeNull();
    const reply = await Message.findOne({
      userId: new Types.ObjectId(user.id),
      role: 'assistant',
    }).lean();
    expect(reply).toMatchObject({
      status: 'incomplete',
      error: { code: 'INTERRUPTED' },
      stopReason: null,
    });
    expect(reply!.content).toMatch(/^word /);
    expect(await Generation.countDocuments({ userId: new Types.ObjectId(user.id) })).toBe(0);
  }, 30000);

  it("when a keyed stored completion is cut because its lease was taken, then the SDK's own retry with the key gets a completion, in a chat of its own", async () => {
    const { user, client } = await userWithSdkClient(ctx, server, { label: 'key-lease-taken' });
    upstream.script({ chunks: ['word '], endless: true, delayMs: 20 });
    upstream.setDefault({ chunks: ['done'] });
    const answer = await withLeaseTaken(user.id, () =>
      client.chat.completions
        .create(
          { model: 'test-model', messages: [{ role: 'user', content: 'Hi' }], store: true },
          { headers: { 'Idempotency-Key': `lease-taken-${Date.now()}` } },
        )
        .then(
          (completion) => completion.choices[0]?.message.content,
          (e: unknown) => `${(e as Error).constructor.name}: ${(e as Error).message}`,
        ),
    );
    expect(answer).toBe('done');
    // The cut reply stays as stored; the retry acted again, as one without a key does.
    const stored = await Message.find({ userId: new Types.ObjectId(user.id), role: 'assistant' })
      .sort({ _id: 1 })
      .lean();
    expect(stored.map((m) => [m.status, m.error?.code ?? null])).toEqual([
      ['incomplete', 'INTERRUPTED'],
      ['complete', null],
    ]);
    expect(new Set(stored.map((m) => String(m.chatId))).size).toBe(2);
    expect(await Chat.countDocuments({ userId: new Types.ObjectId(user.id) })).toBe(2);
  }, 30000);
});
