import { MongoNetworkError } from 'mongodb';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { isDatabaseConnected } from '../../src/lib/db/connection.js';
import mongoose from '../../src/lib/db/mongoose.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { Session } from '../../src/modules/auth/session.model.js';
import { promote } from '../../src/modules/admin/roles.js';
import { sweepUnfinishedDeletions } from '../../src/modules/users/unfinished-deletions.js';
import { User } from '../../src/modules/users/user.model.js';
import { useTestApp } from '../helpers/app.js';
import { bearer, expectError, signUp } from '../helpers/auth.js';
import { failDeletionCommit } from '../helpers/users.js';
import { eventually } from '../helpers/eventually.js';
import { openStream, useListeningApp } from '../helpers/sse.js';
import { startUpstream } from '../helpers/upstream.js';

const upstream = await startUpstream();
const ctx = useTestApp({
  OPENAI_BASE_URL: upstream.url,
  MODELS: 'test-model',
  UPSTREAM_MAX_RETRIES: '0',
  TRUST_PROXY: '1',
  STOP_POLL_MS: '50',
  STREAM_CHECKPOINT_MS: '50',
});
afterAll(() => upstream.close());
const server = useListeningApp(ctx);

/**
 * What is documented as kept after an account is deleted: nothing that names it but the audit of
 * administrators' changes, by id. (Counters keyed by an address are kept until their window ends;
 * they name no account.)
 */
async function documentsNaming(...needles: string[]) {
  const db = mongoose.connection.db!;
  const found: { collection: string; doc: string }[] = [];
  for (const { name } of await db.listCollections().toArray()) {
    for (const doc of await db.collection(name).find({}).toArray()) {
      const text = JSON.stringify(doc).toLowerCase();
      if (needles.some((needle) => text.includes(needle.toLowerCase())))
        found.push({ collection: name, doc: text.slice(0, 300) });
    }
  }
  return found;
}

/** A failed command may mark the database unreachable until the next heartbeat (every 500 ms). */
const databaseBack = async () => {
  const connected = () => Promise.resolve(isDatabaseConnected());
  expect(await eventually(connected, (up) => up)).toBe(true);
};

