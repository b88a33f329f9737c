import { beforeAll, describe, expect, it } from 'vitest';
import { reloadConfig } from '../../src/lib/config.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useTestApp } from '../helpers/app.js';
import { parseSse, textParser } from '../helpers/sse.js';
import { createUser, type TestUser } from '../helpers/users.js';

// No API key: the built-in demo model answers, and writes titles deterministically.
const DEMO_ENV = { OPENAI_API_KEY: '', MODELS: 'demo', DEMO_CHUNK_DELAY_MS: '0', TITLES: 'on' };
const ctx = useTestApp(DEMO_ENV);
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

describe('the demo model and the token limit', () => {
  it('when MAX_TOKENS cuts the demo reply, then it ends with finish reason length within the limit, and continue extends it', async () => {
    const limited = await createUser({ label: 'limited' });
    reloadConfig({ ...process.env, ...DEMO_ENV, MAX_TOKENS: '12' });
    try {
      const sent = await ctx
        .request()
        .post('/api/chats')
        .set(limited.auth)
        .send({ message: 'Say a lot.', stream: false });
      expect(sent.status).toBe(201);
      const reply = sent.body.messages[1];
      expect(reply).toMatchObject({ status: 'complete', finishReason: 'length' });
      // About four characters a token, as the demo counts a reply.
      expect(reply.usage.completionTokens).toBeLessThanOrEqual(12);
      expect((reply.content as string).length).toBeLessThanOrEqual(12 * 4);
      expect(reply.content).toMatch(/^\[Demo model\]/);

      const continued = await ctx
        .request()
        .post(`/api/chats/${sent.body.chat.id}/messages/${reply.id}/continue`)
        .set(limited.auth)
        .send({ stream: false });
      expect(continued.status).toBe(201);
      const stored = await Message.findById(reply.id).lean();
      expect(stored!.content.length).toBeGreaterThan((reply.content as string).length);
      // It goes on where the reply was cut, as a model would: the canned text once, not over again.
      expect(stored!.content.startsWith(reply.content as string)).toBe(true);
      expect(stored!.content.match(/\[Demo model\]/g)).toHaveLength(1);
    } finally {
      reloadConfig({ ...process.env, ...DEMO_ENV });
    }
  });
});
