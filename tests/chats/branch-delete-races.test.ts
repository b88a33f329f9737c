import { afterEach, describe, expect, it, vi } from 'vitest';
import { Tree } from '../../src/modules/chats/branch.tree.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';
import { holdCall } from '../helpers/hold-call.js';

// Every test switches, forks and deletes in chats of one user: the write limit is not tested here.
const ctx = useChatApp({ CHAT_WRITES_PER_MINUTE: '1000' });

afterEach(() => {
  vi.restoreAllMocks();
  ctx.upstream.reset();
});

const newChat = async () =>
  (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body.id as string;

const send = (chatId: string, content: string, extra: object = {}) =>
  ctx
    .request()
    .post(`/api/chats/${chatId}/messages`)
    .set(ctx.user.auth)
    .send({ content, ...extra });

const deleteBranch = (chatId: string, messageId: string) =>
  ctx.request().delete(`/api/chats/${chatId}/messages/${messageId}`).set(ctx.user.auth);

/** Q1 → A1 → Q2 → A2; `branched`: Q2 named A1 as its parent, so the chat keeps a pointer. */
async function twoExchanges(branched: boolean) {
  ctx.upstream.setDefault({ chunks: ['answer'] });
  const chatId = await newChat();
  const first = await send(chatId, 'Q1');
  const a1 = first.body.messages[1].id as string;
  const second = await send(chatId, 'Q2 secret', branched ? { parentId: a1 } : {});
  expect(second.status).toBe(201);
  return {
    chatId,
    a1,
    q2: second.body.messages[0].id as string,
    a2: second.body.messages[1].id as string,
  };
}

/**
 * Holds the messages' insert whose documents `picks` selects: the time a real exchange can spend
 * between reading its branch and storing below it. Put back after each test (restoreAllMocks).
 */
const holdInsert = (picks: (docs: { content?: string; parentId?: unknown }[]) => boolean) =>
  holdCall(Message.collection, 'insertMany', ([docs]) => picks(docs as never));

/** Messages whose parent is not in the chat. */
async function orphansIn(chatId: string): Promise<string[]> {
  const messages = await Message.find({ chatId }).lean();
  const ids = new Set(messages.map((m) => String(m._id)));
  return messages.filter((m) => m.parentId && !ids.has(String(m.parentId))).map((m) => m.content);
}

/** The chat's active leaf and kept turns name only messages still there. */
async function expectPointersIntoTheTree(chatId: string) {
  const chat = await Chat.findById(chatId).lean();
  for (const id of [chat?.activeLeafId, chat?.context?.leafId].filter((x) => x != null))
    expect(await Message.exists({ _id: id })).not.toBeNull();
}

/**
 * Nothing of the exchange `Q3` below the deleted branch is kept: the chat holds its first exchange
 * only, no orphan, pointers into the tree, the slot given back, and the next send is not given the
 * deleted text.
 */
async function expectNothingOfQ3Kept(chatId: string) {
  expect(await Message.countDocuments({ chatId, content: 'Q3' })).toBe(0);
  expect(await Message.countDocuments({ chatId })).toBe(2);
  expect(await orphansIn(chatId)).toEqual([]);
  await expectPointersIntoTheTree(chatId);
  const leases = () => Generation.countDocuments({ userId: ctx.user.id });
  expect(await eventually(leases, (n) => n === 0)).toBe(0);
  expect(await nextHistory(chatId)).toEqual(['Q1', 'answer', 'Q4']);
}

/** What the model is given for the next plain send. */
async function nextHistory(chatId: string): Promise<string[]> {
  ctx.upstream.reset();
  ctx.upstream.setDefault({ chunks: ['next'] });
  expect((await send(chatId, 'Q4')).status).toBe(201);
  return ctx.upstream.requests.at(-1)!.messages.map((m) => m.content);
}

describe('deleting a branch while an exchange below it is being stored', () => {
  const cases = [
    { name: 'a plain send to a chat that never branched', branched: false, edit: false },
    { name: 'a plain send to a chat that branched', branched: true, edit: false },
    { name: 'an edit naming a message of the branch as its parent', branched: false, edit: true },
  ];
  for (const { name, branched, edit } of cases) {
    it(`when ${name} stores itself after the deletion, then it is a 404, nothing of it is kept and the next send is not given the deleted text`, async () => {
      const t = await twoExchanges(branched);
      const held = holdInsert((docs) => docs.some((d) => d.content === 'Q3'));
      // Sent now (a supertest request goes out once it is awaited or `then` is called).
      const pending = send(t.chatId, 'Q3', edit ? { parentId: t.a2 } : {}).then((res) => res);
      await held.reached;
      expect((await deleteBranch(t.chatId, t.q2)).status).toBe(204);
      held.release();
      const res = await pending;
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
      await expectNothingOfQ3Kept(t.chatId);
    });
  }

  for (const branched of [false, true]) {
    it(`when a streamed plain send to a chat that ${branched ? 'branched' : 'never branched'} stores itself after the deletion, then its stream ends NOT_FOUND after meta, nothing of it is kept and the next send is not given the deleted text`, async () => {
      const t = await twoExchanges(branched);
      const held = holdInsert((docs) => docs.some((d) => d.content === 'Q3'));
      // The model answers slowly: the stream is under way when the exchange is taken back.
      ctx.upstream.setDefault({ chunks: ['late ', 'answer'], delayMs: 300 });
      const stream = ctx.stream(`/api/chats/${t.chatId}/messages`, { content: 'Q3' });
      await held.reached;
      expect((await deleteBranch(t.chatId, t.q2)).status).toBe(204);
      held.release();
      await stream.ended;
      expect(stream.status).toBe(200);
      const names = stream.events.map((e) => e.event);
      // It answered once its messages were stored; the check after the chat's write found the
      // message it answers gone.
      expect(names[0]).toBe('meta');
      expect(names.at(-1)).toBe('error');
      expect((stream.events.at(-1)!.data as { error: { code: string } }).error.code).toBe(
        'NOT_FOUND',
      );
      await expectNothingOfQ3Kept(t.chatId);
    });
  }

  it('when a regenerate of the deleted question stores its answer after the deletion, then it is a 404 and the chat keeps its earlier history', async () => {
    const t = await twoExchanges(false);
    const held = holdInsert((docs) => docs.some((d) => String(d.parentId) === t.q2));
    const pending = ctx
      .request()
      .post(`/api/chats/${t.chatId}/messages/${t.a2}/regenerate`)
      .set(ctx.user.auth)
      .send({})
      .then((res) => res);
    await held.reached;
    expect((await deleteBranch(t.chatId, t.q2)).status).toBe(204);
    held.release();
    const res = await pending;
    expect(res.status).toBe(404);
    expect(await Message.countDocuments({ chatId: t.chatId })).toBe(2);
    expect(await orphansIn(t.chatId)).toEqual([]);
    await expectPointersIntoTheTree(t.chatId);
    expect(await nextHistory(t.chatId)).toEqual(['Q1', 'answer', 'Q4']);
  });

  it('when the deletion removes the branch after an edit below it has begun streaming, then its late pass takes the edit too, its reply ends NOT_FOUND and the chat goes back to the branch it showed', async () => {
    // Q1 → A1, with two answers to it: Q2 (deleted) and Q2b, the active branch.
    const t = await twoExchanges(true);
    const other = await send(t.chatId, 'Q2b', { parentId: t.a1 });
    const activeLeaf = other.body.messages[1].id as string;
    // The deletion has read the tree, and waits to remove the branch until the edit below it runs.
    const deleteMany = Message.collection.deleteMany.bind(Message.collection);
    let letDeletionGo!: () => void;
    const deletionHeld = new Promise<void>((resolve) => (letDeletionGo = resolve));
    let deletionReached!: () => void;
    const deletionAtRemove = new Promise<void>((resolve) => (deletionReached = resolve));
    vi.spyOn(Message.collection, 'deleteMany').mockImplementation(async (filter, ...rest) => {
      const ids = (filter as { _id?: { $in?: unknown[] } })._id?.$in ?? [];
      if (ids.some((id) => String(id) === t.q2)) {
        deletionReached();
        await deletionHeld;
      }
      return deleteMany(filter, ...rest);
    });
    // The edit's check that the message it answers is still there (chats.cleanup.ts).
    const findOne = Message.collection.findOne.bind(Message.collection) as (
      ...args: unknown[]
    ) => Promise<unknown>;
    let checked!: () => void;
    const parentChecked = new Promise<void>((resolve) => (checked = resolve));
    vi.spyOn(Message.collection, 'findOne').mockImplementation(async (...args: unknown[]) => {
      const found = await findOne(...args);
      if (String((args[0] as { _id?: unknown } | undefined)?._id) === t.a2) checked();
      return found;
    });
    const deletion = deleteBranch(t.chatId, t.q2).then((r) => r);
    await deletionAtRemove;
    let endReply!: () => void;
    ctx.upstream.setDefault({
      chunks: ['edited '],
      holdUntil: new Promise<void>((resolve) => (endReply = resolve)),
      afterHold: ['answer'],
    });
    const edit = ctx.stream(`/api/chats/${t.chatId}/messages`, {
      content: 'EDIT',
      parentId: t.a2,
      stream: true,
    });
    await edit.waitForEvent('delta');
    // Its stream starts once its messages are stored; its chat's write and the check of the
    // message it answers go on beside it: the deletion goes on once that check is answered.
    await parentChecked;
    letDeletionGo();
    expect((await deletion).status).toBe(204);
    endReply();
    await edit.ended;
    expect(edit.events.at(-1)).toMatchObject({
      event: 'error',
      data: { error: { code: 'NOT_FOUND' } },
    });
    expect(await Message.countDocuments({ chatId: t.chatId, content: 'EDIT' })).toBe(0);
    expect(await orphansIn(t.chatId)).toEqual([]);
    const chat = await Chat.findById(t.chatId).lean();
    expect(String(chat?.activeLeafId)).toBe(activeLeaf);
    await expectPointersIntoTheTree(t.chatId);
    expect(await nextHistory(t.chatId)).toEqual(['Q1', 'answer', 'Q2b', 'answer', 'Q4']);
  });
});

/** Holds the next request that reads a chat's tree just after it has read it, until `release`. */
function holdAfterTreeRead() {
  const load = Tree.load.bind(Tree);
  let reached!: () => void;
  const treeRead = new Promise<void>((resolve) => (reached = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  vi.spyOn(Tree, 'load').mockImplementationOnce(async (...args) => {
    const tree = await load(...args);
    reached();
    await released;
    return tree;
  });
  return { reached: treeRead, release };
}

/**
 * Q1 → A1 with two answers: Q2 → A2 and Q2b → A2b, the branch shown. A deletion of Q2 reads the
 * tree while its branch is not the one shown, so it has no kept turns to clear, and is held there
 * while an exchange below A2 (Q3) becomes the branch shown, with its kept turns; `resume` lets it
 * go on, and its late pass removes Q3 and its answer.
 */
async function deletionRacingAnExchangeBelow() {
  const t = await twoExchanges(true);
  expect((await send(t.chatId, 'Q2b', { parentId: t.a1 })).status).toBe(201);
  const treeRead = holdAfterTreeRead();
  const deleting = deleteBranch(t.chatId, t.q2).then((res) => res);
  await treeRead.reached;
  expect((await send(t.chatId, 'Q3', { parentId: t.a2 })).status).toBe(201);
  return { t, deleting, resume: treeRead.release };
}

/** The read of the chat's pointers a deletion ends with (chats.cleanup.ts forgetRemovedMessages). */
const isLastLook = (options: unknown) =>
  Boolean(
    (options as { projection?: { activeLeafId?: unknown } } | undefined)?.projection?.activeLeafId,
  );

describe('a plain send while a branch deletion is under way', () => {
  it("when the kept turns the send reads name an answer the deletion's late pass removed, then the send is a 404, nothing of it is kept and the chat names none of it", async () => {
    const { t, deleting, resume } = await deletionRacingAnExchangeBelow();
    // The deletion waits before its last look at the chat's pointers, so the kept turns still
    // name the removed answer.
    const lastLook = holdCall(Chat.collection, 'findOne', ([, options]) => isLastLook(options));
    try {
      resume();
      await lastLook.reached;
      expect(await Message.countDocuments({ chatId: t.chatId, content: 'Q3' })).toBe(0);
      ctx.upstream.setDefault({ chunks: ['answer'] });
      const sending = send(t.chatId, 'Q4').then((res) => res);
      await eventually(
        () => Message.countDocuments({ chatId: t.chatId, content: 'Q4' }),
        (n) => n === 1,
      );
      lastLook.release();
      const res = await sending;
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    } finally {
      lastLook.restore();
    }
    expect((await deleting).status).toBe(204);
    expect(await Message.countDocuments({ chatId: t.chatId, content: 'Q4' })).toBe(0);
    expect(await orphansIn(t.chatId)).toEqual([]);
    await expectPointersIntoTheTree(t.chatId);
    // The deletion has ended: the chat shows none under way.
    const chat = await Chat.findById(t.chatId).lean();
    expect(chat?.branchDeletions?.begun).toBe(1);
    expect(chat?.branchDeletions?.ended).toBe(1);
  });

  it('when a deletion failed after its late pass, then it stays under way: a later plain send still checks the answer its kept turns name, and is a 404', async () => {
    // Its last look at the chat's pointers fails (the database went away for a moment, or the
    // process died there): the chat still names the removed answer.
    const { t, deleting, resume } = await deletionRacingAnExchangeBelow();
    const findOne = Chat.collection.findOne.bind(Chat.collection) as (
      ...args: unknown[]
    ) => Promise<unknown>;
    let failed = false;
    vi.spyOn(Chat.collection, 'findOne').mockImplementation(async (...args: unknown[]) => {
      if (!failed && isLastLook(args[1])) {
        failed = true;
        throw new Error('connection reset');
      }
      return findOne(...args);
    });
    resume();
    expect((await deleting).status).toBeGreaterThanOrEqual(500);
    vi.restoreAllMocks();
    const chat = await Chat.findById(t.chatId).lean();
    expect(await Message.exists({ _id: chat?.context?.leafId })).toBeNull();
    const res = await send(t.chatId, 'Q4');
    expect(res.status).toBe(404);
    expect(await Message.countDocuments({ chatId: t.chatId, content: 'Q4' })).toBe(0);
    expect(await orphansIn(t.chatId)).toEqual([]);
  });

  it('when a deletion is refused, then the chat shows none under way', async () => {
    const t = await twoExchanges(false);
    const missing = '0123456789abcdef01234567';
    expect((await deleteBranch(t.chatId, missing)).status).toBe(404);
    const chat = await Chat.findById(t.chatId).lean();
    expect(chat?.branchDeletions?.begun).toBe(1);
    expect(chat?.branchDeletions?.ended).toBe(1);
  });
});

describe('switching to a branch while it is being deleted', () => {
  /** Q1 → A1 with two answers: Q2 → A2 (to be deleted) and Q2b → A2b, the active branch. */
  async function twoBranches() {
    const t = await twoExchanges(true);
    const other = await send(t.chatId, 'Q2b', { parentId: t.a1 });
    return { ...t, activeLeaf: other.body.messages[1].id as string };
  }
  const switchTo = (chatId: string, messageId: string) =>
    ctx
      .request()
      .patch(`/api/chats/${chatId}`)
      .set(ctx.user.auth)
      .send({ activeLeafId: messageId })
      .then((res) => res);

  it('when the switch writes its pointer after the deletion removed the branch, then the switch is a 404 and the chat keeps the branch it showed', async () => {
    const t = await twoBranches();
    // The switch has read the tree (A2 is there) and waits before it writes the chat's pointer.
    const held = holdAfterTreeRead();
    const switching = switchTo(t.chatId, t.q2);
    await held.reached;
    expect((await deleteBranch(t.chatId, t.q2)).status).toBe(204);
    held.release();
    const res = await switching;
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    await expectPointersIntoTheTree(t.chatId);
    // No pointer left into the deleted branch: the chat shows its newest remaining branch.
    const shown = await ctx.request().get(`/api/chats/${t.chatId}`).set(ctx.user.auth);
    expect(shown.body.messages.map((m: { content: string }) => m.content)).toEqual([
      'Q1',
      'answer',
      'Q2b',
      'answer',
    ]);
    expect(await nextHistory(t.chatId)).toEqual(['Q1', 'answer', 'Q2b', 'answer', 'Q4']);
  });

  it('when the switch writes its pointer after the deletion removed the branch and a newer branch exists elsewhere, then the chat still shows the branch it showed, not the newest message', async () => {
    const t = await twoBranches();
    // A newer branch from the root (an edit of the first question), then back to Q2b's.
    ctx.upstream.setDefault({ chunks: ['root answer'] });
    expect((await send(t.chatId, 'R', { parentId: null })).status).toBe(201);
    expect((await switchTo(t.chatId, t.activeLeaf)).body.activeLeafId).toBe(t.activeLeaf);
    const held = holdAfterTreeRead();
    const switching = switchTo(t.chatId, t.q2);
    await held.reached;
    expect((await deleteBranch(t.chatId, t.q2)).status).toBe(204);
    held.release();
    expect((await switching).status).toBe(404);
    expect(String((await Chat.findById(t.chatId).lean())?.activeLeafId)).toBe(t.activeLeaf);
    await expectPointersIntoTheTree(t.chatId);
    const shown = await ctx.request().get(`/api/chats/${t.chatId}`).set(ctx.user.auth);
    expect(shown.body.messages.map((m: { content: string }) => m.content)).toEqual([
      'Q1',
      'answer',
      'Q2b',
      'answer',
    ]);
  });

  it('when the switch checks its leaf before the deletion removes the branch, then the deletion moves the pointer back to the branch the chat showed', async () => {
    const t = await twoBranches();
    // The deletion has read the tree (Q2b's branch active, so it leaves the pointer alone) and waits
    // to remove the branch until the switch has written its pointer into it.
    const held = holdCall(Message.collection, 'deleteMany', ([filter]) =>
      ((filter as { _id?: { $in?: unknown[] } })._id?.$in ?? []).some((id) => String(id) === t.q2),
    );
    const deletion = deleteBranch(t.chatId, t.q2).then((res) => res);
    await held.reached;
    const switched = await switchTo(t.chatId, t.q2);
    expect(switched.status).toBe(200);
    expect(switched.body.activeLeafId).toBe(t.a2);
    held.release();
    expect((await deletion).status).toBe(204);
    const chat = await Chat.findById(t.chatId).lean();
    expect(String(chat?.activeLeafId)).toBe(t.activeLeaf);
    await expectPointersIntoTheTree(t.chatId);
    expect(await nextHistory(t.chatId)).toEqual(['Q1', 'answer', 'Q2b', 'answer', 'Q4']);
  });
});

describe('continuing an answer while its branch is being deleted', () => {
  /** Q1 → A1 → Q2 → A2, A2 cut by the token limit (continuable), and Q2b → A2b beside it. */
  async function cutAnswerBesideAnother() {
    ctx.upstream.setDefault({ chunks: ['answer'] });
    const chatId = await newChat();
    const a1 = (await send(chatId, 'Q1')).body.messages[1].id as string;
    ctx.upstream.setDefault({ chunks: ['cut'], finishReason: 'length' });
    const cut = await send(chatId, 'Q2', { parentId: a1 });
    ctx.upstream.setDefault({ chunks: ['answer'] });
    await send(chatId, 'Q2b', { parentId: a1 });
    return { chatId, q2: cut.body.messages[0].id as string, a2: cut.body.messages[1].id as string };
  }
  const continueAnswer = (chatId: string, answerId: string) =>
    ctx
      .request()
      .post(`/api/chats/${chatId}/messages/${answerId}/continue`)
      .set(ctx.user.auth)
      .send({ stream: false })
      .then((res) => res);
  /** The continue's claim of the answer (filtered on the state it read). */
  const isClaimOf = (answerId: string) => (args: unknown[]) => {
    const filter = args[0] as { _id?: unknown; status?: unknown };
    return String(filter._id) === answerId && filter.status !== undefined;
  };

  /** Holds the continue once its claim of the answer has landed. */
  function holdAfterClaimOf(answerId: string) {
    const updateOne = Message.collection.updateOne.bind(Message.collection);
    let reached!: () => void;
    const claimLanded = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    vi.spyOn(Message.collection, 'updateOne').mockImplementation(async (...args) => {
      const result = await updateOne(...args);
      if (isClaimOf(answerId)(args)) {
        reached();
        await released;
      }
      return result;
    });
    return { reached: claimLanded, release };
  }

  it('when the deletion removes the answer after the continue claimed it, then the continue is a 404 before any model call, and the chat points at no deleted message', async () => {
    const t = await cutAnswerBesideAnother();
    // The deletion has read the tree (the answer not streaming yet) and waits.
    const deletionRead = holdAfterTreeRead();
    const deletion = deleteBranch(t.chatId, t.q2).then((res) => res);
    await deletionRead.reached;
    // The continue has claimed the answer and waits before it points the chat at it.
    const claimed = holdAfterClaimOf(t.a2);
    const asked = ctx.upstream.requests.length;
    const continuing = continueAnswer(t.chatId, t.a2);
    await claimed.reached;
    deletionRead.release();
    expect((await deletion).status).toBe(204);
    claimed.release();
    const res = await continuing;
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    expect(ctx.upstream.requests.length).toBe(asked);
    await expectPointersIntoTheTree(t.chatId);
    expect(await Generation.countDocuments({ userId: ctx.user.id })).toBe(0);
  });

  it('when the deletion removes the answer between the continue reading it and claiming it, then the continue is a 404, not a 409 for an answer still being generated', async () => {
    const t = await cutAnswerBesideAnother();
    const claim = holdCall(Message.collection, 'updateOne', isClaimOf(t.a2));
    const continuing = continueAnswer(t.chatId, t.a2);
    await claim.reached;
    expect((await deleteBranch(t.chatId, t.q2)).status).toBe(204);
    claim.release();
    const res = await continuing;
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    await expectPointersIntoTheTree(t.chatId);
  });
});

describe('forking a branch while it is being deleted', () => {
  it('when the fork reads the branch after the deletion removed it, then the fork is a 404 and no chat is made', async () => {
    const t = await twoExchanges(false);
    const chatsBefore = await Chat.countDocuments({ userId: ctx.user.id });
    const messagesBefore = await Message.countDocuments({ userId: ctx.user.id });
    const held = holdAfterTreeRead();
    const forking = ctx
      .request()
      .post(`/api/chats/${t.chatId}/fork`)
      .set(ctx.user.auth)
      .send({ messageId: t.a2 })
      .then((res) => res);
    await held.reached;
    expect((await deleteBranch(t.chatId, t.q2)).status).toBe(204);
    held.release();
    const res = await forking;
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    expect(await Chat.countDocuments({ userId: ctx.user.id })).toBe(chatsBefore);
    // Only the deleted question and answer went; nothing was copied.
    expect(await Message.countDocuments({ userId: ctx.user.id })).toBe(messagesBefore - 2);
  });
});
