import OpenAI from 'openai';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Session } from '../../src/modules/auth/session.model.js';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useTestApp } from '../helpers/app.js';
import {
  bearer,
  expectUnauthenticated,
  NO_TIGHT_LIMITS,
  refreshCookieOf,
} from '../helpers/auth.js';
import { upstreamEnv } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';
import { openStream, useListeningApp, type SseClient } from '../helpers/sse.js';
import { startUpstream } from '../helpers/upstream.js';
import { createUser, openSession, type TestUser } from '../helpers/users.js';

/*
 * README: a way into an account that ends while the account goes on (a session logged out,
 * revoked by a password change, a replayed refresh token or the session cap; an API key deleted
 * or revoked by a password change) ends the replies it streams, as an administrator's sign-out
 * ends all of them: stored as `incomplete` (`stop`), the stream ended. What other ways in stream
 * goes on.
 */
const upstream = await startUpstream();
const ctx = useTestApp({
  ...NO_TIGHT_LIMITS,
  ...upstreamEnv(upstream),
  MAX_CONCURRENT_STREAMS: '4',
  MAX_SESSIONS_PER_USER: '3',
  STOP_POLL_MS: '50',
});
afterAll(() => upstream.close());
beforeEach(() => upstream.reset());
const server = useListeningApp(ctx);

/** Every stream a test opened: closed after it, so a reply that was not stopped ends with it. */
const opened: { close(): void }[] = [];
afterEach(() => {
  for (const stream of opened.splice(0)) stream.close();
});
const track = <T extends { close(): void }>(stream: T) => {
  opened.push(stream);
  return stream;
};

/** Waits until `ended` holds; a stream that goes on past ENDS_WITHIN_MS fails the test saying so. */
async function endsWithin(stream: SseClient, ended: () => boolean) {
  await stream.waitFor(ended, ENDS_WITHIN_MS).catch(() => {
    throw new Error(`still streaming after ${ENDS_WITHIN_MS} ms (${stream.bytes} characters)`);
  });
}

/** How long a stopped reply may take to end: a stop poll or two, on a loaded machine. */
const ENDS_WITHIN_MS = 5000;

const newChat = async (token: string) => {
  const res = await ctx.request().post('/api/chats').set(bearer(token)).send({});
  expect(res.status).toBe(201);
  return res.body.id as string;
};

/** A reply streamed to `token` that only a stop ends; its first delta is in. */
async function endlessReply(token: string) {
  const chatId = await newChat(token);
  upstream.script({ chunks: ['on ', 'and '], endless: true, delayMs: 20 });
  const stream = track(
    openStream(server.port, `/api/chats/${chatId}/messages`, token, {
      content: 'talk until stopped',
      stream: true,
    }),
  );
  await stream.waitForEvent('delta');
  return stream;
}

/** A reply streamed to `token` that waits, after its first delta, until `finish` is called. */
async function heldReply(token: string) {
  const chatId = await newChat(token);
  let finish!: () => void;
  const held = new Promise<void>((resolve) => (finish = resolve));
  upstream.script({ chunks: ['kept '], holdUntil: held, afterHold: ['to the end'] });
  const stream = track(
    openStream(server.port, `/api/chats/${chatId}/messages`, token, {
      content: 'answer in full',
      stream: true,
    }),
  );
  await stream.waitForEvent('delta');
  return { stream, finish };
}

/** A /v1 completion streamed to an API key through the OpenAI SDK, read as it comes. */
function completion(key: string, content: string) {
  const client = new OpenAI({ apiKey: key, baseURL: `${server.url}/v1`, maxRetries: 0 });
  const reading = new AbortController();
  const read = { text: '', error: undefined as (Error & { code?: string }) | undefined };
  const ended = (async () => {
    try {
      const stream = await client.chat.completions.create(
        { model: 'test-model', messages: [{ role: 'user', content }], stream: true },
        { signal: reading.signal },
      );
      for await (const chunk of stream) read.text += chunk.choices[0]?.delta.content ?? '';
    } catch (error) {
      read.error = error as Error & { code?: string };
    }
  })();
  track({ close: () => reading.abort() });
  return { read, ended };
}

/** A /v1 completion streamed to an API key that only a stop ends; its first chunk is in. */
async function endlessCompletion(key: string) {
  upstream.script({ chunks: ['on ', 'and '], endless: true, delayMs: 20 });
  const streaming = completion(key, 'talk');
  await eventually(
    () => Promise.resolve(streaming.read.text),
    (text) => text.length > 0,
  );
  return streaming;
}

const newKey = async (owner: TestUser, name = 'laptop') => {
  const res = await ctx.request().post('/api/keys').set(owner.auth).send({ name });
  expect(res.status).toBe(201);
  return res.body as { id: string; key: string };
};

/** The reply of the stream ended as an administrator's sign-out ends one: stored `incomplete`. */
async function expectStopped(stream: SseClient) {
  await endsWithin(stream, () => stream.events.some((e) => e.event === 'done'));
  await stream.ended;
  const done = stream.events.at(-1)!;
  expect(done.event).toBe('done');
  expect(done.data.message).toMatchObject({ status: 'incomplete', stopReason: 'stop' });
  const stored = await eventually(
    () => Message.findById(done.data.message.id).lean(),
    (message) => message?.status === 'incomplete',
  );
  expect(stored).toMatchObject({ status: 'incomplete', stopReason: 'stop' });
}

/** A /v1 stream ended as a stopped completion's does: the SDK raises its error. */
async function expectCompletionStopped({ read, ended }: ReturnType<typeof completion>) {
  const timedOut = Symbol('timed out');
  const outcome = await Promise.race([
    ended,
    new Promise((resolve) => setTimeout(() => resolve(timedOut), ENDS_WITHIN_MS)),
  ]);
  if (outcome === timedOut)
    throw new Error(`still streaming after ${ENDS_WITHIN_MS} ms (${read.text.length} characters)`);
  expect(read.error?.code).toBe('generation_interrupted');
}

