import { MongoNetworkError } from 'mongodb';
import { describe, expect, it, vi } from 'vitest';
import { isDatabaseConnected } from '../../src/lib/db/connection.js';
import { Types } from '../../src/lib/db/mongoose.js';
import { ChatSlot } from '../../src/modules/chats/chat-slot.model.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { UsageEntry } from '../../src/modules/usage/usage.model.js';
import { expectError } from '../helpers/auth.js';
import { useChatApp } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';
import { createUser } from '../helpers/users.js';

// Chats are made and changed well past the per-minute limit of chat writes.
type TestUser = Awaited<ReturnType<typeof createUser>>;

const ctx = useChatApp({ CHAT_WRITES_PER_MINUTE: '1000' });

/** A failed command marks the database unreachable until the next heartbeat (500 ms). */
async function databaseBack() {
  for (const end = Date.now() + 5_000; !isDatabaseConnected() && Date.now() < end;)
    await new Promise((r) => setTimeout(r, 50));
  expect(isDatabaseConnected()).toBe(true);
}

const away = () => Promise.reject(new MongoNetworkError('database away, by the test'));

/** What `request` answered while the spied commands met the database away, the spies undone. */
async function whileFailing<T>(spies: { mockRestore(): void }[], request: () => Promise<T>) {
  try {
    return await request();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

/** What the user holds in the chats feature: chats (by title), messages, chat places. */
async function holdings(userId: string) {
  const owner = new Types.ObjectId(userId);
  const chats = await Chat.find({ userId: owner }).sort({ createdAt: 1 }).lean();
  return {
    chats: chats.map((c) => c.title),
    messages: await Message.countDocuments({ userId: owner }),
    places: await ChatSlot.countDocuments({ userId: owner }),
  };
}

describe('a new chat whose first message cannot be stored (the database away)', () => {
  it('when the messages of a new chat cannot be stored, then 503 and no empty chat is left behind once the database is back', async () => {
    const user = await createUser({ label: 'new-chat-blip' });
    // The chat is inserted; the database goes away for the messages' insert (once).
    const spy = vi.spyOn(Message.collection, 'insertMany').mockImplementationOnce(away);
    const res = await whileFailing([spy], () =>
      ctx
        .request()
        .post('/api/chats')
        .set(user.auth)
        .send({ message: 'my question', stream: false }),
    );
    expectError(res, 503, 'SERVICE_UNAVAILABLE');
    await databaseBack();
    // Either the whole exchange or nothing: not a chat named after a question it does not hold.
    expect(await holdings(user.id), 'a chat without its messages was left').toEqual({
      chats: [],
      messages: 0,
      places: 0,
    });
  });

  it('when the outage lasts through the removal of the chat too, then the chat is removed once the database is back', async () => {
    const user = await createUser({ label: 'new-chat-blip-long' });
    const failing = [
      vi.spyOn(Message.collection, 'insertMany').mockImplementationOnce(away),
      vi.spyOn(Chat.collection, 'deleteOne').mockImplementationOnce(away),
    ];
    const res = await whileFailing(failing, () =>
      ctx
        .request()
        .post('/api/chats')
        .set(user.auth)
        .send({ message: 'my question', stream: false }),
    );
    expectError(res, 503, 'SERVICE_UNAVAILABLE');
    await databaseBack();
    const left = await eventually(
      () => holdings(user.id),
      (h) => h.chats.length === 0 && h.places === 0,
    );
    expect(left).toEqual({ chats: [], messages: 0, places: 0 });
  });

  it('when the messages of a new chat cannot be stored, then a repeat with its Idempotency-Key once the database is back answers 201 with one chat holding the exchange', async () => {
    const user = await createUser({ label: 'new-chat-blip-key' });
    const key = `new-chat-${Date.now()}`;
    const send = () =>
      ctx
        .request()
        .post('/api/chats')
        .set(user.auth)
        .set('Idempotency-Key', key)
        .send({ message: 'my question', stream: false });
    const spy = vi.spyOn(Message.collection, 'insertMany').mockImplementationOnce(away);
    const res = await whileFailing([spy], () => send());
    expectError(res, 503, 'SERVICE_UNAVAILABLE');
    await databaseBack();
    const again = await send();
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(await holdings(user.id)).toEqual({ chats: ['my question'], messages: 2, places: 1 });
    const [chat] = await Chat.find({ userId: new Types.ObjectId(user.id) }).lean();
    expect(again.body.chat.id).toBe(String(chat!._id));
    expect(await Message.countDocuments({ chatId: chat!._id })).toBe(2);
  });
});

describe('a fork cut short by the database going away', () => {
  /** A user's chat "original" holding one exchange: its id and its answer's. */
  async function original(label: string) {
    const user = await createUser({ label });
    ctx.upstream.script({ chunks: ['an answer'] });
    const created = await ctx
      .request()
      .post('/api/chats')
      .set(user.auth)
      .send({ message: 'original', stream: false });
    expect(created.status).toBe(201);
    return {
      user,
      chatId: created.body.chat.id as string,
      replyId: created.body.messages[1].id as string,
    };
  }
  const fork = (user: TestUser, chatId: string, messageId: string, key?: string) => {
    const req = ctx.request().post(`/api/chats/${chatId}/fork`).set(user.auth);
    return (key ? req.set('Idempotency-Key', key) : req).send({ messageId });
  };

  it('when the copies land but their acknowledgement is lost, and the outage lasts through the clean-up, then no half-made fork is left once the database is back, and a repeat with its Idempotency-Key makes the one fork whole', async () => {
    const { user, chatId, replyId } = await original('fork-blip');
    const key = `fork-${Date.now()}`;
    const insert = Message.collection.insertMany.bind(Message.collection);
    const failing = [
      vi
        .spyOn(Message.collection, 'insertMany')
        .mockImplementation(async (...args: Parameters<typeof insert>) => {
          await insert(...args);
          throw new MongoNetworkError('connection reset after the copies were written');
        }),
      vi.spyOn(Message.collection, 'deleteMany').mockImplementation(away),
      vi.spyOn(Chat.collection, 'deleteOne').mockImplementation(away),
    ];
    const res = await whileFailing(failing, () => fork(user, chatId, replyId, key));
    expectError(res, 503, 'SERVICE_UNAVAILABLE');
    await databaseBack();
    const list = await ctx.request().get('/api/chats').set(user.auth);
    expect(list.status).toBe(200);
    expect(
      (list.body as { title: string }[]).map((c) => c.title),
      'a "(fork)" chat was left',
    ).toEqual(['original']);
    // The copies nobody can reach go too, once the database answers.
    const left = await eventually(
      () => holdings(user.id),
      (h) => h.messages === 2,
    );
    expect(left).toEqual({ chats: ['original'], messages: 2, places: 1 });
    const again = await fork(user, chatId, replyId, key);
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body.title).toBe('original (fork)');
    const copied = await Message.find({ chatId: new Types.ObjectId(again.body.id as string) })
      .sort({ createdAt: 1 })
      .lean();
    expect(copied.map((m) => m.content)).toEqual(['original', 'an answer']);
    expect(again.body.activeLeafId).toBe(String(copied[1]!._id));
    expect(await holdings(user.id)).toEqual({
      chats: ['original', 'original (fork)'],
      messages: 4,
      places: 2,
    });
  });

  it('when the fork is stored and its last check meets the outage, then the fork and its copies are removed, and nothing of it is left', async () => {
    const { user, chatId, replyId } = await original('fork-blip-check');
    const read = Chat.collection.findOne.bind(Chat.collection);
    let failed = false;
    // Every read of the original passes; the fork's own check (its chat still owned) fails once.
    const spy = vi
      .spyOn(Chat.collection, 'findOne')
      .mockImplementation(async (...args: Parameters<typeof read>) => {
        const filter = args[0] as { _id?: Types.ObjectId } | undefined;
        if (!failed && filter?._id !== undefined && String(filter._id) !== chatId) {
          failed = true;
          throw new MongoNetworkError('database away, by the test');
        }
        return read(...args);
      });
    const res = await whileFailing([spy], () => fork(user, chatId, replyId));
    expect(failed).toBe(true);
    expectError(res, 503, 'SERVICE_UNAVAILABLE');
    await databaseBack();
    expect(await holdings(user.id)).toEqual({ chats: ['original'], messages: 2, places: 1 });
  });
});

describe('a regenerate or a continue cut short before its model call (the database away)', () => {
  /** A user's chat holding one exchange whose answer the model gave as `script` made it. */
  async function answered(label: string, script: Parameters<typeof ctx.upstream.script>[0]) {
    const user = await createUser({ label });
    ctx.upstream.script(script);
    const created = await ctx
      .request()
      .post('/api/chats')
      .set(user.auth)
      .send({ message: 'question', stream: false });
    expect(created.status).toBe(201);
    return {
      user,
      chatId: created.body.chat.id as string,
      answerId: created.body.messages[1].id as string,
    };
  }
  /** The chat's answers as a reader of its tree finds them (which settles any left streaming). */
  async function answersOf(user: TestUser, chatId: string) {
    const tree = await ctx.request().get(`/api/chats/${chatId}/messages?view=tree`).set(user.auth);
    expect(tree.status).toBe(200);
    return (
      tree.body as {
        role: string;
        content: string;
        status: string;
        finishReason: string | null;
        error: { code: string } | null;
      }[]
    )
      .filter((m) => m.role === 'assistant')
      .map((m) => [m.content, m.status, m.finishReason, m.error?.code ?? null]);
  }
  /** A regenerate or continue of the answer, made while `failing` keep the database away. */
  const actOnAnswerWhileAway = (
    failing: Parameters<typeof whileFailing>[0],
    { user, chatId, answerId }: { user: TestUser; chatId: string; answerId: string },
    action: 'regenerate' | 'continue',
  ) =>
    whileFailing(failing, () =>
      ctx
        .request()
        .post(`/api/chats/${chatId}/messages/${answerId}/${action}`)
        .set(user.auth)
        .send({ stream: false }),
    );
  const ledgerOf = async (user: TestUser) =>
    (await UsageEntry.find({ userId: new Types.ObjectId(user.id) }).lean()).map(
      (e) => e.totalTokens,
    );

  it('when the database goes away after a regenerate stored its new answer and before the model is called, then 503, no empty answer is left in the tree and nothing is charged for the call never made', async () => {
    const { user, chatId, answerId } = await answered('regenerate-blip', {
      chunks: ['first answer'],
    });
    const callsBefore = ctx.upstream.requests.length;
    // The new answer is inserted; the database goes away for the chat's write (its active leaf).
    const spy = vi.spyOn(Chat.collection, 'updateOne').mockImplementationOnce(away);
    const res = await actOnAnswerWhileAway([spy], { user, chatId, answerId }, 'regenerate');
    expectError(res, 503, 'SERVICE_UNAVAILABLE');
    expect(ctx.upstream.requests).toHaveLength(callsBefore); // the model was never called
    await databaseBack();
    expect(
      { answers: await answersOf(user, chatId), ledger: await ledgerOf(user) },
      'an empty interrupted answer was left, and charged',
    ).toEqual({ answers: [['first answer', 'complete', 'stop', null]], ledger: [] });
  });

  it('when the database goes away after a continue claimed the answer and before the model is called, then 503, the answer is as it was, still to continue, and nothing is charged', async () => {
    const { user, chatId, answerId } = await answered('continue-blip', {
      chunks: ['The start'],
      finishReason: 'length',
    });
    const callsBefore = ctx.upstream.requests.length;
    // The answer is claimed; the database goes away for the chat's write (its active leaf).
    const spy = vi.spyOn(Chat.collection, 'updateOne').mockImplementationOnce(away);
    const res = await actOnAnswerWhileAway([spy], { user, chatId, answerId }, 'continue');
    expectError(res, 503, 'SERVICE_UNAVAILABLE');
    expect(ctx.upstream.requests).toHaveLength(callsBefore);
    await databaseBack();
    expect(
      { answers: await answersOf(user, chatId), ledger: await ledgerOf(user) },
      'the answer was left interrupted, and charged',
    ).toEqual({ answers: [['The start', 'complete', 'length', null]], ledger: [] });
    // Still one to continue.
    ctx.upstream.script({ chunks: [' and the end'] });
    const continued = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages/${answerId}/continue`)
      .set(user.auth)
      .send({ stream: false });
    expect(continued.status, JSON.stringify(continued.body)).toBe(201);
    expect(await answersOf(user, chatId)).toEqual([
      ['The start and the end', 'complete', 'stop', null],
    ]);
  });

  it('when even the take-back meets the outage, then the answer left streaming is finished as interrupted without a charge: its call never went out', async () => {
    const { user, chatId, answerId } = await answered('regenerate-blip-long', {
      chunks: ['first answer'],
    });
    const failing = [
      vi.spyOn(Chat.collection, 'updateOne').mockImplementationOnce(away),
      vi.spyOn(Message.collection, 'deleteMany').mockImplementation(away),
    ];
    const res = await actOnAnswerWhileAway(failing, { user, chatId, answerId }, 'regenerate');
    expectError(res, 503, 'SERVICE_UNAVAILABLE');
    await databaseBack();
    expect(
      { answers: await answersOf(user, chatId), ledger: await ledgerOf(user) },
      'charged for a call never made',
    ).toEqual({
      answers: [
        ['first answer', 'complete', 'stop', null],
        ['', 'incomplete', null, 'INTERRUPTED'],
      ],
      ledger: [],
    });
  });

  it('when a regenerate sends its call, then its answer no longer says the call is unsent: an interrupted finish from then on charges its prompt', async () => {
    const { user, chatId, answerId } = await answered('regenerate-sent', {
      chunks: ['first answer'],
    });
    ctx.upstream.script({ chunks: ['second answer'] });
    const res = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages/${answerId}/regenerate`)
      .set(user.auth)
      .send({ stream: false });
    expect(res.status).toBe(201);
    const replyId = res.body.messages[1].id as string;
    const stored = await eventually(
      async () => (await Message.findById(replyId).lean())?.lease,
      (lease) => lease?.unsent === undefined,
    );
    expect(stored).toMatchObject({ token: expect.any(String) });
    expect(stored?.unsent).toBeUndefined();
  });
});
