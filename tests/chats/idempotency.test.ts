import { EventSource } from 'eventsource';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { ChatSlot } from '../../src/modules/chats/chat-slot.model.js';
import { IdempotencyKey } from '../../src/modules/chats/idempotency.model.js';
import { requestHash } from '../../src/modules/chats/idempotency.service.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { expectError } from '../helpers/auth.js';
import { eventually } from '../helpers/eventually.js';
import { holdCall } from '../helpers/hold-call.js';
import { openSse } from '../helpers/sse.js';
import { createUser, type TestUser } from '../helpers/users.js';

const ctx = useChatApp({
  MAX_CONCURRENT_STREAMS: '4',
  RESUME_POLL_MS: '50',
  // Every test makes chats of one user; the write limit is not what is tested here.
  CHAT_WRITES_PER_MINUTE: '1000',
});
let other: TestUser;

beforeAll(async () => {
  other = await createUser({ label: 'other' });
});

const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i} `);
let keys = 0;
const newKey = () => `key-${Date.now()}-${(keys += 1)}`;
const newChat = async () =>
  (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body.id as string;
const sendJson = (chatId: string, key: string, body: Record<string, unknown>, as = ctx.user) =>
  ctx
    .request()
    .post(`/api/chats/${chatId}/messages`)
    .set(as.auth)
    .set('Idempotency-Key', key)
    .send(body);

/** POST /api/chats with the key. */
const createWithKey = (key: string, body: Record<string, unknown>) =>
  ctx.request().post('/api/chats').set(ctx.user.auth).set('Idempotency-Key', key).send(body);

/** A POST of a message to the chat with the key, read as a stream (as a browser tab would). */
const postWithKey = (chatId: string, key: string, body: Record<string, unknown>, accept?: string) =>
  openSse(ctx.server.port, {
    method: 'POST',
    path: `/api/chats/${chatId}/messages`,
    token: ctx.user.accessToken,
    body,
    headers: { 'Idempotency-Key': key, ...(accept ? { accept } : {}) },
  });

describe('Idempotency-Key on sending a message', () => {
  it('when a JSON request is repeated with the same key and body, then the same 201 body comes back and one exchange is stored', async () => {
    const chatId = await newChat();
    const key = newKey();
    const first = await sendJson(chatId, key, { content: 'once', stream: false });
    expect(first.status).toBe(201);
    const again = await sendJson(chatId, key, { stream: false, content: 'once' });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await Message.countDocuments({ chatId })).toBe(2);
    expect(ctx.upstream.requests).toHaveLength(1);
  });

  it('when the JSON response was lost mid-generation, then the retry with the same key waits for the same reply and returns it, and nothing is sent twice', async () => {
    ctx.upstream.script({ chunks: words(30), delayMs: 30 });
    const chatId = await newChat();
    const key = newKey();
    const lost = postWithKey(
      chatId,
      key,
      { content: 'do not lose me', stream: false },
      'application/json',
    );
    await eventually(
      () => Message.countDocuments({ chatId }),
      (n) => n === 2,
    );
    lost.close();
    const retry = await sendJson(chatId, key, { content: 'do not lose me', stream: false });
    expect(retry.status).toBe(201);
    const stored = await Message.find({ chatId }).sort({ createdAt: 1 }).lean();
    expect(stored.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    expect(retry.body.messages.map((m: { id: string }) => m.id)).toEqual(
      stored.map((m) => String(m._id)),
    );
    expect(retry.body.messages[1].content).toBe(words(30).join(''));
    expect(ctx.upstream.requests).toHaveLength(1);
  });

  it('when a streamed request is repeated with the same key, then it streams the same reply again (meta with the same ids) without sending anything', async () => {
    const chatId = await newChat();
    const key = newKey();
    const stream = () => postWithKey(chatId, key, { content: 'stream me', stream: true });
    const first = stream();
    await first.ended;
    const again = stream();
    await again.ended;
    expect(again.status).toBe(200);
    expect(again.events[0]!.data.assistantMessage.id).toBe(
      first.events[0]!.data.assistantMessage.id,
    );
    expect(again.text()).toBe(first.text());
    expect(again.events.at(-1)).toEqual(first.events.at(-1));
    expect(await Message.countDocuments({ chatId })).toBe(2);
    expect(ctx.upstream.requests).toHaveLength(1);
  });

  it('when a stream dropped mid-reply is retried as JSON with the same key (and the other way), then the same exchange comes back in the form asked for, and nothing is sent twice', async () => {
    ctx.upstream.script({ chunks: words(20), delayMs: 20 });
    const chatId = await newChat();
    const key = newKey();
    const dropped = postWithKey(chatId, key, { content: 'either way', stream: true });
    await dropped.waitForEvent('delta');
    dropped.close();
    const asJson = await sendJson(chatId, key, { content: 'either way', stream: false });
    expect(asJson.status).toBe(201);
    expect(asJson.body.messages[1].id).toBe(dropped.events[0]!.data.assistantMessage.id);
    expect(asJson.body.messages[1].content).toBe(words(20).join(''));
    const asStream = postWithKey(chatId, key, { content: 'either way' });
    await asStream.ended;
    expect(asStream.status).toBe(200);
    expect(asStream.text()).toBe(words(20).join(''));
    expect(await Message.countDocuments({ chatId })).toBe(2);
    expect(ctx.upstream.requests).toHaveLength(1);
  });

  it('when a key was claimed before `stream` was left out of the comparison (its hash covers the whole body), then the same request still gets its exchange, and another body still 409', async () => {
    const chatId = await newChat();
    const key = newKey();
    const body = { content: 'from before', stream: false };
    const first = await sendJson(chatId, key, body);
    expect(first.status).toBe(201);
    await IdempotencyKey.updateOne(
      { key },
      { $set: { requestHash: requestHash('/api/chats/:id/messages', { id: chatId }, body) } },
    );
    const again = await sendJson(chatId, key, body);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expectError(
      await sendJson(chatId, key, { content: 'changed', stream: false }),
      409,
      'IDEMPOTENCY_KEY_REUSED',
    );
    expect(ctx.upstream.requests).toHaveLength(1);
  });

  it('when a chat is created with its first message twice with one key, then one chat exists, and both answers are the Chat with its `chat` and `messages`', async () => {
    const key = newKey();
    const create = () => createWithKey(key, { message: 'first words', stream: false });
    const first = await create();
    const again = await create();
    expect(first.status).toBe(201);
    expect(again.body).toEqual(first.body);
    // The Chat a create without a message answers, plus the exchange POST /:id/messages answers.
    const { chat, messages, ...top } = first.body;
    expect(top).toEqual(chat);
    expect(messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
    expect(await Chat.countDocuments({ _id: first.body.id })).toBe(1);
    expect(await Message.countDocuments({ chatId: first.body.chat.id })).toBe(2);
  });

  it('when the same key comes with a different body, then 409 IDEMPOTENCY_KEY_REUSED and nothing is stored; another user may use the same key', async () => {
    const chatId = await newChat();
    const key = newKey();
    await sendJson(chatId, key, { content: 'original' });
    const before = await Message.countDocuments();
    expectError(await sendJson(chatId, key, { content: 'changed' }), 409, 'IDEMPOTENCY_KEY_REUSED');
    expect(await Message.countDocuments()).toBe(before);

    const theirs = (await ctx.request().post('/api/chats').set(other.auth).send({})).body.id;
    const res = await sendJson(theirs, key, { content: 'original' }, other);
    expect(res.status).toBe(201);
    expect(await Message.countDocuments({ chatId: theirs })).toBe(2);
  });

  it('when two users create a chat with one key and the same body and each repeats it, then each repeat answers with its own user’s chat, never the other’s', async () => {
    const key = newKey();
    const create = (as: TestUser) =>
      ctx
        .request()
        .post('/api/chats')
        .set(as.auth)
        .set('Idempotency-Key', key)
        .send({ message: 'the same words', stream: false });
    const mine = await create(ctx.user);
    const theirs = await create(other);
    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(mine.body.id);

    const theirsAgain = await create(other);
    expect(theirsAgain.status).toBe(201);
    expect(theirsAgain.body).toEqual(theirs.body);
    const mineAgain = await create(ctx.user);
    expect(mineAgain.status).toBe(201);
    expect(mineAgain.body).toEqual(mine.body);
    expect(await Chat.countDocuments({ _id: { $in: [mine.body.id, theirs.body.id] } })).toBe(2);
    expect(await Message.countDocuments({ chatId: theirs.body.id })).toBe(2);
    expect(await IdempotencyKey.countDocuments({ key })).toBe(2);
  });

  it('when the key is longer than 200 characters, empty, or not printable ASCII, then 400 INVALID_IDEMPOTENCY_KEY and nothing is stored', async () => {
    const chatId = await newChat();
    for (const key of ['k'.repeat(201), '', 'tab\there', 'caf\u00e9']) {
      const res = await ctx
        .request()
        .post(`/api/chats/${chatId}/messages`)
        .set(ctx.user.auth)
        .set('Idempotency-Key', key)
        .send({ content: 'hi' });
      expectError(res, 400, 'INVALID_IDEMPOTENCY_KEY');
    }
    expect(await Message.countDocuments({ chatId })).toBe(0);
    expect(ctx.upstream.requests).toHaveLength(0);
    const longest = await sendJson(chatId, 'k'.repeat(200), { content: 'hi' });
    expect(longest.status).toBe(201);
  });

  for (const firstStores of [false, true])
    it(`when a first request is so slow to store that a retry takes its key over, and it stores ${firstStores ? 'before' : 'after'} the retry, then both answer with one exchange`, async () => {
      const chatId = await newChat();
      const key = newKey();
      ctx.upstream.setDefault({ chunks: ['answer'] });
      // Each request's insert waits at a gate of its own, in the order the inserts come.
      const insertMany = Message.collection.insertMany.bind(Message.collection);
      const gates = [0, 1].map(() => {
        const gate = {} as { reached: () => void; open: () => void; stored: () => void };
        const reached = new Promise<void>((resolve) => (gate.reached = resolve));
        const opened = new Promise<void>((resolve) => (gate.open = resolve));
        const stored = new Promise<void>((resolve) => (gate.stored = resolve));
        return { ...gate, isReached: reached, isOpen: opened, isStored: stored };
      });
      let inserts = 0;
      const spy = vi
        .spyOn(Message.collection, 'insertMany')
        .mockImplementation(async (docs, ...rest) => {
          const gate = gates[inserts++];
          if (!gate) return insertMany(docs, ...rest);
          gate.reached();
          await gate.isOpen;
          try {
            return await insertMany(docs, ...rest);
          } finally {
            gate.stored();
          }
        });
      const [firstGate, retryGate] = gates as [(typeof gates)[0], (typeof gates)[0]];
      try {
        const first = sendJson(chatId, key, { content: 'once', stream: false }).then((r) => r);
        await firstGate.isReached;
        // As if it had been claimed, and last renewed, longer ago than a request is taken for
        // dead (ABANDONED_MS): a lapsed claim is not renewed again.
        await IdempotencyKey.collection.updateOne(
          { key },
          {
            $set: {
              createdAt: new Date(Date.now() - 60_000),
              heldUntil: new Date(Date.now() - 50_000),
            },
          },
        );
        const retry = sendJson(chatId, key, { content: 'once', stream: false }).then((r) => r);
        await retryGate.isReached;
        const [winner, loser] = firstStores ? [firstGate, retryGate] : [retryGate, firstGate];
        winner.open();
        await winner.isStored;
        loser.open();
        const answers = await Promise.all([first, retry]);
        expect(answers.map((res) => res.status)).toEqual([201, 201]);
        const [a, b] = answers.map((res) => res.body.messages.map((m: { id: string }) => m.id));
        expect(a).toEqual(b);
        expect(await Message.countDocuments({ chatId, content: 'once' })).toBe(1);
        expect(await Message.countDocuments({ chatId })).toBe(2);
      } finally {
        spy.mockRestore();
      }
    });

  for (const { what, body, held } of [
    {
      what: 'a chat created with its first message is so slow to store the message',
      body: { message: 'slow first words', stream: false },
      // The chat is stored (with its place), its messages wait.
      held: () => holdCall(Message.collection, 'insertMany'),
    },
    {
      what: 'a chat created without a message is so slow to store it',
      body: { title: 'slow to store' },
      held: () => holdCall(Chat.collection, 'insertOne'),
    },
  ])
    it(`when ${what} that a retry takes the key over, then both answer with that chat, which keeps its one place under the chat cap`, async () => {
      const key = newKey();
      ctx.upstream.setDefault({ chunks: ['answer'] });
      const first = held();
      try {
        const create = () => createWithKey(key, body).then((res) => res);
        const firstAnswer = create();
        await first.reached;
        // As if it had been claimed, and last renewed, longer ago than a request is taken for
        // dead (ABANDONED_MS): a lapsed claim is not renewed again.
        await IdempotencyKey.collection.updateOne(
          { key },
          {
            $set: {
              createdAt: new Date(Date.now() - 60_000),
              heldUntil: new Date(Date.now() - 50_000),
            },
          },
        );
        const retry = create();
        // The retry has taken the key over (its own claim, made now).
        await eventually(
          async () => (await IdempotencyKey.findOne({ key }).lean())?.createdAt.getTime() ?? 0,
          (at) => at > Date.now() - 30_000,
        );
        first.release();
        const [a, b] = await Promise.all([firstAnswer, retry]);
        expect([a.status, b.status]).toEqual([201, 201]);
        expect(b.body.id).toBe(a.body.id);
        expect(b.body.messages).toEqual(a.body.messages);
        expect(await Chat.countDocuments({ _id: a.body.id })).toBe(1);
        expect(await ChatSlot.countDocuments({ chatId: a.body.id })).toBe(1);
      } finally {
        first.restore();
      }
    });

  /** A keyed JSON send to `chatId` whose chat write fails once (after its messages are stored). */
  async function sendWhoseChatWriteFails(chatId: string, key: string, alsoFailing?: () => void) {
    const write = Chat.collection.updateOne.bind(Chat.collection);
    let failed = false;
    const spy = vi
      .spyOn(Chat.collection, 'updateOne')
      .mockImplementation(async (...args: Parameters<typeof write>) => {
        if (!failed && String((args[0] as { _id?: unknown })._id) === chatId) {
          failed = true;
          alsoFailing?.();
          // Not a network error: that marks the database down for this process's next requests.
          throw new Error('the chat could not be written');
        }
        return write(...args);
      });
    try {
      const res = await sendJson(chatId, key, { content: 'once', stream: false });
      expect(failed).toBe(true);
      return res;
    } finally {
      spy.mockRestore();
    }
  }

  it("when a keyed JSON send's chat write fails after its messages are stored, then they are taken back, and a retry with the key sends the question once and answers it", async () => {
    const chatId = await newChat();
    const key = newKey();
    ctx.upstream.setDefault({ chunks: ['answer'] });
    expectError(await sendWhoseChatWriteFails(chatId, key), 500, 'INTERNAL');
    expect(await Message.countDocuments({ chatId })).toBe(0);
    expect(await IdempotencyKey.findOne({ key }).lean()).toBeNull();
    const retry = await sendJson(chatId, key, { content: 'once', stream: false });
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    expect(retry.body.messages[1]).toMatchObject({ content: 'answer', status: 'complete' });
    expect(await Message.countDocuments({ chatId, content: 'once' })).toBe(1);
    expect(await Message.countDocuments({ chatId })).toBe(2);
  });

  it("when a keyed JSON send's messages cannot even be taken back after its chat write failed, then the key still names them: a retry answers with that exchange, and the question is stored once", async () => {
    const chatId = await newChat();
    const key = newKey();
    ctx.upstream.setDefault({ chunks: ['answer'] });
    const removals = vi.spyOn(Message.collection, 'deleteMany');
    const first = await sendWhoseChatWriteFails(chatId, key, () =>
      removals.mockImplementationOnce(() => Promise.reject(new Error('nor taken back'))),
    ).finally(() => removals.mockRestore());
    expectError(first, 500, 'INTERNAL');
    const record = await IdempotencyKey.findOne({ key }).lean();
    expect(record).not.toBeNull();
    const retry = await sendJson(chatId, key, { content: 'once', stream: false });
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    expect(retry.body.messages.map((m: { id: string }) => m.id)).toEqual([
      String(record!.userMessageId),
      String(record!.replyId),
    ]);
    expect(await Message.countDocuments({ chatId, content: 'once' })).toBe(1);
    expect(await Message.countDocuments({ chatId })).toBe(2);
  });

  it('when a key has expired, then the same request is a new message', async () => {
    const chatId = await newChat();
    const key = newKey();
    await sendJson(chatId, key, { content: 'old' });
    // The answer is kept just after it is sent. On FerretDB an update rewrites the whole document
    // from what it read, so expiring the key before that write lands would be undone by it.
    await eventually(
      () => IdempotencyKey.findOne({ key }).lean(),
      (record) => record?.response != null,
    );
    await IdempotencyKey.updateOne({ key }, { $set: { expiresAt: new Date(Date.now() - 1) } });
    const res = await sendJson(chatId, key, { content: 'old' });
    expect(res.status).toBe(201);
    expect(await Message.countDocuments({ chatId })).toBe(4);
  });
});

describe('Idempotency-Key and Last-Event-ID on regenerate and continue', () => {
  /** A chat with one exchange, q1/a1; the answer cut by the token limit when `cut`. */
  async function exchanged(cut = false) {
    const chatId = await newChat();
    ctx.upstream.script({ chunks: ['The start'], ...(cut ? { finishReason: 'length' } : {}) });
    const res = await sendJson(chatId, newKey(), { content: 'q1', stream: false });
    expect(res.status).toBe(201);
    const [question, answer] = res.body.messages as { id: string }[];
    return { chatId, questionId: question!.id, answerId: answer!.id };
  }
  const post = (
    chatId: string,
    messageId: string,
    action: 'regenerate' | 'continue',
    key: string,
    body: Record<string, unknown>,
  ) =>
    ctx
      .request()
      .post(`/api/chats/${chatId}/messages/${messageId}/${action}`)
      .set(ctx.user.auth)
      .set('Idempotency-Key', key)
      .send(body);
  const openPost = (
    chatId: string,
    messageId: string,
    action: 'regenerate' | 'continue',
    body: Record<string, unknown>,
    headers: Record<string, string>,
  ) =>
    openSse(ctx.server.port, {
      method: 'POST',
      path: `/api/chats/${chatId}/messages/${messageId}/${action}`,
      token: ctx.user.accessToken,
      body,
      headers,
    });
  const answersOf = (questionId: string) =>
    Message.find({ parentId: questionId, role: 'assistant' }).sort({ createdAt: 1 }).lean();

  it('when a JSON regenerate is repeated with the same key and body, then the same 201 body comes back and one new sibling answer exists, generated once', async () => {
    const { chatId, questionId, answerId } = await exchanged();
    ctx.upstream.script({ chunks: ['take 2'] });
    const key = newKey();
    const first = await post(chatId, answerId, 'regenerate', key, { stream: false });
    expect(first.status).toBe(201);
    expect(first.body.messages[1]).toMatchObject({ content: 'take 2', parentId: questionId });
    const again = await post(chatId, answerId, 'regenerate', key, { stream: false });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const answers = await answersOf(questionId);
    expect(answers.map((m) => [String(m._id), m.content, m.status])).toEqual([
      [answerId, 'The start', 'complete'],
      [first.body.messages[1].id, 'take 2', 'complete'],
    ]);
    // The send that made the chat, and the regenerate once.
    expect(ctx.upstream.requests).toHaveLength(2);
    expect((await Chat.findById(chatId).lean())!.activeLeafId?.toString()).toBe(
      first.body.messages[1].id,
    );
  });

  it('when two JSON regenerates with one key arrive together, then both answer with the same new sibling', async () => {
    const { chatId, questionId } = await exchanged();
    ctx.upstream.script({ chunks: words(10), delayMs: 10 });
    const key = newKey();
    const [a, b] = await Promise.all([
      post(chatId, questionId, 'regenerate', key, { stream: false }),
      post(chatId, questionId, 'regenerate', key, { stream: false }),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body).toEqual(a.body);
    expect(a.body.messages[1].content).toBe(words(10).join(''));
    expect(await answersOf(questionId)).toHaveLength(2);
    expect(ctx.upstream.requests).toHaveLength(2);
  });

  it('when a streamed regenerate drops mid-reply and is retried with the same key, then the retry streams the same reply from the start and nothing is generated again', async () => {
    const { chatId, questionId } = await exchanged();
    ctx.upstream.script({ chunks: words(20), delayMs: 20 });
    const key = newKey();
    const body = { stream: true };
    const first = openPost(chatId, questionId, 'regenerate', body, { 'Idempotency-Key': key });
    await first.waitFor(() => first.deltas().length >= 2);
    first.close();
    const replyId = first.events[0]!.data.assistantMessage.id as string;

    const retry = openPost(chatId, questionId, 'regenerate', body, { 'Idempotency-Key': key });
    await retry.ended;
    expect(retry.status).toBe(200);
    expect(retry.events[0]).toMatchObject({ event: 'meta', id: `${replyId}:0` });
    expect(retry.events[0]!.data.assistantMessage.id).toBe(replyId);
    expect(retry.text()).toBe(words(20).join(''));
    expect(retry.events.at(-1)!.event).toBe('done');

    // Once it has ended, a third attempt gets the same events again, from the stored reply.
    const third = openPost(chatId, questionId, 'regenerate', body, { 'Idempotency-Key': key });
    await third.ended;
    expect(third.events[0]!.data.assistantMessage.id).toBe(replyId);
    expect(third.text()).toBe(words(20).join(''));
    expect(third.events.at(-1)).toEqual(retry.events.at(-1));

    const answers = await answersOf(questionId);
    expect(answers).toHaveLength(2);
    expect(answers[1]).toMatchObject({ content: words(20).join(''), status: 'complete' });
    expect(String(answers[1]!._id)).toBe(replyId);
    expect(ctx.upstream.requests).toHaveLength(2);
  });

  it('when the same key comes with a different body or on another message, then 409 IDEMPOTENCY_KEY_REUSED and nothing is stored or generated', async () => {
    const { chatId, questionId, answerId } = await exchanged();
    const key = newKey();
    expect((await post(chatId, answerId, 'regenerate', key, { stream: false })).status).toBe(201);
    const before = await Message.countDocuments({ chatId });
    const calls = ctx.upstream.requests.length;
    expectError(
      await post(chatId, answerId, 'regenerate', key, { stream: false, model: 'test-model' }),
      409,
      'IDEMPOTENCY_KEY_REUSED',
    );
    expectError(
      await post(chatId, questionId, 'regenerate', key, { stream: false }),
      409,
      'IDEMPOTENCY_KEY_REUSED',
    );
    expectError(
      await post(chatId, answerId, 'continue', key, { stream: false }),
      409,
      'IDEMPOTENCY_KEY_REUSED',
    );
    expect(await Message.countDocuments({ chatId })).toBe(before);
    expect(await answersOf(questionId)).toHaveLength(2);
    expect(ctx.upstream.requests).toHaveLength(calls);
  });

  it('when a continue is repeated with the same key (at once, then later as a stream), then the text is appended once and the repeat streams only the continued text', async () => {
    const { chatId, answerId } = await exchanged(true);
    ctx.upstream.script({ chunks: [' and', ' the end'], delayMs: 20 });
    const key = newKey();
    // No `stream` in the body: the Accept header chooses, so one body serves JSON and SSE.
    const [a, b] = await Promise.all([
      post(chatId, answerId, 'continue', key, {}),
      post(chatId, answerId, 'continue', key, {}),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body).toEqual(a.body);
    expect(a.body.messages[1]).toMatchObject({
      id: answerId,
      content: 'The start and the end',
      status: 'complete',
    });

    const streamed = openPost(chatId, answerId, 'continue', {}, { 'Idempotency-Key': key });
    await streamed.ended;
    expect(streamed.status).toBe(200);
    expect(streamed.events[0]).toMatchObject({
      event: 'meta',
      id: `${answerId}:${'The start'.length}`,
    });
    expect(streamed.text()).toBe(' and the end');
    expect(streamed.events.at(-1)!.data.message).toMatchObject({
      id: answerId,
      content: 'The start and the end',
    });

    const stored = await Message.findById(answerId).lean();
    expect(stored).toMatchObject({ content: 'The start and the end', status: 'complete' });
    expect(await Message.countDocuments({ chatId })).toBe(2);
    expect(ctx.upstream.requests).toHaveLength(2);
  });

  it('when a keyed continue arrives while another request continues the same answer, then it is 409 MESSAGE_STREAMING at once, as without a key, and its key is given back', async () => {
    const { chatId, answerId } = await exchanged(true);
    let release!: () => void;
    ctx.upstream.script({
      chunks: [' more'],
      holdUntil: new Promise<void>((resolve) => (release = resolve)),
      afterHold: [' text'],
    });
    const running = openPost(chatId, answerId, 'continue', { stream: true }, {});
    await running.waitForEvent('delta');
    const key = newKey();
    const started = Date.now();
    const refused = await post(chatId, answerId, 'continue', key, { stream: false });
    expect(Date.now() - started).toBeLessThan(3000);
    expectError(refused, 409, 'MESSAGE_STREAMING');
    expect(await IdempotencyKey.countDocuments({ key })).toBe(0);
    release();
    await running.ended;
    expect((await Message.findById(answerId).lean())?.content).toBe('The start more text');
  });

  it('when a regenerate POST carries the Last-Event-ID of its reply, then it resumes that reply (the rest, then 204) and generates nothing', async () => {
    const { chatId, questionId } = await exchanged();
    ctx.upstream.script({ chunks: words(10), delayMs: 10 });
    const first = openPost(chatId, questionId, 'regenerate', { stream: true }, {});
    await first.waitFor(() => first.deltas().length >= 2);
    first.close();
    const replyId = first.events[0]!.data.assistantMessage.id as string;
    await eventually(
      () => Message.findById(replyId).lean(),
      (m) => m?.status === 'complete',
      10_000,
    );

    const again = openPost(
      chatId,
      questionId,
      'regenerate',
      { stream: true },
      { 'Last-Event-ID': first.lastId() },
    );
    await again.ended;
    expect(again.status).toBe(200);
    expect(first.text() + again.text()).toBe(words(10).join(''));
    expect(again.lastId()).toBe(`${replyId}:end`);
    const done = openPost(
      chatId,
      questionId,
      'continue',
      { stream: true },
      { 'Last-Event-ID': again.lastId() },
    );
    await done.ended;
    expect(done.status).toBe(204);

    expect((await answersOf(questionId)).map((m) => String(m._id))).toHaveLength(2);
    expect(await Message.countDocuments({ chatId })).toBe(3);
    expect(ctx.upstream.requests).toHaveLength(2);
  });
});

describe('an EventSource client that reconnects by itself', () => {
  it('when an `eventsource` client sending a message does not close after done, then its reconnect gets 204 and the chat holds exactly one question and one reply', async () => {
    ctx.upstream.script({ chunks: words(5), delayMs: 10 });
    const chatId = await newChat();
    const requests: { lastEventId: string | null }[] = [];
    const source = new EventSource(
      `http://127.0.0.1:${ctx.server.port}/api/chats/${chatId}/messages`,
      {
        fetch: (url, init) => {
          const headers = new Headers(init.headers);
          requests.push({ lastEventId: headers.get('last-event-id') });
          headers.set('authorization', `Bearer ${ctx.user.accessToken}`);
          headers.set('content-type', 'application/json');
          return fetch(url, {
            ...init,
            method: 'POST',
            headers,
            body: JSON.stringify({ content: 'just once', stream: true }),
          });
        },
      },
    );
    const received: string[] = [];
    source.addEventListener('delta', (e) => received.push(JSON.parse(e.data).content));
    let done = 0;
    source.addEventListener('done', () => (done += 1));
    // The stream ends after done; the client reconnects 3 s later with Last-Event-ID, gets 204,
    // and gives up (readyState CLOSED) instead of sending the message again.
    await eventually(
      () => Promise.resolve(source.readyState),
      (state) => state === EventSource.CLOSED,
      15_000,
    );
    source.close();
    expect(source.readyState).toBe(EventSource.CLOSED);
    expect(done).toBe(1);
    expect(received.join('')).toBe(words(5).join(''));
    expect(requests).toHaveLength(2);
    expect(requests[1]!.lastEventId).toMatch(/^[0-9a-f]{24}:end$/);
    const stored = await Message.find({ chatId }).lean();
    expect(stored.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    expect(ctx.upstream.requests).toHaveLength(1);
  }, 30_000);
});