/** The reply goes on: still streaming, stored so; let go, it ends complete. */
async function expectGoesOn({ stream, finish }: Awaited<ReturnType<typeof heldReply>>) {
  expect(stream.events.some((e) => e.event === 'done' || e.event === 'error')).toBe(false);
  finish();
  await stream.waitForEvent('done', ENDS_WITHIN_MS);
  expect(stream.events.at(-1)!.data.message).toMatchObject({
    status: 'complete',
    content: 'kept to the end',
  });
}

const leasesOf = (owner: TestUser) =>
  Generation.countDocuments({ userId: new Types.ObjectId(owner.id) });

describe('a password change', () => {
  it("when the password is changed while another session and an API key stream replies, then theirs stop (stored as incomplete) and the changing session's own reply goes on", async () => {
    const owner = await createUser({ label: 'changes' });
    const thief = await openSession(owner.id);
    const { key } = await newKey(owner);
    const own = await heldReply(owner.accessToken);
    const stolen = await endlessReply(thief.accessToken);
    const completion = await endlessCompletion(key);

    const res = await ctx
      .request()
      .post('/api/auth/password')
      .set(owner.auth)
      .send({ currentPassword: owner.password, newPassword: 'a brand new passphrase' });
    expect(res.status).toBe(204);

    await expectStopped(stolen);
    await expectCompletionStopped(completion);
    expectUnauthenticated(await ctx.request().get('/api/chats').set(thief.auth));
    await expectGoesOn(own);
    expect(
      await eventually(
        () => leasesOf(owner),
        (n) => n === 0,
      ),
    ).toBe(0);
  });
});

describe('a session that ends', () => {
  it('when a session logs out while it streams a reply, then its reply stops (stored as incomplete) and another session’s reply goes on', async () => {
    const owner = await createUser({ label: 'logs-out' });
    const other = await openSession(owner.id);
    const kept = await heldReply(other.accessToken);
    const leaving = await endlessReply(owner.accessToken);

    const res = await ctx.request().post('/api/auth/logout').set(owner.auth);
    expect(res.status).toBe(204);

    await expectStopped(leaving);
    await expectGoesOn(kept);
  });

  it('when a replayed refresh token revokes a session while it streams a reply, then its reply stops (stored as incomplete)', async () => {
    const owner = await createUser({ label: 'replayed' });
    const refresh = (token: string) =>
      ctx.request().post('/api/auth/refresh').set('Cookie', `refresh_token=${token}`);
    const rotated = await refresh(owner.refreshToken);
    expect(rotated.status).toBe(200);
    expect(refreshCookieOf(rotated)).toBeDefined();
    const streaming = await endlessReply(rotated.body.accessToken as string);
    // Past the grace of the token just rotated away: presenting it again is a replay.
    await Session.updateOne(
      { _id: owner.sessionId },
      { $set: { rotatedAt: new Date(Date.now() - 60_000) } },
    );

    expectUnauthenticated(await refresh(owner.refreshToken));

    await expectStopped(streaming);
  });

  it('when a login past MAX_SESSIONS_PER_USER revokes the session used least recently while it streams a reply, then its reply stops (stored as incomplete) and the others’ go on', async () => {
    const owner = await createUser({ label: 'capped' });
    const oldest = owner;
    // Used less recently than the oldest one would be otherwise: opened after, refreshed never.
    await Session.updateOne(
      { _id: oldest.sessionId },
      { $set: { updatedAt: new Date(Date.now() - 60_000) } },
    );
    const second = await openSession(owner.id);
    await openSession(owner.id);
    const kept = await heldReply(second.accessToken);
    const streaming = await endlessReply(oldest.accessToken);

    const login = await ctx
      .request()
      .post('/api/auth/login')
      .send({ email: owner.email, password: owner.password });
    expect(login.status).toBe(200);

    await expectStopped(streaming);
    expectUnauthenticated(await ctx.request().get('/api/chats').set(oldest.auth));
    await expectGoesOn(kept);
  });
});

describe('an API key deleted', () => {
  it('when a key is deleted while it streams a /v1 completion, then that completion stops, and one of another key goes on', async () => {
    const owner = await createUser({ label: 'deletes-key' });
    const deleted = await newKey(owner, 'old laptop');
    const other = await newKey(owner, 'desktop');
    const stopping = await endlessCompletion(deleted.key);
    let finish!: () => void;
    upstream.script({
      chunks: ['kept '],
      holdUntil: new Promise<void>((resolve) => (finish = resolve)),
      afterHold: ['to the end'],
    });
    const kept = completion(other.key, 'answer');
    await eventually(
      () => Promise.resolve(kept.read.text),
      (text) => text.length > 0,
    );

    const res = await ctx.request().delete(`/api/keys/${deleted.id}`).set(owner.auth);
    expect(res.status).toBe(204);

    await expectCompletionStopped(stopping);
    expect(kept.read.error).toBeUndefined();
    finish();
    await kept.ended;
    expect(kept.read).toEqual({ text: 'kept to the end', error: undefined });
  });

  it('when a key is deleted by its id written in capitals, then the completion it streams stops too', async () => {
    const owner = await createUser({ label: 'deletes-key-capitals' });
    const deleted = await newKey(owner);
    const stopping = await endlessCompletion(deleted.key);

    const res = await ctx.request().delete(`/api/keys/${deleted.id.toUpperCase()}`).set(owner.auth);
    expect(res.status).toBe(204);

    await expectCompletionStopped(stopping);
  });
});
