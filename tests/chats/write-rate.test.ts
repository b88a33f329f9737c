import { beforeAll, describe, expect, it } from 'vitest';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { useTestApp } from '../helpers/app.js';
import { expectError } from '../helpers/auth.js';
import { createUser, type TestUser } from '../helpers/users.js';
import { insideOneWindow } from '../helpers/rate-windows.js';

const ctx = useTestApp({
  OPENAI_API_KEY: '',
  MODELS: 'demo',
  DEMO_CHUNK_DELAY_MS: '0',
  CHAT_WRITES_PER_MINUTE: '5',
});
let user: TestUser;
let bystander: TestUser;

beforeAll(async () => {
  user = await createUser({ label: 'writer' });
  bystander = await createUser({ label: 'bystander' });
});

describe('chat writes per user', () => {
  it('when a user creates, changes and deletes chats more than CHAT_WRITES_PER_MINUTE times (invalid requests aside), then 429 RATE_LIMITED with Retry-After and nothing changes; reads and other users are not limited', async () => {
    // Stay inside one minute window so the count cannot reset halfway through.
    await insideOneWindow(60, 8);
    const api = () => ctx.request();
    // Refused as invalid: costs nothing.
    for (let i = 0; i < 6; i += 1)
      expect((await api().post('/api/chats').set(user.auth).send({ bogus: i })).status).toBe(400);
    const a = (await api().post('/api/chats').set(user.auth).send({ title: 'a' })).body.id;
    const b = (await api().post('/api/chats').set(user.auth).send({ title: 'b' })).body.id;
    expect(
      (await api().patch(`/api/chats/${a}`).set(user.auth).send({ pinned: true })).status,
    ).toBe(200);
    expect((await api().put(`/api/chat/${a}`).set(user.auth).send({ title: 'a2' })).status).toBe(
      200,
    );
    expect((await api().delete(`/api/chats/${b}`).set(user.auth)).status).toBe(204);

    const before = await Chat.find({ userId: user.id }).sort({ _id: 1 }).lean();
    const contract = (await api().get('/api/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    for (const [res, method, path] of [
      [await api().post('/api/chats').set(user.auth).send({ title: 'c' }), 'post', '/api/chats'],
      [
        await api().patch(`/api/chats/${a}`).set(user.auth).send({ title: 'changed' }),
        'patch',
        '/api/chats/{id}',
      ],
      [
        await api().put(`/api/chats/${a}`).set(user.auth).send({ archived: true }),
        'put',
        '/api/chats/{id}',
      ],
      [await api().delete(`/api/chats/${a}`).set(user.auth), 'delete', '/api/chats/{id}'],
      [await api().delete(`/api/chat/${a}`).set(user.auth), 'delete', '/api/chat/{id}'],
    ] as const) {
      expectError(res, 429, 'RATE_LIMITED');
      // Documented, so generated clients type it.
      expect(Object.keys(contract.paths[path]![method]!.responses)).toContain('429');
      const retryAfter = Number(res.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
    }
    expect(await Chat.find({ userId: user.id }).sort({ _id: 1 }).lean()).toEqual(before);

    expect((await api().get('/api/chats').set(user.auth)).status).toBe(200);
    expect((await api().get(`/api/chats/${a}`).set(user.auth)).status).toBe(200);
    expect((await api().post('/api/chats').set(bystander.auth).send({})).status).toBe(201);
  });
  it('when a user switches branches more than CHAT_WRITES_PER_MINUTE times, then 429 RATE_LIMITED and the chat keeps its branch; a switch that also changes a field counts once', async () => {
    const switcher = await createUser({ label: 'switcher' });
    const api = () => ctx.request();
    // Sending has a budget of its own: the chat and its two answers cost no chat write.
    const created = await api().post('/api/chats').set(switcher.auth).send({ message: 'hi' });
    expect(created.status).toBe(201);
    const chatId = created.body.id as string;
    const [question, first] = created.body.messages as { id: string }[];
    const again = await api()
      .post(`/api/chats/${chatId}/messages/${question!.id}/regenerate`)
      .set(switcher.auth)
      .send({ stream: false });
    expect(again.status).toBe(201);
    const second = again.body.messages.at(-1).id as string;
    await insideOneWindow(60, 8);
    const to = (leaf: string, extra: object = {}) =>
      api()
        .patch(`/api/chats/${chatId}`)
        .set(switcher.auth)
        .send({ activeLeafId: leaf, ...extra });
    for (const leaf of [first!.id, second, first!.id, second])
      expect((await to(leaf)).status).toBe(200);
    const both = await to(first!.id, { title: 'Switched and renamed' });
    expect(both.status).toBe(200);
    expect(both.body).toMatchObject({ title: 'Switched and renamed', activeLeafId: first!.id });
    expectError(await to(second), 429, 'RATE_LIMITED');
    const stored = await Chat.findById(chatId).lean();
    expect(stored?.title).toBe('Switched and renamed');
    expect(String(stored?.activeLeafId)).toBe(first!.id);
  });
});