describe('Idempotency-Key once what it made is deleted', () => {
  const deleteMessage = (chatId: string, messageId: string) =>
    ctx.request().delete(`/api/chats/${chatId}/messages/${messageId}`).set(ctx.user.auth);
  /** Model calls charged to the user so far. */
  const callsCharged = async () =>
    (
      (await ctx.request().get('/api/usage').set(ctx.user.auth)).body as {
        total: { calls: number };
      }
    ).total.calls;

  for (const { deleted, stream } of [
    { deleted: 'the question (the whole exchange)', stream: false },
    { deleted: 'the answer only', stream: false },
    { deleted: 'the answer only', stream: true },
  ]) {
    it(`when ${deleted} was deleted and the request is repeated with its key${stream ? ' as a stream' : ''}, then the repeat is a 404 at once: the model is not called again and nothing comes back`, async () => {
      const chatId = await newChat();
      const key = newKey();
      const first = await sendJson(chatId, key, {
        content: 'delete me, then retry',
        stream: false,
      });
      expect(first.status).toBe(201);
      const [question, answer] = first.body.messages as { id: string }[];
      const target = deleted.startsWith('the question') ? question! : answer!;
      expect((await deleteMessage(chatId, target.id)).status).toBe(204);
      const left = await Message.find({ chatId }).lean();
      const calls = ctx.upstream.requests.length;
      const chargedBefore = await callsCharged();

      const started = Date.now();
      const repeat = await sendJson(chatId, key, { content: 'delete me, then retry', stream });
      expect(Date.now() - started).toBeLessThan(5000);
      expectError(repeat, 404, 'NOT_FOUND');
      expect(ctx.upstream.requests).toHaveLength(calls);
      expect(await Message.find({ chatId }).lean()).toEqual(left);
      expect(await callsCharged()).toBe(chargedBefore);
      // Nothing keeps working on the key once the repeat has answered.
      const record = await IdempotencyKey.findOne({ key }).lean();
      expect(record).toMatchObject({ stored: true, replyId: expect.anything() });
      await new Promise((r) => setTimeout(r, 300));
      expect((await IdempotencyKey.findOne({ key }).lean())?._id).toEqual(record?._id);
    });
  }

  for (const saved of [true, false])
    it(`when a key’s record predates the stored mark ${saved ? 'and holds the JSON answer' : 'and holds no answer (a stream)'} and its answer was deleted, then a repeat ${saved ? 'is a 404 at once' : 'still ends, in one takeover, with a 404'}`, async () => {
      const chatId = await newChat();
      const key = newKey();
      const first = await sendJson(chatId, key, { content: 'an older record', stream: false });
      const answer = (first.body.messages as { id: string }[])[1]!;
      expect((await deleteMessage(chatId, answer.id)).status).toBe(204);
      // As a record made before the mark existed, by a request older than the abandonment wait.
      await eventually(
        () => IdempotencyKey.findOne({ key }).lean(),
        (record) => record?.response != null,
      );
      await IdempotencyKey.updateOne(
        { key },
        {
          $unset: saved ? { stored: 1, heldUntil: 1 } : { stored: 1, response: 1, heldUntil: 1 },
          $set: { createdAt: new Date(Date.now() - 11_000) },
        },
      );
      const calls = ctx.upstream.requests.length;
      const started = Date.now();
      const repeat = await sendJson(chatId, key, { content: 'an older record', stream: false });
      expectError(repeat, 404, 'NOT_FOUND');
      if (saved) {
        expect(Date.now() - started).toBeLessThan(5000);
        expect(ctx.upstream.requests).toHaveLength(calls);
      }
      // Without it, each takeover starts its model call before its insert meets the stored
      // question (the call is then dropped): two at most, where before this went on for as long
      // as the key lived.
      else expect(ctx.upstream.requests.length).toBeLessThanOrEqual(calls + 2);
      expect(await Message.countDocuments({ chatId })).toBe(1);
      // Nothing goes on with the key after the answer.
      const record = await IdempotencyKey.findOne({ key }).lean();
      await new Promise((r) => setTimeout(r, 300));
      expect((await IdempotencyKey.findOne({ key }).lean())?._id).toEqual(record?._id);
    }, 30_000);

  it('when a chat made with a key (no message) was deleted, then the keys of its requests went with it: the repeat is a new request, which makes a new chat', async () => {
    const key = newKey();
    const first = await createWithKey(key, { title: 'made once' });
    expect(first.status).toBe(201);
    expect(await IdempotencyKey.countDocuments({ key })).toBe(1);
    const deleted = await ctx.request().delete(`/api/chats/${first.body.id}`).set(ctx.user.auth);
    expect(deleted.status).toBe(204);
    expect(await IdempotencyKey.countDocuments({ key })).toBe(0);
    const started = Date.now();
    const repeat = await createWithKey(key, { title: 'made once' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(repeat.status).toBe(201);
    expect(repeat.body.id).not.toBe(first.body.id);
    expect(await Chat.countDocuments({ _id: first.body.id })).toBe(0);
  });
  it('when a keyed new chat is repeated after its question was deleted, then the repeat is a 404, one POST /api/chats publishes', async () => {
    const key = newKey();
    const body = { message: 'a new chat, then deleted', stream: false };
    const first = await createWithKey(key, body);
    expect(first.status).toBe(201);
    const question = first.body.messages[0].id as string;
    expect((await deleteMessage(first.body.chat.id as string, question)).status).toBe(204);

    expectError(await createWithKey(key, body), 404, 'NOT_FOUND');
    const document = (await ctx.request().get('/api/openapi.json').expect(200)).body;
    expect(Object.keys(document.paths['/api/chats'].post.responses)).toContain('404');
  });
});

describe('Idempotency-Key on forking a chat', () => {
  /** A chat holding one exchange: its id and its two messages' ids. */
  const chatWithExchange = async () => {
    const chatId = await newChat();
    const sent = await sendJson(chatId, newKey(), { content: 'fork me', stream: false });
    expect(sent.status).toBe(201);
    return { chatId, messageIds: sent.body.messages.map((m: { id: string }) => m.id) as string[] };
  };
  const forkWithKey = (chatId: string, key: string, messageId: string) =>
    ctx
      .request()
      .post(`/api/chats/${chatId}/fork`)
      .set(ctx.user.auth)
      .set('Idempotency-Key', key)
      .send({ messageId });
  const forksOf = () => Chat.find({ userId: ctx.user.id, title: /\(fork\)$/ }).lean();

  it('when a fork is repeated with the same key and body, then the same 201 chat comes back and the branch is copied once', async () => {
    const { chatId, messageIds } = await chatWithExchange();
    const before = (await forksOf()).length;
    const key = newKey();
    const first = await forkWithKey(chatId, key, messageIds[1]!);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      id: expect.any(String),
      title: expect.stringMatching(/\(fork\)$/),
    });
    const again = await forkWithKey(chatId, key, messageIds[1]!);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect((await forksOf()).map((c) => String(c._id)).slice(before)).toEqual([first.body.id]);
    const copies = await Message.find({ chatId: first.body.id }).sort({ createdAt: 1 }).lean();
    expect(copies.map((m) => [m.role, m.content])).toEqual([
      ['user', 'fork me'],
      ['assistant', 'Hello world!'],
    ]);
  });

  it('when a fork is repeated while the first is still copying its messages, then the repeat waits for it and answers with the chat copied whole', async () => {
    const { chatId, messageIds } = await chatWithExchange();
    const before = (await forksOf()).length;
    const key = newKey();
    // The first fork is copying: its copies are held (its chat is stored once they are in).
    const copying = holdCall(Message.collection, 'insertMany');
    const reads = vi.spyOn(IdempotencyKey, 'findOne');
    try {
      const first = forkWithKey(chatId, key, messageIds[1]!).then((res) => res);
      await copying.reached;
      const repeat = forkWithKey(chatId, key, messageIds[1]!).then((res) => res);
      // The repeat found the key and came back to it: it waits rather than answer with the chat.
      await eventually(
        () => Promise.resolve(reads.mock.calls.length),
        (n) => n >= 2,
      );
      copying.release();
      const [a, b] = await Promise.all([first, repeat]);
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(b.body).toEqual(a.body);
      expect(a.body.activeLeafId).toEqual(expect.any(String));
    } finally {
      copying.release();
      copying.restore();
      reads.mockRestore();
    }
    expect((await forksOf()).length).toBe(before + 1);
  });

  it('when a fork is still copying longer after its claim than a request is taken for dead, then it keeps its key alive: a repeat waits for it and answers with the one chat copied whole', async () => {
    const { chatId, messageIds } = await chatWithExchange();
    const before = (await forksOf()).length;
    const key = newKey();
    const copying = holdCall(Message.collection, 'insertMany');
    const reads = vi.spyOn(IdempotencyKey, 'findOne');
    try {
      const first = forkWithKey(chatId, key, messageIds[1]!).then((res) => res);
      await copying.reached;
      // As if it had been copying for a minute (longer than ABANDONED_MS)...
      await IdempotencyKey.collection.updateOne(
        { key },
        { $set: { createdAt: new Date(Date.now() - 60_000) } },
      );
      // ...and renewing its claim meanwhile, as a request that is alive does.
      const claimed = await IdempotencyKey.findOne({ key }).lean();
      const renewed = await eventually(
        async () => (await IdempotencyKey.findOne({ key }).lean())?.heldUntil?.getTime() ?? 0,
        (at) => at > (claimed?.heldUntil?.getTime() ?? Number.POSITIVE_INFINITY),
      );
      reads.mockClear();
      const repeat = forkWithKey(chatId, key, messageIds[1]!).then((res) => res);
      // The repeat found the key held and came back to it: it waits rather than take it over.
      await eventually(
        () => Promise.resolve(reads.mock.calls.length),
        (n) => n >= 2,
      );
      copying.release();
      const [a, b] = await Promise.all([first, repeat]);
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(b.body).toEqual(a.body);
      expect(a.body.activeLeafId).toEqual(expect.any(String));
      expect(await Message.countDocuments({ chatId: a.body.id })).toBe(2);
      expect(renewed).toBeGreaterThan(claimed!.heldUntil!.getTime());
    } finally {
      copying.release();
      copying.restore();
      reads.mockRestore();
    }
    expect((await forksOf()).length).toBe(before + 1);
  });

  it("when a repeat waiting for a fork still copying loses its client (its SDK's timeout, a closed tab), then it stops reading the key, and the first fork still answers with the chat copied whole", async () => {
    const { chatId, messageIds } = await chatWithExchange();
    const before = (await forksOf()).length;
    const key = newKey();
    const copying = holdCall(Message.collection, 'insertMany');
    const reads = vi.spyOn(IdempotencyKey, 'findOne');
    try {
      const first = forkWithKey(chatId, key, messageIds[1]!).then((res) => res);
      await copying.reached;
      // The repeat waits on the first fork's claim; its client gives up after 300 ms.
      const gaveUp = await forkWithKey(chatId, key, messageIds[1]!)
        .timeout(300)
        .then(
          () => false,
          (error: { timeout?: number }) => error.timeout === 300,
        );
      expect(gaveUp).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const whenGone = reads.mock.calls.length;
      // The first fork renews its claim as long as it copies: the repeat no longer reads it.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(reads.mock.calls.length - whenGone).toBe(0);
      copying.release();
      const a = await first;
      expect(a.status).toBe(201);
      expect(await Message.countDocuments({ chatId: a.body.id })).toBe(2);
    } finally {
      copying.release();
      copying.restore();
      reads.mockRestore();
    }
    expect((await forksOf()).length).toBe(before + 1);
  });

  it('when the same key comes with another message to fork at, then 409 IDEMPOTENCY_KEY_REUSED and no second chat is made', async () => {
    const { chatId, messageIds } = await chatWithExchange();
    const key = newKey();
    expect((await forkWithKey(chatId, key, messageIds[1]!)).status).toBe(201);
    const chats = await Chat.countDocuments({ userId: ctx.user.id });
    const messages = await Message.countDocuments({ userId: ctx.user.id });
    expectError(await forkWithKey(chatId, key, messageIds[0]!), 409, 'IDEMPOTENCY_KEY_REUSED');
    expect(await Chat.countDocuments({ userId: ctx.user.id })).toBe(chats);
    expect(await Message.countDocuments({ userId: ctx.user.id })).toBe(messages);
  });
});
