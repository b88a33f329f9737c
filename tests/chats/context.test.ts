import { describe, expect, it } from 'vitest';
import { reloadConfig } from '../../src/lib/config.js';
import mongoose from '../../src/lib/db/mongoose.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { upstreamEnv, useChatApp } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';
import { holdCall } from '../helpers/hold-call.js';

/**
 * The turns kept on the chat for the next send (chat-context.ts) must always be what the message
 * tree says: each test changes the branch some way, then checks that the model is sent exactly
 * the active branch the chat shows (GET /api/chats/:id), followed by the new question.
 */
const CONTEXT_ENV = { CHAT_WRITES_PER_MINUTE: '1000', STREAM_CHECKPOINT_MS: '50' };
const ctx = useChatApp(CONTEXT_ENV);

interface Msg {
  id: string;
  role: string;
  content: string;
  status: string;
}

async function newChat(): Promise<string> {
  return (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body.id as string;
}

async function send(chatId: string, content: string, reply: string[] = [`re ${content}`]) {
  ctx.upstream.script({ chunks: reply });
  const res = await ctx
    .request()
    .post(`/api/chats/${chatId}/messages`)
    .set(ctx.user.auth)
    .send({ content });
  expect(res.status).toBe(201);
  return res.body as { messages: Msg[] };
}

/** The active branch as the chat shows it, as the model is given it (text that did not fail). */
async function shownTurns(chatId: string) {
  const res = await ctx.request().get(`/api/chats/${chatId}`).set(ctx.user.auth);
  expect(res.status).toBe(200);
  return (res.body.messages as Msg[])
    .filter((m) => m.content.length > 0 && m.status !== 'error')
    .map((m) => ({ role: m.role, content: m.content }));
}

/** Sends `content` and checks the model got the branch shown just before, then the question. */
async function sendMatchingBranch(chatId: string, content: string) {
  const expected = [...(await shownTurns(chatId)), { role: 'user', content }];
  await send(chatId, content);
  expect(ctx.upstream.requests.at(-1)!.messages).toEqual(expected);
}

describe('the turns a chat keeps for its next send', () => {
  it('when a chat goes on for several exchanges, then each send gives the model the whole active branch and the chat keeps it, settled, ending at the last reply', async () => {
    const chatId = await newChat();
    for (const q of ['one', 'two', 'three', 'four']) await sendMatchingBranch(chatId, q);
    const chat = await Chat.findById(chatId).lean();
    const shown = await shownTurns(chatId);
    expect(chat!.context).toMatchObject({ pending: false, turns: shown });
    const last = (await ctx.request().get(`/api/chats/${chatId}`).set(ctx.user.auth)).body
      .messages as Msg[];
    expect(String(chat!.context!.leafId)).toBe(last.at(-1)!.id);
  });

  it('when a chat is created with its first message, then its second send is given that exchange', async () => {
    ctx.upstream.script({ chunks: ['first answer'] });
    const created = await ctx
      .request()
      .post('/api/chats')
      .set(ctx.user.auth)
      .send({ message: 'first question' });
    expect(created.status).toBe(201);
    await sendMatchingBranch(created.body.id as string, 'second question');
    expect(ctx.upstream.requests.at(-1)!.messages.slice(0, 2)).toEqual([
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: 'first answer' },
    ]);
  });

  it('when a reply is larger than the whole history budget, then the chat does not keep it, and the next send is given what the tree gives (not that reply)', async () => {
    const chatId = await newChat();
    await send(chatId, 'big?', ['x'.repeat(40_000)]);
    const chat = await Chat.findById(chatId).lean();
    expect(chat!.context).toMatchObject({ pending: false, turns: [] });
    await send(chatId, 'after the big one');
    expect(ctx.upstream.requests.at(-1)!.messages).toEqual([
      { role: 'user', content: 'after the big one' },
    ]);
  });

  it('when the branch is longer than HISTORY_TOKEN_BUDGET, then a send that reads the tree gives the model only the newest turns that fit, oldest first', async () => {
    const chatId = await newChat();
    // About 5,000 tokens each (4 characters a token): two of them pass the budget of 8,000.
    await send(chatId, 'q1', ['a'.repeat(20_000)]);
    const second = await send(chatId, 'q2', ['b'.repeat(20_000)]);
    // No kept turns (as a chat stored before they existed): the send reads the tree.
    await Chat.updateOne({ _id: chatId }, { $unset: { context: 1 } });
    ctx.upstream.script({ chunks: ['re q3'] });
    const res = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(ctx.user.auth)
      .send({ content: 'q3', parentId: second.messages[1]!.id });
    expect(res.status).toBe(201);
    expect(ctx.upstream.requests.at(-1)!.messages).toEqual([
      { role: 'user', content: 'q2' },
      { role: 'assistant', content: 'b'.repeat(20_000) },
      { role: 'user', content: 'q3' },
    ]);
    // What the chat shows is still the whole branch: only what is sent upstream is cut.
    expect((await shownTurns(chatId)).map((t) => t.content.slice(0, 2))).toEqual([
      'q1',
      'aa',
      'q2',
      'bb',
      'q3',
      're',
    ]);
  });

  it('when a reply fails, then the next send is given the branch without it, as the tree gives it', async () => {
    const chatId = await newChat();
    await send(chatId, 'ok');
    ctx.upstream.script({ status: 500 });
    const failed = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(ctx.user.auth)
      .send({ content: 'this one fails' });
    expect(failed.status).toBeGreaterThanOrEqual(500);
    await sendMatchingBranch(chatId, 'after the failure');
  });

  it('when the branch is switched, a reply regenerated, an answer continued or a branch deleted, then the next send is given the branch the chat shows', async () => {
    const chatId = await newChat();
    const first = await send(chatId, 'q1');
    const second = await send(chatId, 'q2');
    await send(chatId, 'q3');

    // An edit of q2 (a send naming its parent): a branch of its own.
    ctx.upstream.script({ chunks: ['edited answer'] });
    const edit = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(ctx.user.auth)
      .send({ content: 'q2 edited', parentId: first.messages[1]!.id });
    expect(edit.status).toBe(201);
    await sendMatchingBranch(chatId, 'after the edit');

    // Back to the first branch.
    const switched = await ctx
      .request()
      .patch(`/api/chats/${chatId}`)
      .set(ctx.user.auth)
      .send({ activeLeafId: second.messages[1]!.id });
    expect(switched.status).toBe(200);
    await sendMatchingBranch(chatId, 'after the switch');

    // A new answer to the last question.
    const shown = (await ctx.request().get(`/api/chats/${chatId}`).set(ctx.user.auth)).body
      .messages as Msg[];
    ctx.upstream.script({ chunks: ['another answer'] });
    const regenerated = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages/${shown.at(-1)!.id}/regenerate`)
      .set(ctx.user.auth)
      .send({});
    expect(regenerated.status).toBe(201);
    await sendMatchingBranch(chatId, 'after the regenerate');

    // An answer cut by the token limit, then continued.
    const cut = await (async () => {
      ctx.upstream.script({ chunks: ['cut'], finishReason: 'length' });
      return (await send(chatId, 'long one', ['cut'])).messages[1]!.id;
    })();
    ctx.upstream.script({ chunks: [' and the rest'] });
    const continued = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages/${cut}/continue`)
      .set(ctx.user.auth)
      .send({});
    expect(continued.status).toBe(201);
    await sendMatchingBranch(chatId, 'after the continue');

    // The last exchange deleted: the branch ends one exchange earlier.
    const now = (await ctx.request().get(`/api/chats/${chatId}`).set(ctx.user.auth)).body
      .messages as Msg[];
    const deleted = await ctx
      .request()
      .delete(`/api/chats/${chatId}/messages/${now.at(-2)!.id}`)
      .set(ctx.user.auth);
    expect(deleted.status).toBe(204);
    await sendMatchingBranch(chatId, 'after the delete');
  });

  it('when two messages are sent to one chat at once, then the send after them is given the branch the chat shows', async () => {
    const chatId = await newChat();
    await send(chatId, 'before');
    ctx.upstream.script({ chunks: ['left'] }, { chunks: ['right'] });
    const both = await Promise.all(
      ['left?', 'right?'].map((content) =>
        ctx.request().post(`/api/chats/${chatId}/messages`).set(ctx.user.auth).send({ content }),
      ),
    );
    expect(both.map((r) => r.status)).toEqual([201, 201]);
    await sendMatchingBranch(chatId, 'after both');
    await sendMatchingBranch(chatId, 'and once more');
  });

  it('when another write replaces the turns a send left while its reply streams (a racing send writes last), then that reply clears them as it ends and the next send is given the branch the chat shows', async () => {
    const chatId = await newChat();
    await send(chatId, 'start');
    let release!: () => void;
    ctx.upstream.script({ chunks: ['held'], holdUntil: new Promise<void>((r) => (release = r)) });
    const held = ctx.stream(`/api/chats/${chatId}/messages`, { content: 'slow', stream: true });
    await held.waitForEvent('delta');
    // Its stream starts once its messages are stored; the chat's write goes on beside it.
    await contextPending(chatId);
    // What a send that read the chat before this one wrote, and wrote after it, leaves: turns that
    // end at another reply and miss this exchange.
    const stale = {
      leafId: new mongoose.Types.ObjectId(),
      budget: 8000,
      pending: false,
      turns: [],
    };
    await Chat.collection.updateOne(
      { _id: new mongoose.Types.ObjectId(chatId) },
      { $set: { context: stale } },
    );
    release();
    await held.ended;
    expect((await Chat.findById(chatId).lean())!.context ?? null).toBeNull();
    await sendMatchingBranch(chatId, 'after the race');
  });

  it('when a reply is streaming, then the kept turns wait for it (pending), and the send after it is given its final text', async () => {
    const chatId = await newChat();
    await send(chatId, 'start');
    let release!: () => void;
    ctx.upstream.script({
      chunks: ['partial'],
      holdUntil: new Promise<void>((r) => (release = r)),
    });
    const held = ctx.stream(`/api/chats/${chatId}/messages`, { content: 'slow', stream: true });
    await held.waitForEvent('delta');
    // Written beside the reply's first events: pending until the reply settles it.
    expect((await contextPending(chatId))?.context?.pending).toBe(true);
    release();
    await held.ended;
    await eventually(
      () => Chat.findById(chatId).lean(),
      (c) => c?.context?.pending === false,
    );
    await sendMatchingBranch(chatId, 'after the slow one');
  });

  it('when a send comes while the previous reply streams, then it is given that reply’s text so far, and the sends after both replies the final texts', async () => {
    const chatId = await newChat();
    await send(chatId, 'start');
    let release!: () => void;
    ctx.upstream.script({
      chunks: ['so far'],
      holdUntil: new Promise<void>((r) => (release = r)),
      afterHold: [' and the end'],
    });
    const held = ctx.stream(`/api/chats/${chatId}/messages`, { content: 'slow', stream: true });
    await held.waitForEvent('delta');
    // Its text so far reaches the database with a checkpoint, which the tree then reads.
    await eventually(
      async () => (await shownTurns(chatId)).at(-1)?.content,
      (text) => text === 'so far',
    );
    await sendMatchingBranch(chatId, 'meanwhile');
    release();
    await held.ended;
    await sendMatchingBranch(chatId, 'after both');
    expect(ctx.upstream.requests.at(-1)!.messages).toContainEqual({
      role: 'assistant',
      content: 'so far and the end',
    });
    await sendMatchingBranch(chatId, 'and once more');
  });

  it('when a send read the kept turns just before an answer on them was continued, and stores itself after, then the send after the continue is given the continued answer', async () => {
    const chatId = await newChat();
    const first = await send(chatId, 'Q1');
    // A chat that branched keeps a pointer, which the racing send moves to its own reply.
    ctx.upstream.script({ chunks: ['PART'], finishReason: 'length' });
    const second = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(ctx.user.auth)
      .send({ content: 'Q2', parentId: first.messages[1]!.id });
    const cut = second.body.messages[1].id as string;
    // The send has read the turns ending at "PART"; its insert waits until the continue runs.
    const held = holdCall(Message.collection, 'insertMany', ([docs]) =>
      (docs as { content?: string }[]).some((d) => d.content === 'Q3'),
    );
    try {
      ctx.upstream.script({ chunks: ['re Q3'] });
      let endContinue!: () => void;
      ctx.upstream.script({
        chunks: [' MORE'],
        holdUntil: new Promise<void>((resolve) => (endContinue = resolve)),
      });
      const racing = ctx
        .request()
        .post(`/api/chats/${chatId}/messages`)
        .set(ctx.user.auth)
        .send({ content: 'Q3' })
        .then((res) => res);
      await held.reached;
      const continued = ctx.stream(`/api/chats/${chatId}/messages/${cut}/continue`, {
        stream: true,
      });
      await continued.waitForEvent('delta');
      held.release();
      expect((await racing).status).toBe(201);
      endContinue();
      await continued.ended;
      expect(continued.events.at(-1)).toMatchObject({
        event: 'done',
        data: { message: { content: 'PART MORE' } },
      });
    } finally {
      held.restore();
    }
    await sendMatchingBranch(chatId, 'Q4');
    expect(ctx.upstream.requests.at(-1)!.messages).toContainEqual({
      role: 'assistant',
      content: 'PART MORE',
    });
  });
});

