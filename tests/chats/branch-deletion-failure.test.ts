import { afterEach, describe, expect, it, vi } from 'vitest';
import { Tree } from '../../src/modules/chats/branch.tree.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useChatApp } from '../helpers/chat-app.js';

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

async function orphansIn(chatId: string): Promise<string[]> {
  const messages = await Message.find({ chatId }).lean();
  const ids = new Set(messages.map((m) => String(m._id)));
  return messages.filter((m) => m.parentId && !ids.has(String(m.parentId))).map((m) => m.content);
}

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

describe('a branch deletion that fails after its late pass', () => {
  it('when a plain send comes once the failed deletion has lapsed, then it is not stored below the removed answer its kept turns still name', async () => {
    ctx.upstream.setDefault({ chunks: ['answer'] });
    const chatId = await newChat();
    const first = await send(chatId, 'Q1');
    const a1 = first.body.messages[1].id as string;
    const second = await send(chatId, 'Q2', { parentId: a1 });
    const q2 = second.body.messages[0].id as string;
    const a2 = second.body.messages[1].id as string;
    expect((await send(chatId, 'Q2b', { parentId: a1 })).status).toBe(201);
    // The deletion of Q2 reads the tree; meanwhile an exchange below Q2 becomes the branch shown,
    // with its kept turns (settled).
    const treeRead = holdAfterTreeRead();
    const deleting = deleteBranch(chatId, q2).then((res) => res);
    await treeRead.reached;
    expect((await send(chatId, 'Q3', { parentId: a2 })).status).toBe(201);
    // Its late pass removes Q3 and its answer; then its last look at the chat's pointers fails
    // (the database went away for a moment, or the process died there).
    const findOne = Chat.collection.findOne.bind(Chat.collection) as (
      ...a: unknown[]
    ) => Promise<unknown>;
    let failed = false;
    vi.spyOn(Chat.collection, 'findOne').mockImplementation((async (...args: unknown[]) => {
      const options = args[1] as { projection?: { activeLeafId?: unknown } } | undefined;
      if (!failed && options?.projection?.activeLeafId) {
        failed = true;
        throw new Error('connection reset');
      }
      return findOne(...args);
    }));
    treeRead.release();
    expect((await deleting).status).toBeGreaterThanOrEqual(500);
    vi.restoreAllMocks();
    expect(await Message.countDocuments({ chatId, content: 'Q3' })).toBe(0);
    // The chat still names the removed answer, as its active leaf and in its kept turns.
    const chat = await Chat.findById(chatId).lean();
    expect(await Message.exists({ _id: chat?.context?.leafId })).toBeNull();
    // Ten minutes on: a lapse (0d862ce) counted the deletion as no longer under way.
    await Chat.collection.updateOne(
      { _id: chat!._id },
      { $set: { 'branchDeletions.until': new Date(Date.now() - 1000) } },
    );
    const res = await send(chatId, 'Q4');
    // The send checks the message it answers: gone, so nothing of it is kept.
    expect(await orphansIn(chatId)).toEqual([]);
    expect(res.status).toBe(404);
  });
});
