import { beforeAll, describe, expect, it } from 'vitest';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { useTestApp } from '../helpers/app.js';
import { createUser, type TestUser } from '../helpers/users.js';

const ctx = useTestApp({
  MODELS: 'demo',
  DEMO_CHUNK_DELAY_MS: '0',
  CHAT_WRITES_PER_MINUTE: '1000',
});
let user: TestUser;
beforeAll(async () => {
  user = await createUser({ label: 'invisible' });
});

/**
 * "Message must not be empty" / "Title must not be empty": text that shows nothing. A byte-order
 * mark (U+FEFF, the zero-width no-break space) and spaces are refused already; its successor the
 * word joiner, the zero-width space and the Hangul filler are as invisible, and a first message
 * of them names its chat with a title that shows nothing in the list.
 */
describe('text of invisible characters only', () => {
  it.each([
    ['a zero-width space', '\u200b\u200b'],
    ['a word joiner', '\u2060'],
    ['a Hangul filler', '\u3164'],
    // Invisible as those: search drops them as format characters (search-terms.ts).
    ['left-to-right and right-to-left marks', '\u200e\u200f'],
    ['a soft hyphen', '\u00ad'],
    ['bidirectional isolates', '\u2066\u2069'],
    ['a variation selector', '\ufe0f'],
  ])(
    'when a message or a title is only %s, then it is refused as empty (400), as a byte-order mark is',
    async (_name, text) => {
      const bom = await ctx.request().post('/api/chats').set(user.auth).send({ message: '\ufeff' });
      expect(bom.status).toBe(400);
      const message = await ctx
        .request()
        .post('/api/chats')
        .set(user.auth)
        .send({ message: text, stream: false });
      expect(message.status).toBe(400);
      const title = await ctx.request().post('/api/chats').set(user.auth).send({ title: text });
      expect(title.status).toBe(400);
      const aiSdk = await ctx
        .request()
        .post('/api/ai-sdk/chat')
        .set(user.auth)
        .send({
          id: `invisible-${Math.random()}`,
          trigger: 'submit-message',
          messages: [{ id: 'm', role: 'user', parts: [{ type: 'text', text }] }],
        });
      expect(aiSdk.status).toBe(400);
      expect(await Chat.countDocuments({ userId: user.id })).toBe(0);
    },
  );
});