describe('the turns a chat keeps, with a large history budget', () => {
  /** Runs `fn` with HISTORY_TOKEN_BUDGET set to `budget`, as an operator of a long-context model would. */
  async function withBudget(budget: number, fn: () => Promise<void>) {
    const env = { ...process.env, ...upstreamEnv(ctx.upstream), ...CONTEXT_ENV };
    reloadConfig({ ...env, HISTORY_TOKEN_BUDGET: String(budget) });
    try {
      await fn();
    } finally {
      reloadConfig(env);
    }
  }

  /**
   * A chat whose active branch is `contents` (a question first, then answers and questions in
   * turn), stored directly (sending them all through the model only costs time), and without kept
   * turns, as after a branch switch: its next send reads the tree.
   */
  async function chatOfBranch(contents: string[]): Promise<string> {
    const chatId = await newChat();
    const chat = new mongoose.Types.ObjectId(chatId);
    const userId = new mongoose.Types.ObjectId(ctx.user.id);
    const t0 = Date.now() - 60_000;
    let parentId: mongoose.Types.ObjectId | null = null;
    const docs = contents.map((content, i) => {
      const _id = new mongoose.Types.ObjectId();
      const doc = {
        _id,
        chatId: chat,
        userId,
        parentId,
        role: i % 2 === 0 ? 'user' : 'assistant',
        content,
        bytes: Buffer.byteLength(content),
        status: 'complete',
        createdAt: new Date(t0 + i),
      };
      parentId = _id;
      return doc;
    });
    await Message.collection.insertMany(docs);
    await Chat.collection.updateOne(
      { _id: chat },
      { $unset: { context: 1 }, $set: { activeLeafId: parentId } },
    );
    return chatId;
  }

  const turnsOf = (contents: string[]) =>
    contents.map((content, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content }));

  it('when a long branch of short turns fits the budget and a send reads it from the tree, then the model is given all of it, as the kept turns give it to the next send', async () => {
    await withBudget(100_000, async () => {
      // 1,200 turns of about 5 tokens each: 6,000 tokens, well within the budget.
      const contents = Array.from({ length: 1200 }, (_, i) => `t${i}`);
      const chatId = await chatOfBranch(contents);
      await send(chatId, 'next', ['ok']);
      const expected = [...turnsOf(contents), { role: 'user', content: 'next' }];
      expect(ctx.upstream.requests.at(-1)!.messages).toEqual(expected);
      const kept = (await Chat.findById(chatId).lean())!.context;
      expect(kept).toMatchObject({ pending: false });
      expect(kept!.turns).toHaveLength(1202);
      await send(chatId, 'after', ['ok']);
      expect(ctx.upstream.requests.at(-1)!.messages).toEqual([
        ...expected,
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'after' },
      ]);
    });
  });

  it('when the turns within the budget are more text than a chat document can hold, then sends are still answered (201): the chat keeps none and each send reads the tree', async () => {
    await withBudget(5_000_000, async () => {
      // Six answers of MAX_REPLY_CHARS CJK characters, 3 MB each, each storable on its own: 18 MB
      // together, past the 16 MB a document may hold, yet about 4,500,000 estimated tokens.
      const answer = '字'.repeat(1_000_000);
      const contents = Array.from({ length: 6 }, (_, i) => [`q${i}`, answer]).flat();
      const chatId = await chatOfBranch(contents);
      await send(chatId, 'next', ['ok']);
      expect(ctx.upstream.requests.at(-1)!.messages).toHaveLength(13);
      expect((await Chat.findById(chatId).lean())!.context ?? null).toBeNull();
      await send(chatId, 'after', ['ok']);
      expect(ctx.upstream.requests.at(-1)!.messages.slice(-3)).toEqual([
        { role: 'user', content: 'next' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'after' },
      ]);
      expect(ctx.upstream.requests.at(-1)!.messages).toHaveLength(15);
      expect((await Chat.findById(chatId).lean())!.context ?? null).toBeNull();
    });
  }, 60_000);

  it('when a reply takes the turns within the budget past what a chat document can hold, then it is stored and the chat keeps none: the next send reads the tree', async () => {
    await withBudget(5_000_000, async () => {
      // 15 MB of answers the chat can still keep (its send writes them), and a reply of 3 MB more.
      const answer = '字'.repeat(1_000_000);
      const contents = Array.from({ length: 5 }, (_, i) => [`q${i}`, answer]).flat();
      const chatId = await chatOfBranch(contents);
      const sent = await send(chatId, 'next', [answer]);
      expect(sent.messages[1]).toMatchObject({ content: answer, status: 'complete' });
      expect((await Chat.findById(chatId).lean())!.context ?? null).toBeNull();
      await send(chatId, 'after', ['ok']);
      expect(ctx.upstream.requests.at(-1)!.messages).toHaveLength(13);
      expect(ctx.upstream.requests.at(-1)!.messages.slice(-2)).toEqual([
        { role: 'assistant', content: answer },
        { role: 'user', content: 'after' },
      ]);
    });
  }, 60_000);
});

/** The chat once a send's write has left its kept turns pending (a streamed send writes it beside its first events). */
const contextPending = (chatId: string) =>
  eventually(
    () => Chat.findById(chatId).lean(),
    (c) => c?.context?.pending === true,
  );
