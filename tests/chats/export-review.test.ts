import http from 'node:http';
import contentDisposition from 'content-disposition';
import { afterAll, describe, expect, it } from 'vitest';
import { Message } from '../../src/modules/chats/message.model.js';
import { insertBigChat } from '../helpers/big-chat.js';
import { useChatApp } from '../helpers/chat-app.js';
import { blockedOnClient } from '../helpers/sse.js';

/** Review repros for GET /api/chats/:id/export (exportrev). */
const ctx = useChatApp({
  PAGE_SIZE_MAX: '4',
  RATE_LIMITS_ENABLED: 'false',
  TITLES: 'off',
  MAX_STORED_BYTES_PER_USER: '200000000',
  SEND_TIMEOUT_MS: '1000',
});

interface Download {
  status: number;
  body: Buffer;
  /** The response ended normally ('end'), rather than being cut ('aborted'/'error'). */
  complete: boolean;
}

/**
 * GETs `path` and reads it slowly but without stopping: `chunk` bytes every `everyMs`. Optionally
 * stops reading at first until the server is blocked, then calls `whileBlocked`.
 */
function slowGet(
  path: string,
  opts: { chunk: number; everyMs: number; whileBlocked?: () => Promise<void> },
): Promise<Download> {
  return new Promise((resolve, reject) => {
    const req = http.get({
      host: '127.0.0.1',
      port: ctx.server.port,
      path,
      headers: { authorization: `Bearer ${ctx.user.accessToken}` },
      agent: false,
    });
    req.on('error', () => undefined);
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      let settled = false;
      const finish = (complete: boolean) => {
        if (settled) return;
        settled = true;
        clearInterval(timer);
        resolve({ status: res.statusCode!, body: Buffer.concat(parts), complete });
      };
      res.on('end', () => finish(true));
      res.on('aborted', () => finish(false));
      res.on('error', () => finish(false));
      res.on('close', () => finish(res.complete));
      res.pause();
      let timer: NodeJS.Timeout;
      const pump = () => {
        timer = setInterval(() => {
          let got = 0;
          for (let c: Buffer | null; got < opts.chunk && (c = res.read() as Buffer | null);) {
            parts.push(c);
            got += c.length;
          }
        }, opts.everyMs);
      };
      if (opts.whileBlocked) {
        const served = ctx.server.lastServed('GET', path);
        blockedOnClient(served, 100).then(opts.whileBlocked).then(pump, reject);
      } else pump();
    });
  });
}

describe('a client that reads slowly but never stops', () => {
  // 8 replies of 1,000,000 characters (MAX_REPLY_CHARS' default): a part of the export is one
  // reply, 1 MB, more than a slow client takes in SEND_TIMEOUT_MS (1 s here, 30 s by default).
  let chatId: string;
  afterAll(async () => {
    await Message.collection.deleteMany({});
  });

  it('when the client takes some of the export every 50 ms, then it gets the whole file (it never took nothing for SEND_TIMEOUT_MS)', async () => {
    const big = await insertBigChat(ctx.user.id, {
      depth: 16,
      edits: 0,
      regens: 0,
      content: (i, role) => (role === 'assistant' ? `${i} `.padEnd(1_000_000, 'x') : `q${i}`),
    });
    chatId = String(big.chatId);
    // 32 kB every 50 ms: 640 kB/s, a client that takes something 20 times a second.
    const got = await slowGet(`/api/chats/${chatId}/export`, { chunk: 32_768, everyMs: 50 });
    expect(got.status).toBe(200);
    expect(got.complete).toBe(true);
    const parsed = JSON.parse(got.body.toString('utf8')) as { messages: unknown[] };
    expect(parsed.messages).toHaveLength(16);
  }, 120_000);
});

describe('a chat deleted while it is exported', () => {
  afterAll(async () => {
    await Message.collection.deleteMany({});
  });

  for (const format of ['json', 'markdown'] as const) {
    it(`when the chat is deleted mid-export (${format}), then the download either holds every message or is cut, never a shorter file that ends cleanly`, async () => {
      const big = await insertBigChat(ctx.user.id, {
        depth: 40,
        edits: 0,
        regens: 0,
        content: (i, role) => (role === 'assistant' ? `${i} `.padEnd(400_000, 'x') : `q${i}`),
      });
      const chatId = String(big.chatId);
      const got = await slowGet(`/api/chats/${chatId}/export?format=${format}`, {
        chunk: 1 << 30,
        everyMs: 5,
        whileBlocked: async () => {
          await ctx.request().delete(`/api/chats/${chatId}`).set(ctx.user.auth).expect(204);
        },
      });
      expect(got.status).toBe(200);
      const text = got.body.toString('utf8');
      const turns =
        format === 'json'
          ? got.complete
            ? (JSON.parse(text) as { messages: unknown[] }).messages.length
            : -1
          : (text.match(/^## (User|Assistant)$/gm) ?? []).length;
      // A download that ended cleanly must be the whole chat.
      if (got.complete) expect(turns).toBe(40);
    }, 60_000);
  }
});

describe('the file name of a title in fullwidth forms', () => {
  const dispositionFor = async (title: string) => {
    const chatId = (
      await ctx.request().post('/api/chats').set(ctx.user.auth).send({ title }).expect(201)
    ).body.id as string;
    const res = await ctx
      .request()
      .get(`/api/chats/${chatId}/export`)
      .set(ctx.user.auth)
      .expect(200);
    return res.headers['content-disposition'] as string;
  };

  it('when the title holds fullwidth quote, backslash, slash and colon (U+FF02, U+FF3C, U+FF0F, U+FF1A), then the ASCII filename carries none of them', async () => {
    for (const title of [
      'Report＂; filename＝＂evil.exe',
      'a＼b',
      '..／..／etc／passwd',
      'C：＼x',
    ]) {
      const header = await dispositionFor(title);
      // The plain filename, as a client that reads only it (curl -OJ) sees it.
      const plain = contentDisposition.parse(header.replace(/; filename\*=.*$/, '')).parameters
        .filename!;
      expect(header).toMatch(/^attachment; filename="[^"\\]*"; filename\*=UTF-8''[^;"\s]+$/);
      expect(plain).not.toMatch(/["\\/:]/);
    }
  });
});
