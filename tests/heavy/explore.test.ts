import { describe, expect, it, beforeAll } from 'vitest';
import { useChatApp } from '../helpers/chat-app.js';
import { createUser, type TestUser } from '../helpers/users.js';
import { insertBigChat, insertChats, measure, type BigChat } from './build.js';

const ctx = useChatApp({
  RATE_LIMITS_ENABLED: 'false',
  MAX_CHATS_PER_USER: '5000',
  TITLES: 'off',
});

let other: TestUser;
let big: BigChat;
const log: string[] = [];
const note = (
  name: string,
  m: { ms: number; maxBlockMs: number; heapRiseMb: number },
  extra = '',
) => {
  const line = `${name}: ${m.ms} ms, max block ${m.maxBlockMs} ms, heap +${m.heapRiseMb} MB ${extra}`;
  log.push(line);
  console.log(line);
};

const T0 = Date.now() - 30 * 86_400_000;
beforeAll(async () => {
  other = await createUser({ label: 'other' });
  const t = Date.now();
  await insertChats(ctx.user.id, 3000, (i) => ({
    // Ten chats share each time: the tie-break by _id has to carry the pages.
    at: new Date(T0 + Math.floor(i / 10) * 60_000),
    pinned: i % 60 === 0,
    archived: i % 10 === 3,
    title: i % 100 === 0 ? `Holiday plans ${i}` : `Chat number ${i}`,
  }));
  big = await insertBigChat(ctx.user.id, { depth: 1000, edits: 500, regens: 1000 });
  await insertChats(other.id, 5, (i) => ({ at: new Date(T0 + i * 1000) }));
  console.log(`built in ${Date.now() - t} ms`);
}, 600_000);

const get = (path: string, as: TestUser = ctx.user) => ctx.request().get(path).set(as.auth);

async function allPages(first: string, as?: TestUser) {
  const items: { id: string; pinned?: boolean; lastMessageAt?: string }[] = [];
  let next: string | null = first;
  let pages = 0;
  while (next) {
    const res = await get(next, as).expect(200);
    items.push(...res.body);
    pages += 1;
    const link = res.headers.link as string | undefined;
    next = link ? /<([^>]+)>/.exec(link)![1]! : null;
  }
  return { items, pages };
}

describe('heavy user', () => {
  it('lists every chat once, in order, across pages', async () => {
    for (const archived of [undefined, 'true', 'false']) {
      for (const limit of [1, 7, 100]) {
        if (limit === 1 && archived !== 'true') continue;
        const q = `/api/chats?limit=${limit}${archived ? `&archived=${archived}` : ''}`;
        const m = await measure(() => allPages(q));
        const ids = m.result.items.map((c) => c.id);
        const expected = archived === 'true' ? 300 : 2701;
        note(`list ${q}`, m, `pages=${m.result.pages} n=${ids.length}`);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.length).toBe(expected);
      }
    }
  }, 600_000);

  it('search pages', async () => {
    for (const q of ['holiday', 'holi plan', 'message 99', 'about holiday']) {
      const m = await measure(() => allPages(`/api/chats?q=${encodeURIComponent(q)}&limit=5`));
      note(`search ${q}`, m, `n=${m.result.items.length} pages=${m.result.pages}`);
      const ids = m.result.items.map((c) => c.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  }, 600_000);

  it('reads the big chat', async () => {
    const id = String(big.chatId);
    let m = await measure(() => get(`/api/chats/${id}`).expect(200));
    note('GET chat', m, `messages=${m.result.body.messages.length}`);
    m = await measure(() => allPages(`/api/chats/${id}/messages?limit=100`) as never);
    note('branch all pages', m, `n=${(m.result as any).items.length}`);
    expect((m.result as any).items.length).toBe(1000);
    m = await measure(() => allPages(`/api/chats/${id}/messages?view=tree&limit=100`) as never);
    note('tree all pages', m, `n=${(m.result as any).items.length}`);
    const ids = (m.result as any).items.map((x: any) => x.id);
    expect(new Set(ids).size).toBe(3000);
    m = await measure(() => get(`/api/chat/${id}`).expect(200));
    note('compat GET chat', m, `n=${m.result.body.length}`);
  }, 600_000);

  it('switch, edit deep, regenerate, send', async () => {
    const id = String(big.chatId);
    const deepAnswer = big.active[11]!;
    let m = await measure(() =>
      ctx
        .request()
        .patch(`/api/chats/${id}`)
        .set(ctx.user.auth)
        .send({ activeLeafId: String(deepAnswer._id) })
        .expect(200),
    );
    note('switch', m);
    ctx.upstream.setDefault({ chunks: ['ok'] });
    m = await measure(() =>
      ctx
        .request()
        .post(`/api/chats/${id}/messages`)
        .set(ctx.user.auth)
        .send({ content: 'deep edit', parentId: String(big.active[899]!._id), stream: false })
        .expect(201),
    );
    note(
      'edit deep (parent at 899)',
      m,
      `history turns=${ctx.upstream.requests.at(-1)!.messages.length}`,
    );
    m = await measure(() =>
      ctx
        .request()
        .post(`/api/chats/${id}/messages/${String(big.active[999]!._id)}/regenerate`)
        .set(ctx.user.auth)
        .send({ stream: false })
        .expect(201),
    );
    note('regenerate leaf', m, `history turns=${ctx.upstream.requests.at(-1)!.messages.length}`);
    m = await measure(() =>
      ctx
        .request()
        .post(`/api/chats/${id}/messages`)
        .set(ctx.user.auth)
        .send({ content: 'plain', stream: false })
        .expect(201),
    );
    note('plain send', m);
    m = await measure(() =>
      ctx
        .request()
        .post(`/api/chats/${id}/messages`)
        .set(ctx.user.auth)
        .send({ content: 'plain 2', stream: false })
        .expect(201),
    );
    note('plain send 2', m);
    m = await measure(() => get(`/api/chats?limit=20`, other).expect(200));
    note('other user list', m);
    m = await measure(() =>
      ctx
        .request()
        .post(`/api/chats/${id}/fork`)
        .set(ctx.user.auth)
        .send({ messageId: String(big.active[999]!._id) }),
    );
    note('fork 1000 deep', m, `status=${m.result.status}`);
    m = await measure(() =>
      ctx
        .request()
        .delete(`/api/chats/${id}/messages/${String(big.active[1]!._id)}`)
        .set(ctx.user.auth),
    );
    note('delete branch at depth 1', m, `status=${m.result.status}`);
    m = await measure(() => ctx.request().delete(`/api/chats/${id}`).set(ctx.user.auth));
    note('delete big chat', m, `status=${m.result.status}`);
  }, 600_000);

  it('deletes the account', async () => {
    const m = await measure(() =>
      ctx.request().delete('/api/auth/me').set(ctx.user.auth).send({ password: ctx.user.password }),
    );
    note('delete account', m, `status=${m.result.status} ${JSON.stringify(m.result.body)}`);
    console.log(log.join('\n'));
  }, 600_000);
});
