import { describe, expect, it } from 'vitest';
import { useChatApp } from '../helpers/chat-app.js';
import { openSse, finalsOf } from '../helpers/sse.js';
import { eventually } from '../helpers/eventually.js';
import { createUser } from '../helpers/users.js';

const ctx = useChatApp({ ACCESS_TOKEN_TTL_SECONDS: '10', DETACH_GRACE_SECONDS: '30' });

describe('a reply that outlives its access token', () => {
  it('when the access token expires while its reply streams, then the stream goes on; resume, stop and send with the expired token get 401 with WWW-Authenticate; a refreshed token resumes', async () => {
    const u = await createUser({ label: 'clock-ttl' });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    ctx.upstream.setDefault({ chunks: ['Hel', 'lo'], holdUntil: held, afterHold: [' world'] });
    const chat = await ctx.request().post('/api/chats').set(u.auth).send({});
    const s = ctx.stream(`/api/chats/${chat.body.id}/messages`, { content: 'hi', stream: true }, u);
    const meta = await eventually(
      () => Promise.resolve(s.events.find((e) => e.event === 'meta')),
      (e) => e !== undefined,
    );
    const replyId = (meta!.data as { assistantMessage: { id: string } }).assistantMessage.id;
    await new Promise((r) => setTimeout(r, 11_500));
    const resumed = await ctx
      .request()
      .get(`/api/chats/${chat.body.id}/messages/${replyId}/stream`)
      .set(u.auth);
    expect(resumed.status).toBe(401);
    expect(resumed.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(resumed.body.error.code).toBe('UNAUTHENTICATED');
    const stop = await ctx.request().post(`/api/chats/${chat.body.id}/stop`).set(u.auth);
    expect(stop.status).toBe(401);
    const refreshed = await ctx
      .request()
      .post('/api/auth/refresh')
      .set('Cookie', `refresh_token=${u.refreshToken}`);
    expect(refreshed.status).toBe(200);
    const r2 = openSse(ctx.server.port, {
      path: `/api/chats/${chat.body.id}/messages/${replyId}/stream`,
      token: refreshed.body.accessToken,
    });
    release();
    await eventually(
      () => Promise.resolve(finalsOf(s).length + finalsOf(r2).length),
      (n) => n >= 2,
      10_000,
    );
    expect(finalsOf(s)[0]!.event).toBe('done');
    expect(finalsOf(r2)[0]!.event).toBe('done');
    expect((finalsOf(s)[0]!.data as { message: { content: string } }).message.content).toBe(
      'Hello world',
    );
  }, 40_000);
});
