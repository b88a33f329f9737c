import { describe, expect, it } from 'vitest';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { expectError } from '../helpers/auth.js';
import { useChatApp } from '../helpers/chat-app.js';

const ctx = useChatApp({ CHAT_WRITES_PER_MINUTE: '1000' });

describe('a JSON send that starts a chat and fails upstream', () => {
  it.each([
    ['POST /api/chat (SigmaGPT)', '/api/chat', { message: 'hello', stream: false }],
    ['POST /api/chats with a message', '/api/chats', { message: 'hello', stream: false }],
  ])(
    'when the model fails the first message (%s), then the 502 names the chat that now holds the question (X-Chat-Id)',
    async (_name, path, body) => {
      const before = await Chat.countDocuments({ userId: ctx.user.id });
      ctx.upstream.script({ status: 500, errorMessage: 'boom' });
      const res = await ctx.request().post(path).set(ctx.user.auth).send(body);
      expectError(res, 502, 'UPSTREAM_ERROR');
      const made = await Chat.find({ userId: ctx.user.id }).sort({ createdAt: -1 }).lean();
      expect(made).toHaveLength(before + 1);
      expect(res.headers['x-chat-id']).toBe(String(made[0]!._id));
      // The chat holds the question and the failed reply: a retry belongs there.
      const stored = await Message.find({ chatId: made[0]!._id }).sort({ createdAt: 1 }).lean();
      expect(stored.map((m) => [m.role, m.status])).toEqual([
        ['user', 'complete'],
        ['assistant', 'error'],
      ]);
    },
  );
});
