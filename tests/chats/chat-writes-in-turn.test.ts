import { describe, expect, it } from 'vitest';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { expectTookTurns, releaseInPairs } from '../helpers/write-pairs.js';

const ctx = useChatApp();

type Update = Record<string, Record<string, unknown> | undefined>;

/**
 * Sends a message to the chat and, when the send's write of the chat that `isTarget` picks is
 * about to go out, renames the chat: the two writes are held until both have been asked for (or
 * 100 ms, when the rename waits for the send's turn instead), then go out together
 * (releaseInPairs), which the embedded FerretDB would resolve by losing one.
 */
async function renameDuringWrite(chatId: string, title: string, isTarget: (u: Update) => boolean) {
  let renamed: Promise<{ status: number }> | undefined;
  const pairs = releaseInPairs(
    [
      [Chat.collection, 'updateOne'],
      // The rename: Mongoose's findOneAndUpdate, through the collection.
      [Chat.collection, 'findOneAndUpdate'],
    ],
    {
      picks: ([, update], method) => method === 'findOneAndUpdate' || isTarget(update as Update),
      whenHeldAlone: () => {
        renamed ??= ctx
          .request()
          .patch(`/api/chats/${chatId}`)
          .set(ctx.user.auth)
          .send({ title })
          .then((res) => res);
      },
    },
  );
  try {
    ctx.upstream.script({ chunks: ['ok'] });
    const sent = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(ctx.user.auth)
      .send({ content: title });
    expect(sent.status).toBe(201);
    expect(renamed, 'the rename was made during the write').toBeDefined();
    expect((await renamed!).status).toBe(200);
    return pairs.mostAtOnce;
  } finally {
    pairs.restore();
  }
}

describe("a rename at the same moment as a send's write of the chat", () => {
  it.each([
    ['the send stores its question', (u: Update) => u.$max?.lastMessageAt !== undefined],
    [
      'the reply settles the kept turns',
      (u: Update) => (u.$set?.context as { pending?: boolean } | undefined)?.pending === false,
    ],
  ])('when %s, then the writes take turns and both land, every time', async (_, isTarget) => {
    const created = await ctx.request().post('/api/chats').set(ctx.user.auth).send({});
    const chatId = created.body.id as string;
    for (let round = 1; round <= 4; round += 1) {
      const before = (await Chat.findById(chatId).lean())!;
      const title = `Renamed ${round}`;
      const mostAtOnce = await renameDuringWrite(chatId, title, isTarget);
      expectTookTurns({ mostAtOnce }, `round ${round}`);
      const chat = (await Chat.findById(chatId).lean())!;
      // The rename stays…
      expect(chat.title, `round ${round}`).toBe(title);
      // …and so does the send's write: the chat moved up the list and keeps this exchange's
      // turns, settled with the reply's text.
      expect(chat.lastMessageAt.getTime(), `round ${round}`).toBeGreaterThan(
        before.lastMessageAt.getTime(),
      );
      expect(chat.context?.pending, `round ${round}`).toBe(false);
      expect(chat.context?.turns.slice(-2), `round ${round}`).toEqual([
        { role: 'user', content: title },
        { role: 'assistant', content: 'ok' },
      ]);
    }
  });
});
