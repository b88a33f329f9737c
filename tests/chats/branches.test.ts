import { beforeAll, describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { UsageEntry } from '../../src/modules/usage/usage.model.js';
import { useTestApp } from '../helpers/app.js';
import { expectError } from '../helpers/auth.js';
import { parseSse, textParser } from '../helpers/sse.js';
import { useUpstream, upstreamEnv } from '../helpers/chat-app.js';
import { createUser, type TestUser } from '../helpers/users.js';
import { expectTookTurns, releaseInPairs } from '../helpers/write-pairs.js';
import { idPages } from '../helpers/pages.js';

const upstream = await useUpstream();
const ctx = useTestApp({
  ...upstreamEnv(upstream),
  CHAT_WRITES_PER_MINUTE: '1000',
});
let user: TestUser;
let stranger: TestUser;

beforeAll(async () => {
  user = await createUser();
  stranger = await createUser();
});

interface Msg {
  id: string;
  parentId: string | null;
  role: string;
  content: string;
  siblingIds: string[];
}

const send = async (chatId: string, body: Record<string, unknown>, who = user) => {
  const res = await ctx
    .request()
    .post(`/api/chats/${chatId}/messages`)
    .set(who.auth)
    .send({ stream: false, ...body });
  return res;
};

/** A chat of `turns` exchanges "q1"/"a1" … ; returns its id and the messages in order. */
async function chatOf(turns: number) {
  const created = await ctx.request().post('/api/chats').set(user.auth).send({});
  const chatId = created.body.id as string;
  const ids: string[] = [];
  for (let i = 1; i <= turns; i += 1) {
    upstream.script({ chunks: [`a${i}`] });
    const res = await send(chatId, { content: `q${i}` });
    expect(res.status).toBe(201);
    ids.push(res.body.messages[0].id, res.body.messages[1].id);
  }
  return { chatId, ids };
}

/**
 * A chat whose one branch holds messages of these text sizes, questions and answers in turn, stored
 * directly with their sizes as the server stores them; returns its id and the messages, oldest first.
 */
async function chatOfSizes(sizes: number[]) {
  const created = await ctx.request().post('/api/chats').set(user.auth).send({});
  const chatId = created.body.id as string;
  const chat = await Chat.findById(chatId).lean();
  const base = Date.now() - 1_000_000;
  let parentId: Types.ObjectId | null = null;
  const docs = sizes.map((size, i) => {
    const _id = new Types.ObjectId();
    const doc = {
      _id,
      chatId: chat!._id,
      userId: chat!.userId,
      parentId,
      role: i % 2 === 0 ? 'user' : 'assistant',
      content: String(i % 10).repeat(size),
      bytes: size,
      status: 'complete',
      createdAt: new Date(base + i),
    };
    parentId = _id;
    return doc;
  });
  await Message.collection.insertMany(docs);
  return { chatId, ids: docs.map((d) => String(d._id)) };
}

const pagesFrom = (url: string) => idPages(ctx.request, user, url);

const read = async (chatId: string) => {
  const res = await ctx.request().get(`/api/chats/${chatId}`).set(user.auth);
  expect(res.status).toBe(200);
  return res.body as { activeLeafId: string; messages: Msg[]; hasMore: boolean };
};

const turnsOf = (pairs: number[], extra: { role: string; content: string }[] = []) => [
  ...pairs.flatMap((i) => [
    { role: 'user', content: `q${i}` },
    { role: 'assistant', content: `a${i}` },
  ]),
  ...extra,
];

describe('branches', () => {
  it('when message 3 of a 5-turn chat is edited, then the upstream gets only the branch, the new one is active, and switching back shows the old one', async () => {
    const { chatId, ids } = await chatOf(5);
    // Messages: q1 a1 q2 a2 q3 a3 …; editing q3 is a new user message after a2.
    upstream.script({ chunks: ['a3 again'] });
    const edit = await send(chatId, { content: 'q3 edited', parentId: ids[3] });
    expect(edit.status).toBe(201);
    expect(upstream.requests.at(-1)!.messages).toEqual(
      turnsOf([1, 2], [{ role: 'user', content: 'q3 edited' }]),
    );
    const [editedQ, newA] = edit.body.messages as Msg[];
    expect(editedQ!.parentId).toBe(ids[3]);

    const active = await read(chatId);
    expect(active.activeLeafId).toBe(newA!.id);
    expect(active.messages.map((m) => m.content)).toEqual([
      'q1',
      'a1',
      'q2',
      'a2',
      'q3 edited',
      'a3 again',
    ]);
    expect(active.messages[4]!.siblingIds).toEqual([ids[4], editedQ!.id]);
    expect(active.messages[0]!.siblingIds).toEqual([ids[0]]);

    // The next plain send follows the active (edited) branch.
    upstream.script({ chunks: ['a4 new'] });
    expect((await send(chatId, { content: 'q4 new' })).status).toBe(201);
    expect(upstream.requests.at(-1)!.messages).toEqual([
      ...turnsOf([1, 2]),
      { role: 'user', content: 'q3 edited' },
      { role: 'assistant', content: 'a3 again' },
      { role: 'user', content: 'q4 new' },
    ]);

    // Switch back to the old q3: the branch runs to the newest message below it (a5).
    const switched = await ctx
      .request()
      .patch(`/api/chats/${chatId}`)
      .set(user.auth)
      .send({ activeLeafId: ids[4] });
    expect(switched.status).toBe(200);
    expect(switched.body.activeLeafId).toBe(ids[9]);
    expect((await Chat.findById(chatId).lean())!.activeLeafId?.toString()).toBe(ids[9]);
    const old = await read(chatId);
    expect(old.messages.map((m) => m.content)).toEqual(
      turnsOf([1, 2, 3, 4, 5]).map((t) => t.content),
    );

    upstream.script({ chunks: ['a6'] });
    expect((await send(chatId, { content: 'q6' })).status).toBe(201);
    expect(upstream.requests.at(-1)!.messages).toEqual(
      turnsOf([1, 2, 3, 4, 5], [{ role: 'user', content: 'q6' }]),
    );

    // Any branch can be paged; the whole tree too, oldest first.
    const branch = await ctx
      .request()
      .get(`/api/chats/${chatId}/messages?leafId=${newA!.id}&limit=2`)
      .set(user.auth);
    expect(branch.status).toBe(200);
    expect(branch.body.map((m: Msg) => m.content)).toEqual(['q3 edited', 'a3 again']);
    expect(branch.headers.link).toContain('rel="next"');
    const tree = await ctx
      .request()
      .get(`/api/chats/${chatId}/messages?view=tree&limit=100`)
      .set(user.auth);
    expect(tree.body).toHaveLength(16);
    expect(tree.body[0].content).toBe('q1');
  });

  it('when parentId is null, then a new first message starts a branch with no history', async () => {
    const { chatId, ids } = await chatOf(2);
    upstream.script({ chunks: ['fresh'] });
    const res = await send(chatId, { content: 'start over', parentId: null });
    expect(res.status).toBe(201);
    expect(upstream.requests.at(-1)!.messages).toEqual([{ role: 'user', content: 'start over' }]);
    const active = await read(chatId);
    expect(active.messages.map((m) => m.content)).toEqual(['start over', 'fresh']);
    expect(active.messages[0]!.siblingIds).toEqual([ids[0], res.body.messages[0].id]);
  });

  it('when the active branch ends at a question without its answer (the answer deleted, a fork at a question), then a plain send puts the new question beside it: the model gets the branch before it, and no question is below a question', async () => {
    const { chatId, ids } = await chatOf(2);
    const remove = await ctx
      .request()
      .delete(`/api/chats/${chatId}/messages/${ids[3]}`)
      .set(user.auth);
    expect(remove.status).toBe(204);
    expect((await read(chatId)).activeLeafId).toBe(ids[2]);

    upstream.script({ chunks: ['a2 again'] });
    const sent = await send(chatId, { content: 'q2 asked again' });
    expect(sent.status).toBe(201);
    expect(upstream.requests.at(-1)!.messages).toEqual(
      turnsOf([1], [{ role: 'user', content: 'q2 asked again' }]),
    );
    const question = sent.body.messages[0] as Msg;
    expect(question.parentId).toBe(ids[1]);
    const after = await read(chatId);
    expect(after.messages[2]!.siblingIds).toEqual([ids[2], question.id]);
    expect(after.messages.map((m) => m.content)).toEqual([
      'q1',
      'a1',
      'q2 asked again',
      'a2 again',
    ]);
    expect(await Message.countDocuments({ chatId, parentId: new Types.ObjectId(ids[2]) })).toBe(0);

    // A chat forked at a question: the same through the SigmaGPT-compatible route.
    const forked = await ctx
      .request()
      .post(`/api/chats/${chatId}/fork`)
      .set(user.auth)
      .send({ messageId: ids[2] });
    expect(forked.status).toBe(201);
    upstream.script({ chunks: ['fork answer'] });
    const compat = await ctx
      .request()
      .post('/api/chat')
      .set(user.auth)
      .send({ threadId: forked.body.id, message: 'asked in the fork', stream: false });
    expect(compat.status).toBe(201);
    expect(upstream.requests.at(-1)!.messages).toEqual(
      turnsOf([1], [{ role: 'user', content: 'asked in the fork' }]),
    );
    const fork = await read(forked.body.id as string);
    expect(fork.messages.map((m) => m.content)).toEqual([
      'q1',
      'a1',
      'asked in the fork',
      'fork answer',
    ]);
    expect(fork.messages[2]!.siblingIds).toHaveLength(2);
  });

  it('when parentId is a user message, another chat’s or a stranger’s message, then a distinct error and nothing stored; a reply still streaming is taken, as a plain send after it is', async () => {
    const { chatId, ids } = await chatOf(1);
    const other = await chatOf(1);
    const before = await Message.countDocuments({ chatId });
    const calls = upstream.requests.length;

    const userParent = await send(chatId, { content: 'x', parentId: ids[0] });
    expect(userParent.status).toBe(400);
    expect(userParent.body.error.code).toBe('PARENT_NOT_ASSISTANT');

    const foreign = await send(chatId, { content: 'x', parentId: other.ids[1] });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('NOT_FOUND');

    const theirs = await send(chatId, { content: 'x', parentId: ids[1] }, stranger);
    expect(theirs.status).toBe(404);

    const unknown = await send(chatId, { content: 'x', parentId: '0123456789abcdef01234567' });
    expect(unknown.status).toBe(404);

    expect(await Message.countDocuments({ chatId })).toBe(before);
    expect(upstream.requests).toHaveLength(calls);

    // Below a reply still streaming (its text so far stored by a checkpoint), with its parentId;
    // the chat's kept turns wait for it (pending), as a streaming reply leaves them.
    await Message.updateOne({ _id: ids[1] }, { $set: { status: 'streaming', content: 'a1 so f' } });
    await Chat.updateOne({ _id: chatId }, { $set: { 'context.pending': true } });
    upstream.script({ chunks: ['below'] });
    const streaming = await send(chatId, { content: 'x', parentId: ids[1] });
    expect(streaming.status).toBe(201);
    expect(streaming.body.messages[0].parentId).toBe(ids[1]);
    expect(upstream.requests.at(-1)!.messages).toEqual([
      { role: 'user', content: 'q1' },
      { role: 'assistant', content: 'a1 so f' },
      { role: 'user', content: 'x' },
    ]);
    await Message.updateOne({ _id: ids[1] }, { $set: { status: 'complete', content: 'a1' } });

    // Ids that are not ids at all: a 400 on the field saying what an id looks like.
    const malformed = [
      await send(chatId, { content: 'x', parentId: 'nope' }),
      await ctx
        .request()
        .patch(`/api/chats/${chatId}`)
        .set(user.auth)
        .send({ activeLeafId: 'nope' }),
      await ctx.request().get(`/api/chats/${chatId}/messages?leafId=nope`).set(user.auth),
    ];
    for (const res of malformed) {
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].message).toBe(
        'Not a message id (24 hexadecimal characters)',
      );
    }

    const badSwitch = await ctx
      .request()
      .patch(`/api/chats/${chatId}`)
      .set(user.auth)
      .send({ activeLeafId: other.ids[1] });
    expect(badSwitch.status).toBe(404);
  });

  it('when a chat is 1,000 messages deep, then a send reads its branch in a bounded number of queries and keeps the newest turns within the budget', async () => {
    const created = await ctx.request().post('/api/chats').set(user.auth).send({});
    const chatId = created.body.id as string;
    const chat = await Chat.findById(chatId).lean();
    const base = Date.now() - 1_000_000;
    let parentId: unknown = null;
    const docs = Array.from({ length: 1000 }, (_, i) => {
      const _id = new Types.ObjectId();
      const doc = {
        _id,
        chatId: chat!._id,
        userId: chat!.userId,
        parentId,
        role: i % 2 === 0 ? 'user' : 'assistant',
        content: `m${i}`,
        bytes: 4,
        status: 'complete',
        createdAt: new Date(base + i),
      };
      parentId = _id;
      return doc;
    });
    await Message.collection.insertMany(docs);

    let finds = 0;
    const count = (name: string) => {
      if (name === 'find') finds += 1;
    };
    Message.base.set('debug', (collection: string, method: string) => {
      if (collection === Message.collection.collectionName) count(method);
    });
    try {
      const res = await send(chatId, { content: 'deep' });
      expect(res.status).toBe(201);
    } finally {
      Message.base.set('debug', false);
    }
    expect(finds).toBeGreaterThanOrEqual(2);
    expect(finds).toBeLessThanOrEqual(3);
    const sent = upstream.requests.at(-1)!.messages;
    expect(sent.at(-1)).toEqual({ role: 'user', content: 'deep' });
    expect(sent.at(-2)).toEqual({ role: 'assistant', content: 'm999' });
    expect(sent.length).toBeGreaterThan(100);
  });

  it('when an answer is regenerated twice, then three sibling answers exist, each made from the branch up to its question', async () => {
    const { chatId, ids } = await chatOf(3);
    upstream.script({ chunks: ['a2 take 2'] });
    const second = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages/${ids[3]}/regenerate`)
      .set(user.auth)
      .send({ stream: false });
    expect(second.status).toBe(201);
    expect(second.body.messages[0].id).toBe(ids[2]);
    expect(second.body.messages[1]).toMatchObject({
      role: 'assistant',
      parentId: ids[2],
      content: 'a2 take 2',
      status: 'complete',
    });
    expect(upstream.requests.at(-1)!.messages).toEqual(
      turnsOf([1], [{ role: 'user', content: 'q2' }]),
    );

    // Streamed, and named by the question this time.
    upstream.script({ chunks: ['a2 ', 'take 3'] });
    const third = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages/${ids[2]}/regenerate`)
      .set(user.auth)
      .send({ stream: true })
      .buffer(true)
      .parse(textParser);
    expect(third.status).toBe(200);
    const { events } = parseSse(third.body as string);
    expect(events.map((e) => e.event)).toEqual(['meta', 'delta', 'delta', 'done']);
    expect(events.at(-1)!.data.message.content).toBe('a2 take 3');
    expect(upstream.requests.at(-1)!.messages).toEqual(
      turnsOf([1], [{ role: 'user', content: 'q2' }]),
    );

    const active = await read(chatId);
    expect(active.messages.map((m) => m.content)).toEqual(['q1', 'a1', 'q2', 'a2 take 3']);
    expect(active.messages[3]!.siblingIds).toEqual([
      ids[3],
      second.body.messages[1].id,
      events[0]!.data.assistantMessage.id,
    ]);
    expect(await Message.countDocuments({ chatId, parentId: ids[2] })).toBe(3);

    // Switching to the first answer brings back its own continuation.
    await ctx.request().patch(`/api/chats/${chatId}`).set(user.auth).send({ activeLeafId: ids[3] });
    expect((await read(chatId)).messages.map((m) => m.content)).toEqual(
      turnsOf([1, 2, 3]).map((t) => t.content),
    );
  });

  it('when an answer was cut by the token limit, then continue appends to it: the model gets it last, deltas carry only new text', async () => {
    const { chatId, ids } = await chatOf(1);
    upstream.script({ chunks: ['The start'], finishReason: 'length' });
    const cut = await send(chatId, { content: 'q2' });
    expect(cut.body.messages[1].finishReason).toBe('length');
    const answerId = cut.body.messages[1].id as string;

    upstream.script({ chunks: [' and', ' the end'] });
    const res = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages/${answerId}/continue`)
      .set(user.auth)
      .send({ stream: true })
      .buffer(true)
      .parse(textParser);
    expect(res.status).toBe(200);
    const { events } = parseSse(res.body as string);
    // `meta` shows the answer as the continue found it, at its cursor; the deltas extend it.
    expect(events[0]).toMatchObject({
      event: 'meta',
      id: `${answerId}:${'The start'.length}`,
      data: { assistantMessage: { id: answerId, content: 'The start', status: 'streaming' } },
    });
    expect(events.filter((e) => e.event === 'delta').map((e) => e.data.content)).toEqual([
      ' and',
      ' the end',
    ]);
    const done = events.at(-1)!;
    expect(done.event).toBe('done');
    expect(done.data.message).toMatchObject({
      id: answerId,
      content: 'The start and the end',
      status: 'complete',
      finishReason: 'stop',
    });
    expect(upstream.requests.at(-1)!.messages).toEqual(
      turnsOf(
        [1],
        [
          { role: 'user', content: 'q2' },
          { role: 'assistant', content: 'The start' },
        ],
      ),
    );
    // The continue's own call is in the ledger under the id its claim put on the answer's lease
    // (where the sweep would charge it, had this instance died), for what it added.
    const continued = (await Message.findById(answerId).lean())!;
    expect(continued.lease).toMatchObject({ from: 'The start'.length });
    expect(await UsageEntry.findById(continued.lease!.callId).lean()).toMatchObject({
      chatId: new Types.ObjectId(chatId),
    });
    // Cursors count the whole message: a reconnect after the last delta gets only `done`.
    const lastDelta = events.filter((e) => e.event === 'delta').at(-1)!;
    expect(lastDelta.id).toBe(`${answerId}:${'The start and the end'.length}`);
    const resumed = await ctx
      .request()
      .get(`/api/chats/${chatId}/messages/${answerId}/stream`)
      .set(user.auth)
      .set('Last-Event-ID', lastDelta.id)
      .buffer(true)
      .parse(textParser);
    expect(parseSse(resumed.body as string).events.map((e) => e.event)).toEqual(['done']);
    const stored = await Message.findById(answerId).lean();
    expect(stored!.content).toBe('The start and the end');
    expect(stored!.status).toBe('complete');
    expect(await Message.countDocuments({ chatId })).toBe(4);

    // Now complete ("stop"): nothing more to continue.
    const again = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages/${answerId}/continue`)
      .set(user.auth)
      .send({ stream: false });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('REPLY_NOT_CONTINUABLE');
    const ofQuestion = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages/${ids[0]}/continue`)
      .set(user.auth)
      .send({ stream: false });
    expect(ofQuestion.status).toBe(400);
    expect(ofQuestion.body.error.code).toBe('NOT_CONTINUABLE');
  });

  it('when a long answer is continued, then the model gets only its end, within half the history budget, so the prompt stays bounded', async () => {
    const { chatId } = await chatOf(1);
    // 40,000 characters, about 10,000 tokens: over HISTORY_TOKEN_BUDGET (8,000) on its own.
    const long = `${'word '.repeat(7998)}the end`;
    upstream.script({ chunks: [long], finishReason: 'length' });
    const cut = await send(chatId, { content: 'q2' });
    expect(cut.body.messages[1].content).toBe(long);
    upstream.script({ chunks: [' more'] });
    const res = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages/${cut.body.messages[1].id}/continue`)
      .set(user.auth)
      .send({ stream: false });
    expect(res.status).toBe(201);
    const sent = upstream.requests.at(-1)!.messages;
    // Half of 8,000 tokens, at 4 characters a token.
    expect(sent.at(-1)).toEqual({ role: 'assistant', content: long.slice(-16_000) });
    const tokens = sent.reduce((sum, m) => sum + Math.ceil(m.content.length / 4) + 4, 0);
    expect(tokens).toBeLessThanOrEqual(8000);
    expect(sent.at(-2)).toEqual({ role: 'user', content: 'q2' });
    expect((await Message.findById(cut.body.messages[1].id).lean())!.content).toBe(`${long} more`);
  });

  it('when a long answer in a dense script is continued, then the model gets only its end, within half the history budget as counted for that script', async () => {
    const { chatId } = await chatOf(1);
    // 12,000 ideographs: three quarters of a token each, about 9,000 tokens.
    const long = Array.from({ length: 12_000 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join(
      '',
    );
    upstream.script({ chunks: [long], finishReason: 'length' });
    const cut = await send(chatId, { content: 'q2' });
    upstream.script({ chunks: ['続'] });
    const res = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages/${cut.body.messages[1].id}/continue`)
      .set(user.auth)
      .send({ stream: false });
    expect(res.status).toBe(201);
    // Half of 8,000 tokens is 16,000 quarters: 5,333 characters of three quarters each.
    expect(upstream.requests.at(-1)!.messages.at(-1)).toEqual({
      role: 'assistant',
      content: long.slice(-5333),
    });
    expect((await Message.findById(cut.body.messages[1].id).lean())!.content).toBe(`${long}続`);
  });

  it('when the same cut answer is continued twice at once, then one continue claims it and the other gets 409: the text is appended once', async () => {
    const { chatId } = await chatOf(1);
    upstream.script({ chunks: ['The start'], finishReason: 'length' });
    const cut = await send(chatId, { content: 'q2' });
    const answerId = cut.body.messages[1].id as string;
    // Both claims are held until both have been asked for (or 100 ms, when one waits for the
    // other's turn instead), then go out together.
    const pairs = releaseInPairs([[Message.collection, 'updateOne']], {
      picks: ([, update]) =>
        (update as { $set?: { status?: string } }).$set?.status === 'streaming',
    });
    try {
      upstream.script({ chunks: [' and more'] });
      upstream.script({ chunks: [' and more'] });
      const continued = () =>
        ctx
          .request()
          .post(`/api/chats/${chatId}/messages/${answerId}/continue`)
          .set(user.auth)
          .send({ stream: false });
      const results = await Promise.all([continued(), continued()]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      expectTookTurns(pairs, 'the claims');
    } finally {
      pairs.restore();
    }
    const stored = await Message.findById(answerId).lean();
    expect(stored).toMatchObject({ content: 'The start and more', status: 'complete' });
  });

  it('when regenerate or continue names a message of another chat or user, then 404 and nothing stored', async () => {
    const { chatId } = await chatOf(1);
    const other = await chatOf(1);
    const before = await Message.countDocuments({ chatId });
    for (const action of ['regenerate', 'continue']) {
      const foreign = await ctx
        .request()
        .post(`/api/chats/${chatId}/messages/${other.ids[1]}/${action}`)
        .set(user.auth)
        .send({ stream: false });
      expect(foreign.status).toBe(404);
      const stranger_ = await ctx
        .request()
        .post(`/api/chats/${other.chatId}/messages/${other.ids[1]}/${action}`)
        .set(stranger.auth)
        .send({ stream: false });
      expect(stranger_.status).toBe(404);
    }
    expect(await Message.countDocuments({ chatId })).toBe(before);
  });

  it('when a chat is forked at message 4, then a new chat holds a copy of that branch and its next send gets exactly that history', async () => {
    const { chatId, ids } = await chatOf(5);
    const res = await ctx
      .request()
      .post(`/api/chats/${chatId}/fork`)
      .set(user.auth)
      .send({ messageId: ids[3] });
    expect(res.status).toBe(201);
    expect(res.body.id).not.toBe(chatId);
    expect(res.body.title).toBe('q1 (fork)');
    const forked = await read(res.body.id);
    expect(forked.messages.map((m) => m.content)).toEqual(['q1', 'a1', 'q2', 'a2']);
    expect(forked.messages.every((m) => !ids.includes(m.id))).toBe(true);
    expect(forked.activeLeafId).toBe(forked.messages[3]!.id);

    upstream.script({ chunks: ['forked answer'] });
    expect((await send(res.body.id, { content: 'q3 in the fork' })).status).toBe(201);
    expect(upstream.requests.at(-1)!.messages).toEqual(
      turnsOf([1, 2], [{ role: 'user', content: 'q3 in the fork' }]),
    );
    // The original is untouched.
    expect(await Message.countDocuments({ chatId })).toBe(10);
    expect((await read(chatId)).messages).toHaveLength(10);

    const foreign = await ctx
      .request()
      .post(`/api/chats/${chatId}/fork`)
      .set(stranger.auth)
      .send({ messageId: ids[3] });
    expect(foreign.status).toBe(404);
    const otherChat = await ctx
      .request()
      .post(`/api/chats/${res.body.id}/fork`)
      .set(user.auth)
      .send({ messageId: ids[3] });
    expect(otherChat.status).toBe(404);
  });

  it('when an older chat is forked, then the fork lists first (made now), and its copies keep their own times', async () => {
    const { chatId, ids } = await chatOf(2);
    // A chat active since: the fork is newer still.
    const later = await ctx.request().post('/api/chats').set(user.auth).send({ title: 'Later' });
    expect(later.status).toBe(201);
    const res = await ctx
      .request()
      .post(`/api/chats/${chatId}/fork`)
      .set(user.auth)
      .send({ messageId: ids[1] });
    expect(res.status).toBe(201);
    expect(Date.parse(res.body.lastMessageAt)).toBeGreaterThanOrEqual(
      Date.parse(res.body.createdAt),
    );
    const list = await ctx.request().get('/api/chats?limit=2').set(user.auth);
    expect(list.status).toBe(200);
    expect(list.body.map((c: { id: string }) => c.id)).toEqual([res.body.id, later.body.id]);
    const stored = await Chat.findById(res.body.id).lean();
    expect(stored!.lastMessageAt.getTime()).toBe(Date.parse(res.body.lastMessageAt));
    // The copies are the original exchange, at its time.
    const original = await Message.findById(ids[0]).lean();
    const copies = await Message.find({ chatId: res.body.id }).sort({ createdAt: 1 }).lean();
    expect(copies[0]!.createdAt.getTime()).toBe(original!.createdAt.getTime());
  });

  it('when a branch is deleted, then it and everything below go, and the active branch moves to a sibling or the parent', async () => {
    const { chatId, ids } = await chatOf(3);
    upstream.script({ chunks: ['a2 edited'] });
    const edit = await send(chatId, { content: 'q2 edited', parentId: ids[1] });
    const editedQ = edit.body.messages[0].id as string;

    const gone = await ctx
      .request()
      .delete(`/api/chats/${chatId}/messages/${editedQ}`)
      .set(user.auth);
    expect(gone.status).toBe(204);
    expect(await Message.countDocuments({ chatId })).toBe(6);
    const back = await read(chatId);
    expect(back.activeLeafId).toBe(ids[5]);
    expect(back.messages.map((m) => m.content)).toEqual(turnsOf([1, 2, 3]).map((t) => t.content));

    // Deleting the only second question: everything from it goes; the branch ends at a1.
    expect(
      (await ctx.request().delete(`/api/chats/${chatId}/messages/${ids[2]}`).set(user.auth)).status,
    ).toBe(204);
    const short = await read(chatId);
    expect(short.messages.map((m) => m.content)).toEqual(['q1', 'a1']);
    expect(short.activeLeafId).toBe(ids[1]);

    const foreign = await ctx
      .request()
      .delete(`/api/chats/${chatId}/messages/${ids[0]}`)
      .set(stranger.auth);
    expect(foreign.status).toBe(404);
    expect(await Message.countDocuments({ chatId })).toBe(2);

    // Deleting the chat removes every message of every branch.
    expect((await ctx.request().delete(`/api/chats/${chatId}`).set(user.auth)).status).toBe(204);
    expect(await Message.countDocuments({ chatId })).toBe(0);
  });

  it("when the active branch moves or later messages go between two pages of a branch, then the next page stays on the first page's branch; another branch's or deleted messages' cursor is refused", async () => {
    const { chatId, ids } = await chatOf(3);
    upstream.script({ chunks: ['a2 edited'] });
    const edit = await send(chatId, { content: 'q2 edited', parentId: ids[1] });
    expect(edit.status).toBe(201);
    const [editedQ, editedA] = edit.body.messages.map((m: Msg) => m.id) as [string, string];
    const page = (url: string) => ctx.request().get(url).set(user.auth);
    const contents = (res: { body: Msg[] }) => res.body.map((m) => m.content);

    const first = await page(`/api/chats/${chatId}/messages?limit=2`);
    expect(contents(first)).toEqual(['q2 edited', 'a2 edited']);
    const link = String(first.headers.link);
    const next = link.slice(1, link.indexOf('>'));
    // The old branch becomes the active one before the next page is read.
    const switched = await ctx
      .request()
      .patch(`/api/chats/${chatId}`)
      .set(user.auth)
      .send({ activeLeafId: ids[5] });
    expect(switched.body.activeLeafId).toBe(ids[5]);
    const second = await page(next);
    expect(second.status).toBe(200);
    expect(contents(second)).toEqual(['q1', 'a1']);
    expect(second.headers.link).toBeUndefined();
    // A first page follows the active branch, as before.
    expect(contents(await page(`/api/chats/${chatId}/messages?limit=2`))).toEqual(['q3', 'a3']);

    // Named with its own branch's leaf the cursor is taken; with another branch's it is refused.
    expect(contents(await page(`${next}&leafId=${editedA}`))).toEqual(['q1', 'a1']);
    const other = await page(`${next}&leafId=${ids[5]}`);
    expectError(other, 400, 'VALIDATION_FAILED');
    expect(other.body.error.message).toBe('The cursor belongs to another branch');

    // The chat read with the cursor: that page, under the chat's own active branch.
    const cursor = new URL(next, 'http://x').searchParams.get('cursor')!;
    const chat = await page(`/api/chats/${chatId}?cursor=${cursor}`);
    expect(chat.body.activeLeafId).toBe(ids[5]);
    expect(contents({ body: chat.body.messages })).toEqual(['q1', 'a1']);

    // Deleting what came after the cursor's messages leaves the pages before them as they were.
    const remove = (id: string) =>
      ctx.request().delete(`/api/chats/${chatId}/messages/${id}`).set(user.auth);
    expect((await remove(editedA)).status).toBe(204);
    expect(contents(await page(next))).toEqual(['q1', 'a1']);
    // Once its messages are deleted, the cursor is refused, not read as the start of the chat.
    expect((await remove(editedQ)).status).toBe(204);
    const stale = await page(next);
    expectError(stale, 400, 'VALIDATION_FAILED');
    expect(stale.body.error.message).toBe(
      "The cursor's message is not in this chat (deleted, or another chat's); load the first page",
    );
    expect(stale.body.error.details).toEqual([{ path: 'cursor', message: 'Invalid cursor' }]);
  });

  it('when a branch holds three replies of 600 KB, then each page stops once its text passes PAGE_BYTES_MAX (1mb): pages of 2 and 1 in every read, and the cursors give each message once, in order', async () => {
    const size = 600_000;
    const { chatId, ids } = await chatOfSizes([size, size, size]);
    const page = (url: string) => ctx.request().get(url).set(user.auth).buffer(true);
    const idsOf = (messages: Msg[]) => messages.map((m) => m.id);
    const nextOf = (res: { headers: Record<string, string> }) => {
      const link = res.headers.link;
      return link ? link.slice(1, link.indexOf('>')) : undefined;
    };

    // The chat with its first page: the newest two, then the oldest one by its Link.
    const opened = await page(`/api/chats/${chatId}`);
    expect(opened.status).toBe(200);
    expect(idsOf(opened.body.messages)).toEqual([ids[1], ids[2]]);
    expect(opened.body.messages.map((m: Msg) => m.content.length)).toEqual([size, size]);
    expect(opened.body.hasMore).toBe(true);
    const older = await page(nextOf(opened)!);
    expect(older.status).toBe(200);
    expect(idsOf(older.body)).toEqual([ids[0]]);
    expect(nextOf(older)).toBeUndefined();

    // The branch's pages, and the SigmaGPT-compatible read of the same branch.
    for (const first of [`/api/chats/${chatId}/messages`, `/api/chat/${chatId}`]) {
      const newest = await page(first);
      expect(newest.status).toBe(200);
      expect(idsOf(newest.body)).toEqual([ids[1], ids[2]]);
      const rest = await page(nextOf(newest)!);
      expect(idsOf(rest.body)).toEqual([ids[0]]);
      expect(nextOf(rest)).toBeUndefined();
    }

    // The tree goes forward: the oldest two, then the newest.
    const tree = await page(`/api/chats/${chatId}/messages?view=tree`);
    expect(idsOf(tree.body)).toEqual([ids[0], ids[1]]);
    const treeRest = await page(nextOf(tree)!);
    expect(idsOf(treeRest.body)).toEqual([ids[2]]);
    expect(nextOf(treeRest)).toBeUndefined();

    // `limit` still ends a page first when it comes first.
    const one = await page(`/api/chats/${chatId}/messages?view=tree&limit=1`);
    expect(idsOf(one.body)).toEqual([ids[0]]);
    expect(idsOf((await page(nextOf(one)!)).body)).toEqual([ids[1]]);
  });

  it('when a message alone passes PAGE_BYTES_MAX, then it is a page of its own, never an empty one', async () => {
    const { chatId, ids } = await chatOfSizes([1_200_000, 1_200_000, 10]);
    // Forward: each long one passes the bound on its own and is a page of its own.
    expect(await pagesFrom(`/api/chats/${chatId}/messages?view=tree`)).toEqual([
      [ids[0]],
      [ids[1]],
      [ids[2]],
    ]);
    // Back from the end: the short question goes in first, then the long answer passes the bound.
    expect(await pagesFrom(`/api/chats/${chatId}/messages`)).toEqual([[ids[1], ids[2]], [ids[0]]]);
  });

  it('when two messages bring a page to exactly PAGE_BYTES_MAX (1mb), then the page ends with them and the Link gives the rest', async () => {
    const half = 512 * 1024;
    const { chatId, ids } = await chatOfSizes([half, half, half]);
    // Reaching the bound ends the page as passing it does.
    expect(await pagesFrom(`/api/chats/${chatId}/messages?view=tree`)).toEqual([
      [ids[0], ids[1]],
      [ids[2]],
    ]);
    expect(await pagesFrom(`/api/chats/${chatId}/messages`)).toEqual([[ids[1], ids[2]], [ids[0]]]);
  });

  it('when a chat has branched, then the SigmaGPT-compatible /api/chat continues at the active leaf', async () => {
    const { chatId, ids } = await chatOf(2);
    upstream.script({ chunks: ['a2 edited'] });
    expect((await send(chatId, { content: 'q2 edited', parentId: ids[1] })).status).toBe(201);
    upstream.script({ chunks: ['a3'] });
    const res = await ctx
      .request()
      .post('/api/chat')
      .set(user.auth)
      .send({ message: 'q3', threadId: chatId, stream: false });
    expect(res.status).toBe(201);
    expect(upstream.requests.at(-1)!.messages).toEqual([
      ...turnsOf([1]),
      { role: 'user', content: 'q2 edited' },
      { role: 'assistant', content: 'a2 edited' },
      { role: 'user', content: 'q3' },
    ]);
    expect((await read(chatId)).messages.map((m) => m.content)).toEqual([
      'q1',
      'a1',
      'q2 edited',
      'a2 edited',
      'q3',
      'a3',
    ]);
  });

  it('when one answer is regenerated twice at once, then both land as siblings', async () => {
    const { chatId, ids } = await chatOf(1);
    upstream.script({ chunks: ['x'], delayMs: 100 }, { chunks: ['y'], delayMs: 100 });
    const regenerate = () =>
      ctx
        .request()
        .post(`/api/chats/${chatId}/messages/${ids[1]}/regenerate`)
        .set(user.auth)
        .send({ stream: false });
    const [one, two] = await Promise.all([regenerate(), regenerate()]);
    expect([one.status, two.status]).toEqual([201, 201]);
    expect(await Message.countDocuments({ chatId, parentId: ids[0] })).toBe(3);
    const active = await read(chatId);
    expect(active.messages[1]!.siblingIds).toHaveLength(3);
    expect(upstream.requests.slice(-2).map((r) => r.messages)).toEqual([
      [{ role: 'user', content: 'q1' }],
      [{ role: 'user', content: 'q1' }],
    ]);
  });
});
