import { describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import {
  insertMessage,
  insertMessages,
  Message,
  type NewMessageDoc,
} from '../../src/modules/chats/message.model.js';
import { useChatApp } from '../helpers/chat-app.js';

/**
 * An exchange's messages are built in code and inserted through the driver (insertMessages); one
 * message alone goes through the schema (insertMessage). Both must store the same document.
 */
useChatApp();

const chatId = new Types.ObjectId();
const userId = new Types.ObjectId();

const question: NewMessageDoc = {
  _id: new Types.ObjectId(),
  chatId,
  userId,
  role: 'user',
  content: 'How do tides work? Über-long answers welcome',
  bytes: 45,
  status: 'complete',
  createdAt: new Date('2026-12-01T10:00:00Z'),
};
const reply: NewMessageDoc = {
  _id: new Types.ObjectId(),
  chatId,
  userId,
  parentId: question._id,
  role: 'assistant',
  content: '',
  bytes: 0,
  status: 'streaming',
  model: 'gpt-4o-mini',
  createdAt: new Date('2026-12-01T10:00:00.001Z'),
  lease: { slot: 1, token: 'a-token' },
};

/** The stored document as the database returns it, without its `_id`. */
async function storedWithoutId(id: Types.ObjectId) {
  const { _id, ...rest } = (await Message.collection.findOne({ _id: id }))!;
  expect(_id).toEqual(id);
  return rest;
}

describe('messages built in code', () => {
  it('when a question and a reply are inserted together, then each is stored exactly as the schema stores the same message alone', async () => {
    const again = (m: NewMessageDoc) => ({ ...m, _id: new Types.ObjectId() });
    const [viaDriver, viaSchema] = [[question, reply], [question, reply].map(again)];
    const returned = await insertMessages(viaDriver);
    for (const m of viaSchema) await insertMessage(m);
    for (let i = 0; i < 2; i += 1) {
      const driverDoc = await storedWithoutId(viaDriver[i]!._id);
      expect(driverDoc).toEqual(await storedWithoutId(viaSchema[i]!._id));
      // What insertMessages returns is what it stored.
      expect({ ...returned[i], _id: undefined }).toEqual({ ...driverDoc, _id: undefined });
    }
    expect(await storedWithoutId(question._id)).toMatchObject({
      parentId: null,
      model: null,
      usage: null,
      error: null,
      ttftMs: null,
      terms: expect.arrayContaining(['tides', 'uber']),
    });
    expect(await storedWithoutId(reply._id)).toMatchObject({
      parentId: question._id,
      lease: { slot: 1, token: 'a-token' },
      terms: [],
    });
  });
});
