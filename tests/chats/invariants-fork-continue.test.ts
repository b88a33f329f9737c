import { afterEach, expect, it, vi } from 'vitest';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Tree } from '../../src/modules/chats/branch.tree.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { UsageEntry } from '../../src/modules/usage/usage.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';

// Shrunk from the invariants property test (tests/chats/invariants.test.ts): a fork racing a
// continue of the answer it copies.
const ctx = useChatApp({ CHAT_WRITES_PER_MINUTE: '1000' });

afterEach(() => vi.restoreAllMocks());

/** Holds the next Tree.load once it has read the tree (the fork's read of the branch's statuses). */
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

it('when a fork copies an answer that a continue claimed after the fork read the branch, then no copy is left streaming and no call is charged that was never made', async () => {
  const chatId = (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body
    .id as string;
  ctx.upstream.script({ chunks: ['The start'], finishReason: 'length' });
  const first = await ctx
    .request()
    .post(`/api/chats/${chatId}/messages`)
    .set(ctx.user.auth)
    .send({ content: 'Q1' });
  expect(first.status).toBe(201);
  const answerId = first.body.messages[1].id as string;

  // The fork has read the branch (the answer `incomplete`: cut by the token limit) and waits.
  const held = holdAfterTreeRead();
  const forking = ctx
    .request()
    .post(`/api/chats/${chatId}/fork`)
    .set(ctx.user.auth)
    .send({ messageId: answerId })
    .then((res) => res);
  await held.reached;

  // A continue claims the answer (streaming again) and its model call goes on.
  let endReply!: () => void;
  ctx.upstream.script({
    chunks: [' and more'],
    holdUntil: new Promise<void>((resolve) => (endReply = resolve)),
  });
  const continuing = ctx.stream(`/api/chats/${chatId}/messages/${answerId}/continue`, {
    stream: true,
  });
  await continuing.waitForEvent('delta');
  expect((await Message.findById(answerId).lean())?.status).toBe('streaming');

  held.release();
  const fork = await forking;
  endReply();
  await continuing.ended;
  expect(continuing.events.at(-1)?.event).toBe('done');

  // The fork is refused as when it read the answer streaming (409 MESSAGE_STREAMING): a copy
  // would stay `streaming` with no generation behind it, and reading it would charge a call.
  expect(fork.status).toBe(409);
  expect(fork.body.error.code).toBe('MESSAGE_STREAMING');
  expect(await Chat.countDocuments({ userId: ctx.user.id })).toBe(1);
  const charges = async () =>
    (await Message.countDocuments({ userId: ctx.user.id, charge: { $exists: true } })) +
    (await UsageEntry.countDocuments({ userId: ctx.user.id }));
  expect(ctx.upstream.requests.length).toBe(2);
  expect(await eventually(charges, (n) => n === 2)).toBe(2);
});
