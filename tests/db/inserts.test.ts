import { describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Chat, insertChat } from '../../src/modules/chats/chat.model.js';
import { insertMessage, Message } from '../../src/modules/chats/message.model.js';
import { useTestApp } from '../helpers/app.js';

/** The one write path of chats and messages (insertThroughSchema): the schema decides what is stored. */
describe('inserting through the schema', () => {
  useTestApp();
  const ids = () => ({
    _id: new Types.ObjectId(),
    chatId: new Types.ObjectId(),
    userId: new Types.ObjectId(),
  });

  it('when a message leaves its optional fields out, then the stored document has the schema defaults, and the returned object is what was stored', async () => {
    const returned = await insertMessage({
      ...ids(),
      role: 'user',
      content: 'hi',
      status: 'complete',
      createdAt: new Date(),
    });
    const stored = await Message.collection.findOne({ _id: returned._id });
    expect(stored).toEqual(returned);
    expect(stored).toMatchObject({
      parentId: null,
      model: null,
      finishReason: null,
      usage: null,
      error: null,
      ttftMs: null,
      durationMs: null,
    });
  });

  it('when a chat leaves its flags and system prompt out, then they are stored as the schema defaults', async () => {
    const now = new Date();
    const chat = await insertChat({
      _id: new Types.ObjectId(),
      userId: new Types.ObjectId(),
      title: 'A chat',
      model: 'gpt-4o-mini',
      lastMessageAt: now,
      createdAt: now,
      updatedAt: now,
    });
    expect(await Chat.collection.findOne({ _id: chat._id })).toEqual({
      ...chat,
      pinned: false,
      archived: false,
      systemPrompt: '',
    });
  });

  it('when a document breaks the schema (unknown enum value, stray field), then nothing invalid is stored', async () => {
    const bad = {
      ...ids(),
      role: 'system',
      content: 'x',
      status: 'complete',
      createdAt: new Date(),
    };
    await expect(insertMessage(bad as never)).rejects.toThrow(/role/);
    expect(await Message.collection.findOne({ _id: bad._id })).toBeNull();

    const stray = {
      ...ids(),
      role: 'user',
      status: 'complete',
      createdAt: new Date(),
      admin: true,
    };
    const stored = await insertMessage(stray as never);
    expect(await Message.collection.findOne({ _id: stored._id })).not.toHaveProperty('admin');
  });
});
