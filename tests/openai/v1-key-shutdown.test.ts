import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { abortGeneration } from '../../src/modules/chats/generation/registry.js';
import { useTestApp } from '../helpers/app.js';
import { NO_TIGHT_LIMITS } from '../helpers/auth.js';
import { eventually } from '../helpers/eventually.js';
import { upstreamEnv } from '../helpers/chat-app.js';
import { startUpstream } from '../helpers/upstream.js';
import { createUser } from '../helpers/users.js';

/*
 * README: of the failures of a stored completion "only a reply cut by a server shutting down says
 * `Retry-After: 1` and may be retried". The SDK retries it by itself, with the same headers: under
 * an Idempotency-Key that retry must get a completion, not the same 503 replayed from the key's
 * record until the SDK gives up.
 */
const upstream = await startUpstream();
const ctx = useTestApp({ ...NO_TIGHT_LIMITS, ...upstreamEnv(upstream), MODELS: 'test-model' });
let server: Server;
let baseURL: string;

beforeAll(async () => {
  server = ctx.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await upstream.close();
});

describe('/v1 store: true under an Idempotency-Key, cut by a shutdown', () => {
  it("when a keyed stored completion is cut by a shutdown, then the SDK's own retry with the key gets a completion, not the 503 again", async () => {
    const user = await createUser({ label: 'key-shutdown' });
    const made = await ctx.request().post('/api/keys').set(user.auth).send({ name: 'sdk' });
    const client = new OpenAI({ apiKey: made.body.key as string, baseURL });
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
