import http from 'node:http';
import contentDisposition from 'content-disposition';
import { afterAll, describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { insertBigChat } from '../helpers/big-chat.js';
import { useChatApp } from '../helpers/chat-app.js';
import { blockedOnClient, textParser } from '../helpers/sse.js';

/** The export at its edges: slow clients, a chat deleted meanwhile, hostile titles, code blocks cut off, CORS. */
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

/**
 * Whether each line of `doc` is inside a fenced code block, by CommonMark's rule (0.31, 4.5): a
 * fence is 3+ backticks or tildes after at most 3 spaces; it closes with the same character, at
 * least as many, and nothing else on the line; an unclosed one runs to the end of the document.
 */
function linesInCode(doc: string): boolean[] {
  let open: { char: string; len: number } | null = null;
  return doc.split('\n').map((line) => {
    const m = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (open) {
      if (m && m[1]![0] === open.char && m[1]!.length >= open.len && m[2]!.trim() === '') {
        open = null;
      }
      return true;
    }
    if (m && !(m[1]![0] === '`' && m[2]!.includes('`'))) {
      open = { char: m[1]![0]!, len: m[1]!.length };
      return true;
    }
    return false;
  });
}

describe('Markdown of a reply cut off inside a code block', () => {
  it('when a reply was stopped inside a code block, then its note and the turns after it are not swallowed into the code block', async () => {
    const chatId = (
      await ctx.request().post('/api/chats').set(ctx.user.auth).send({ title: 'Code' }).expect(201)
    ).body.id as string;
    ctx.upstream.setDefault({ chunks: ['fine'] });
    const first = (
      await ctx
        .request()
        .post(`/api/chats/${chatId}/messages`)
        .set(ctx.user.auth)
        .send({ content: 'write code', stream: false })
        .expect(201)
    ).body.messages as { id: string }[];
    await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(ctx.user.auth)
      .send({ content: 'and now?', stream: false })
      .expect(201);
    // As a stop leaves a reply cut off mid-block (stored as the checkpoint had it).
    await Message.collection.updateOne(
      { _id: new Types.ObjectId(first[1]!.id) },
      { $set: { content: '```python\nprint(1', status: 'incomplete', stopReason: 'stop' } },
    );
    const res = await ctx
      .request()
      .get(`/api/chats/${chatId}/export?format=markdown`)
      .set(ctx.user.auth)
      .buffer(true)
      .parse(textParser)
      .expect(200);
    const doc = res.body as string;
    const lines = doc.split('\n');
    const inCode = linesInCode(doc);
    const outside = (text: string) => lines.some((l, i) => l === text && !inCode[i]);
    expect(outside('> _This reply was cut off before it finished (it was stopped)._')).toBe(true);
    expect(lines.filter((l, i) => l === '## User' && !inCode[i])).toHaveLength(2);
  });
});

describe('the file name, read by browser code on an allowed origin', () => {
  it('when an SPA on a CORS_ORIGINS origin fetches the export, then it may read Content-Disposition (the file name the server chose)', async () => {
    const chatId = (
      await ctx.request().post('/api/chats').set(ctx.user.auth).send({ title: 'Café' }).expect(201)
    ).body.id as string;
    const res = await ctx
      .request()
      .get(`/api/chats/${chatId}/export`)
      .set(ctx.user.auth)
      .set('Origin', 'http://localhost:5173')
      .expect(200);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    // Without it in Access-Control-Expose-Headers, fetch's headers.get('Content-Disposition') is null.
    const exposed = String(res.headers['access-control-expose-headers'] ?? '')
      .toLowerCase()
      .split(/\s*,\s*/);
    expect(exposed).toContain('content-disposition');
  });
});

describe('unusual text in a JSON export (checked: no defect)', () => {
  it('when replies hold U+2028/2029, NUL, and emoji across the 64K part boundary, then the file parses and every text is as stored', async () => {
    const odd = 'a\u2028b\u2029c\u0000d "q" \\ </script>';
    const big = await insertBigChat(ctx.user.id, {
      depth: 8,
      edits: 0,
      regens: 0,
      // 65,535 units then emoji: the first part ends inside or right after a surrogate pair.
      content: (i, role) =>
        role === 'assistant' ? `${'x'.repeat(65_535 - i)}${'😀'.repeat(20)}${odd}` : odd,
    });
    const res = await ctx
      .request()
      .get(`/api/chats/${String(big.chatId)}/export`)
      .set(ctx.user.auth)
      .buffer(true)
      .parse(textParser)
      .expect(200);
    const parsed = JSON.parse(res.body as string) as { messages: { content: string }[] };
    expect(parsed.messages.map((m) => m.content)).toEqual(big.active.map((m) => m.content));
  });
});