describe('deleting an account', () => {
  it('when an account with chats, a streaming reply followed from another instance, sessions, limits, idempotency records, an API key and a useChat link is deleted, then no collection holds its id or email; another account keeps everything', async () => {
    const owner = await signUp(ctx, { ip: '192.0.2.10' });
    const bystander = await signUp(ctx, { ip: '192.0.2.99' });
    const api = () => ctx.request().set('X-Forwarded-For', '192.0.2.10');
    const as = bearer(owner.accessToken);

    // A second session, rotated once; a failed login from elsewhere (a per-account counter).
    const second = await api()
      .post('/api/auth/login')
      .send({ email: owner.email, password: owner.password });
    expect(second.status).toBe(200);
    expect(
      (await owner.agent.post('/api/auth/refresh').set('X-Forwarded-For', '192.0.2.10')).status,
    ).toBe(200);
    expect(
      (
        await ctx
          .request()
          .post('/api/auth/login')
          .set('X-Forwarded-For', '203.0.113.7')
          .send({ email: owner.email, password: 'wrong password' })
      ).status,
    ).toBe(401);

    // Chats (one with an Idempotency-Key), a finished exchange, a change, a search.
    upstream.setDefault({ chunks: ['stored ', 'reply'] });
    const chat = await api()
      .post('/api/chats')
      .set(as)
      .set('Idempotency-Key', 'create-1')
      .send({ title: 'mine' });
    expect(chat.status).toBe(201);
    const sent = await api()
      .post(`/api/chats/${chat.body.id}/messages`)
      .set(as)
      .set('Idempotency-Key', 'send-1')
      .send({ content: 'a question', stream: false });
    expect(sent.status).toBe(201);
    expect(
      (await api().patch(`/api/chats/${chat.body.id}`).set(as).send({ pinned: true })).status,
    ).toBe(200);
    expect((await api().get('/api/chats?q=question').set(as)).status).toBe(200);
    // A personal API key, used on /v1 with a stored exchange, and a useChat chat (its id link).
    const key = await api().post('/api/keys').set(as).send({ name: 'script' });
    expect(key.status).toBe(201);
    const v1 = await api()
      .post('/v1/chat/completions')
      .set(bearer(key.body.key as string))
      .send({ model: 'test-model', messages: [{ role: 'user', content: 'via v1' }], store: true });
    expect(v1.status).toBe(200);
    const ui = await api()
      .post('/api/ai-sdk/chat')
      .set(as)
      .send({
        id: 'ui-chat-of-the-owner',
        messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'via useChat' }] }],
        trigger: 'submit-message',
      });
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('data: [DONE]');
    const theirs = await ctx
      .request()
      .post('/api/chats')
      .set(bearer(bystander.accessToken))
      .send({ title: 'theirs' });
    expect(theirs.status).toBe(201);

    // A reply streaming while the account is deleted.
    upstream.setDefault({ chunks: Array.from({ length: 200 }, (_, i) => `w${i} `), delayMs: 30 });
    const streaming = await api().post('/api/chats').set(as).send({ title: 'streaming' });
    const s = openStream(
      server.port,
      `/api/chats/${streaming.body.id}/messages`,
      owner.accessToken,
      { content: 'long answer please', stream: true },
    );
    await s.waitFor(() => s.events.filter((e) => e.event === 'delta').length >= 3);
    // A reader on another instance follows it (the heartbeat reply-follower.ts writes).
    const replyId = s.events.find((e) => e.event === 'meta')!.data.assistantMessage.id as string;
    await mongoose.connection.collection('reply_readers').insertOne({
      _id: new mongoose.Types.ObjectId(replyId),
      chatId: new mongoose.Types.ObjectId(streaming.body.id as string),
      userId: new mongoose.Types.ObjectId(owner.user.id),
      until: new Date(Date.now() + 60_000),
    });
    // Its text has been checkpointed: the reply is in the database while it streams.
    await eventually(
      async () => (await documentsNaming('w2 ')).length,
      (n) => n > 0,
    );

    const deleted = await api().delete('/api/auth/me').set(as).send({ password: owner.password });
    expect(deleted.status).toBe(204);
    await s.ended;
    // Refused as when its chat is deleted: nothing of it is kept.
    expect(s.events.at(-1)).toMatchObject({
      event: 'error',
      data: { error: { code: 'NOT_FOUND' } },
    });
    await upstream.requests.at(-1)!.finished;
    expect(upstream.requests.at(-1)!.aborted).toBe(true);

    expect(await documentsNaming(owner.user.id, owner.email)).toEqual([]);
    // The key stops with the account (and left nothing: it named the account above).
    expect(
      (
        await api()
          .get('/v1/models')
          .set(bearer(key.body.key as string))
      ).body.error.code,
    ).toBe('invalid_api_key');
    expect(await documentsNaming('ui-chat-of-the-owner', 'via v1', 'via useChat')).toEqual([]);
    // Nothing of the streamed text either.
    expect(await documentsNaming('long answer please', 'w2 ')).toEqual([]);
    expect(await documentsNaming(bystander.user.id)).not.toEqual([]);
    expect(
      (await ctx.request().get(`/api/chats/${theirs.body.id}`).set(bearer(bystander.accessToken)))
        .status,
    ).toBe(200);
  });

  it('when an administrator changed an account before its owner deleted it, then only the audit entries of those changes name it, by id, with no email or name', async () => {
    const admin = await signUp(ctx);
    await promote((await User.findById(admin.user.id).lean())!, 'cli');
    const owner = await signUp(ctx, { name: 'Audited Owner' });
    const patch = (body: object) =>
      ctx
        .request()
        .patch(`/api/admin/users/${owner.user.id}`)
        .set(bearer(admin.accessToken))
        .send(body);
    expect((await patch({ tokenBudgetPerDay: 5000 })).status).toBe(200);
    expect((await patch({ disabled: true })).status).toBe(200);
    expect((await patch({ disabled: false })).status).toBe(200);
    const login = await ctx
      .request()
      .post('/api/auth/login')
      .send({ email: owner.email, password: owner.password });
    const del = await ctx
      .request()
      .delete('/api/auth/me')
      .set(bearer(login.body.accessToken as string))
      .send({ password: owner.password });
    expect(del.status).toBe(204);
    const naming = await documentsNaming(owner.user.id);
    expect(naming.map((d) => d.collection)).toEqual(['audit', 'audit', 'audit']);
    expect(await documentsNaming(owner.email, 'Audited Owner')).toEqual([]);
  });

  it('when the deletion of its messages fails, then its streaming reply is stopped all the same, and the deletion is finished by itself', async () => {
    const owner = await signUp(ctx, { ip: '203.0.113.61' });
    const as = bearer(owner.accessToken);
    upstream.setDefault({ chunks: Array.from({ length: 400 }, (_, i) => `w${i} `), delayMs: 20 });
    const chat = await ctx.request().post('/api/chats').set(as).send({ title: 'failing delete' });
    const s = openStream(server.port, `/api/chats/${chat.body.id}/messages`, owner.accessToken, {
      content: 'long answer please',
      stream: true,
    });
    await s.waitFor(() => s.events.filter((e) => e.event === 'delta').length >= 3);
    const failing = vi
      .spyOn(Message.collection, 'deleteMany')
      .mockImplementationOnce(() => Promise.reject(new Error('the database went away')));
    try {
      const failed = await ctx
        .request()
        .delete('/api/auth/me')
        .set(as)
        .send({ password: owner.password });
      // Its sessions were ended by the first step: the rest is done without its owner.
      expect(failed.status).toBe(204);
    } finally {
      failing.mockRestore();
    }
    // Stopped although the step failed: the stream ends, far short of the 400 words.
    await s.ended;
    expect(s.events.filter((e) => e.event === 'delta').length).toBeLessThan(400);
    expect(
      await eventually(
        () => mongoose.connection.db!.collection('generations').countDocuments({}),
        (n) => n === 0,
      ),
    ).toBe(0);
    expect(
      await eventually(
        () => documentsNaming(owner.user.id, owner.email),
        (found) => found.length === 0,
      ),
    ).toEqual([]);
    const login = await ctx
      .request()
      .post('/api/auth/login')
      .set('X-Forwarded-For', '203.0.113.61')
      .send({ email: owner.email, password: owner.password });
    expect(login.status).toBe(401);
  });

  it('when the database fails once the deletion has ended the sessions, then it answers 204 and the account is removed by itself once the database answers', async () => {
    const owner = await signUp(ctx, { ip: '203.0.113.62' });
    const as = bearer(owner.accessToken);
    const chat = await ctx.request().post('/api/chats').set(as).send({ title: 'mine' });
    expect(chat.status).toBe(201);
    // The sessions end (step 1); the database goes away for the chats' removal (step 2).
    const failing = vi
      .spyOn(Chat.collection, 'deleteMany')
      .mockImplementationOnce(() => Promise.reject(new MongoNetworkError('away, by the test')));
    let deleted;
    try {
      deleted = await ctx
        .request()
        .delete('/api/auth/me')
        .set(as)
        .send({ password: owner.password });
    } finally {
      failing.mockRestore();
    }
    // Not a 503 inviting a retry its ended session could not make.
    expect(deleted.status).toBe(204);
    await databaseBack();
    expect(
      await eventually(
        () => documentsNaming(owner.user.id, owner.email),
        (found) => found.length === 0,
      ),
    ).toEqual([]);
  });

  it('when the database fails before the deletion is committed, then 503 and nothing is removed: the same session retries it', async () => {
    const owner = await signUp(ctx, { ip: '203.0.113.63' });
    const as = bearer(owner.accessToken);
    // The commit, the write after the checks (beginDeletion), does not land.
    const failing = failDeletionCommit(new MongoNetworkError('away, by the test'));
    let failed;
    try {
      failed = await ctx
        .request()
        .delete('/api/auth/me')
        .set(as)
        .send({ password: owner.password });
    } finally {
      failing.mockRestore();
    }
    expectError(failed, 503, 'SERVICE_UNAVAILABLE');
    await databaseBack();
    expect(
      await User.findById(owner.user.id, { deletingUntil: 1, deletionCommittedAt: 1 }).lean(),
    ).toMatchObject({ deletingUntil: null, deletionCommittedAt: null });
    expect(await Session.countDocuments({ userId: owner.user.id, revokedAt: null })).toBe(1);
    expect(await sweepUnfinishedDeletions(Date.now() + 3_600_000)).toBe(0);
    const retried = await ctx
      .request()
      .delete('/api/auth/me')
      .set(as)
      .send({ password: owner.password });
    expect(retried.status).toBe(204);
    expect(await documentsNaming(owner.user.id, owner.email)).toEqual([]);
  });

  it('when the instance that committed a deletion stopped before finishing it, then the sweep finishes it a minute on; a younger or uncommitted one is left alone', async () => {
    const [left, young, marked] = await Promise.all([
      signUp(ctx, { ip: '203.0.113.64' }),
      signUp(ctx, { ip: '203.0.113.65' }),
      signUp(ctx, { ip: '203.0.113.66' }),
    ]);
    for (const user of [left, young, marked]) {
      const chat = await ctx
        .request()
        .post('/api/chats')
        .set(bearer(user.accessToken))
        .send({ title: 'kept until the sweep' });
      expect(chat.status).toBe(201);
    }
    const now = Date.now();
    const deletingUntil = new Date(now + 600_000);
    // Committed, its sessions ended (the first step), then its instance stopped.
    await User.updateOne(
      { _id: left.user.id },
      { $set: { deletingUntil, deletionCommittedAt: new Date(now - 61_000) } },
    );
    await Session.updateMany({ userId: left.user.id }, { $set: { revokedAt: new Date(now) } });
    // Committed a moment ago: its own request, or its retries, are at it.
    await User.updateOne(
      { _id: young.user.id },
      { $set: { deletingUntil, deletionCommittedAt: new Date(now - 10_000) } },
    );
    // Marked only: its deletion was refused or failed before anything was removed.
    await User.updateOne({ _id: marked.user.id }, { $set: { deletingUntil } });

    expect(await sweepUnfinishedDeletions(now)).toBe(1);
    expect(await documentsNaming(left.user.id, left.email)).toEqual([]);
    for (const user of [young, marked]) {
      expect(await User.exists({ _id: user.user.id })).not.toBeNull();
      const chats = await ctx.request().get('/api/chats').set(bearer(user.accessToken));
      expect(chats.status).toBe(200);
      expect(chats.body).toHaveLength(1);
    }
  });
  it('when a chat deletion of the account is under way as the account goes, then the record of that deletion goes with it', async () => {
    const owner = await signUp(ctx, { ip: '203.0.113.67' });
    const as = bearer(owner.accessToken);
    const chat = await ctx.request().post('/api/chats').set(as).send({ title: 'being deleted' });
    expect(chat.status).toBe(201);
    // Committed by an instance that stopped before finishing it (chats/chat-deletion.ts).
    await mongoose.connection.db!.collection('chat_deletions').insertOne({
      _id: new mongoose.Types.ObjectId(String(chat.body.id)),
      userId: new mongoose.Types.ObjectId(owner.user.id),
      committedAt: new Date(),
    });
    const deleted = await ctx
      .request()
      .delete('/api/auth/me')
      .set(as)
      .send({ password: owner.password });
    expect(deleted.status).toBe(204);
    expect(await documentsNaming(owner.user.id, owner.email)).toEqual([]);
  });
});
