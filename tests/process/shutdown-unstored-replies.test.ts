import { describe, expect, it, vi } from 'vitest';
import { logger } from '../../src/lib/logger.js';
import { gracefulShutdown } from '../../src/lib/shutdown.js';
import { generations } from '../../src/modules/chats/index.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useChatApp } from '../helpers/chat-app.js';

// Shutdown leaves this process draining for good: the system tier gives this file a process.
const ctx = useChatApp({});

describe('shutdown when a reply cannot be stored', () => {
  it('when the final write of a cut reply is still unanswered near the end of the grace period, then its stream ends with an error event SERVICE_UNAVAILABLE and its text, before the connection closes, within the grace period', async () => {
    ctx.upstream.setDefault({ chunks: ['w '], endless: true, delayMs: 10 });
    const chatId = (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body
      .id as string;
    const s = ctx.stream(`/api/chats/${chatId}/messages`, { content: 'hello', stream: true });
    await s.waitFor(() => s.deltas().length >= 2);
    // The reply's final write never answers (a database that froze).
    const hung = vi
      .spyOn(Message.collection, 'updateOne')
      .mockImplementation(() => new Promise(() => undefined));
    try {
      const graceMs = 1500;
      const started = Date.now();
      await gracefulShutdown({
        server: ctx.server.http,
        work: generations,
        graceMs,
        log: logger,
        closeDatabase: () => Promise.resolve(),
      });
      expect(Date.now() - started).toBeLessThan(graceMs + 500);
      await s.ended;
      const last = s.events.at(-1)!;
      expect(last.event).toBe('error');
      expect(last.data).toMatchObject({
        error: { code: 'SERVICE_UNAVAILABLE' },
        message: { role: 'assistant', status: 'incomplete' },
      });
      expect((last.data as { message: { content: string } }).message.content).toBe(s.text());
      expect(s.events.filter((e) => e.event === 'done' || e.event === 'error')).toHaveLength(1);
    } finally {
      hung.mockRestore();
    }
  });
});
