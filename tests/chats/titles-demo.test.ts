import { beforeAll, describe, expect, it } from 'vitest';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { useTestApp } from '../helpers/app.js';
import { parseSse, textParser } from '../helpers/sse.js';
import { createUser, type TestUser } from '../helpers/users.js';

// No API key: the built-in demo model answers, and writes titles deterministically.
const ctx = useTestApp({
  OPENAI_API_KEY: '',
  MODELS: 'demo',
  DEMO_CHUNK_DELAY_MS: '0',
  TITLES: 'on',
});
let user: TestUser;

beforeAll(async () => {
  user = await createUser();
});

describe('titles with the demo model', () => {
  it('when the first reply completes, then the demo title arrives as an event and is stored', async () => {
    const res = await ctx
      .request()
      .post('/api/chats')
      .set(user.auth)
      .send({ message: 'Plan a weekend in Lisbon.', stream: true })
      .buffer(true)
      .parse(textParser);
    const { events } = parseSse(res.body as string);
    const title = events.find((e) => e.event === 'title');
    expect(title?.data.chat.title).toBe('Demo: Plan a weekend in Lisbon');
    expect(events.at(-1)!.event).toBe('done');
    const stored = await Chat.findById(title!.data.chat.id).lean();
    expect(stored!.title).toBe('Demo: Plan a weekend in Lisbon');
  });
});
