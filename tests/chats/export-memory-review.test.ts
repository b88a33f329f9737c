import http from 'node:http';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { Message } from '../../src/modules/chats/message.model.js';
import { insertBigChat } from '../helpers/big-chat.js';
import { useChatApp } from '../helpers/chat-app.js';
import { blockedOnClient } from '../helpers/sse.js';

/**
 * Review repro (exportrev): what concurrent exports of one user hold in the server's memory while
 * their clients do not read. Default PAGE_SIZE_MAX (100) and PAGE_BYTES_MAX (1 MB).
 */
const ctx = useChatApp({
  RATE_LIMITS_ENABLED: 'false',
  TITLES: 'off',
  // The default per-user storage cap (50 MB) holds this chat.
  SEND_TIMEOUT_MS: '60000',
});

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const used = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external + m.arrayBuffers;
};

const N = 6;

describe('concurrent exports held by clients that do not read', () => {
  afterAll(async () => {
    await Message.collection.deleteMany({});
  });

  for (const format of ['markdown', 'json'] as const) {
    it(`when ${N} ${format} exports of a 40 MB chat wait on their clients, then the server holds a bounded part of the chat for each, not the chat`, async () => {
      // 40 turns: 20 replies of 2,000,000 characters: 40 MB, within MAX_STORED_BYTES_PER_USER.
      const big = await insertBigChat(ctx.user.id, {
        depth: 40,
        edits: 0,
        regens: 0,
        content: (i, role) => (role === 'assistant' ? `${i} `.padEnd(900_000, 'x') : `q${i}`),
      });
      const path = `/api/chats/${String(big.chatId)}/export?format=${format}`;
      const before = used();
      const reqs: http.ClientRequest[] = [];
      for (let i = 0; i < N; i += 1) {
        const req = http.get({
          host: '127.0.0.1',
          port: ctx.server.port,
          path,
          headers: { authorization: `Bearer ${ctx.user.accessToken}` },
          agent: false,
        });
        req.on('error', () => undefined);
        reqs.push(req);
        const res = await new Promise<http.IncomingMessage>((r) => req.on('response', r));
        res.pause();
        await blockedOnClient(ctx.server.lastServed('GET', path), 200, 30_000);
      }
      const held = used() - before;
      console.log(`${format}: ${N} blocked exports hold ${(held / 1e6).toFixed(1)} MB`);
      for (const req of reqs) req.destroy();
      await Message.collection.deleteMany({ chatId: big.chatId });
      // A bound per export of a few parts and a page's worth of text (PAGE_BYTES_MAX, 1 MB),
      // not the chat (18 MB of text read at once).
      expect(held / N).toBeLessThan(8e6);
    }, 120_000);
  }
});
