import { describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { insertMessages } from '../../src/modules/chats/message.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { insertBigChat } from '../helpers/big-chat.js';

/**
 * The tree is the chat's newest MAX_TREE_MESSAGES messages. Messages whose parent is older than
 * that window must not be shown as siblings of each other: a question and an answer to another
 * question are no siblings, and "‹ 1/2 ›" would switch the user to an unrelated branch.
 */
const ctx = useChatApp({ MAX_TREE_MESSAGES: '11', RATE_LIMITS_ENABLED: 'false', TITLES: 'off' });

describe('siblings at the edge of the tree window', () => {
  it('when two messages of different parents have their parents past the window, then neither lists the other as a sibling', async () => {
    // Q1 A1 … Q7 A7, then a regenerate of A2 (A2', the newest message).
    const big = await insertBigChat(ctx.user.id, { depth: 14, edits: 0, regens: 0 });
    const [q2, q3, a4] = [big.active[2], big.active[4], big.active[13]];
    const regen = new Types.ObjectId();
    await insertMessages([
      {
        _id: regen,
        chatId: big.chatId,
        userId: new Types.ObjectId(ctx.user.id),
        parentId: q2!._id,
        role: 'assistant',
        content: 'another answer to Q2',
        bytes: 20,
        status: 'complete',
        model: 'test-model',
        finishReason: 'stop',
        usage: null,
        error: null,
        ttftMs: null,
        durationMs: null,
        createdAt: new Date(),
      },
    ]);
    await Chat.updateOne({ _id: big.chatId }, { $set: { activeLeafId: a4!._id } });
    // The window (newest 11): A2', A7 … Q3. Q3's parent A2 and A2''s parent Q2 are older.
    const res = await ctx
      .request()
      .get(`/api/chats/${String(big.chatId)}`)
      .set(ctx.user.auth)
      .expect(200);
    const shownQ3 = res.body.messages.find((m: { id: string }) => m.id === String(q3!._id));
    expect(shownQ3).toBeDefined();
    expect(shownQ3.siblingIds).toEqual([String(q3!._id)]);
  });
});
