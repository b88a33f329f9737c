import { readFileSync } from 'node:fs';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import mongoose from '../../src/lib/db/mongoose.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';
import { blockedOnClient } from '../helpers/sse.js';

const IDLE_TIMEOUT_MS = 300;
const SEND_TIMEOUT_MS = 2000;
const ctx = useChatApp({
  MAX_CONCURRENT_STREAMS: '1',
  UPSTREAM_IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS),
  SEND_TIMEOUT_MS: String(SEND_TIMEOUT_MS),
  // Replies of several megabytes, more than the sockets between the server and the client hold.
  MAX_REPLY_CHARS: '16000000',
  // Pages of such replies, the question with its answer, whole: larger than the sockets hold.
  PAGE_BYTES_MAX: '64mb',
});

/** What a loopback connection whose reader has stopped can hold at most, from the kernel's limits. */
function socketAbsorbs(): number {
  const max = (file: string, field: number, fallback: number) => {
    try {
      return Number(readFileSync(`/proc/sys/net/ipv4/${file}`, 'utf8').trim().split(/\s+/)[field]);
    } catch {
      return fallback; // not Linux
    }
  };
  return max('tcp_wmem', 2, 4 << 20) + max('tcp_rmem', 1, 128 << 10);
}

/** Waits until the server has been blocked on this reply's client for `ms`; says how the reply ended if it never was. */
async function blockedFor(reply: ReturnType<typeof startReply>, ms: number) {
  try {
    await blockedOnClient(ctx.server.lastServed('POST', '/api/chats'), ms);
  } catch (error) {
    reply.resume();
    await reply.ended;
    const last = JSON.stringify(reply.events.at(-1)).slice(0, 300);
    throw new Error(`${(error as Error).message}; the reply's last event: ${last}`, {
      cause: error,
    });
  }
}

const startReply = () =>
  ctx.stream('/api/chats', { message: 'a long answer please', stream: true });
const leasesOf = (chatId: string) =>
  mongoose.connection
    .collection('generations')
    .countDocuments({ chatId: new mongoose.Types.ObjectId(chatId) });

describe('a slow reader', () => {
  it('when the client stops reading for longer than the upstream idle timeout, then the reply waits for it instead of timing out, and completes', async () => {
    // Twice what a fresh connection can absorb once its reader stops after the first event: the
    // kernel's largest send buffer plus the receive buffer it starts with (the receive window only
    // grows while the client reads). So the server must wait for the client; blockedOnClient
    // proves it did.
    const chunk = 'x'.repeat(4096);
    const chunks = Array.from(
      { length: Math.ceil((2 * socketAbsorbs()) / chunk.length) },
      () => chunk,
    );
    ctx.upstream.script({ chunks });
    const reply = startReply();
    await reply.waitForEvent('meta');
    reply.pause();
    // Stalled on the client for three idle timeouts: an idle timer that counted this wait as a
    // silent model would have cut the reply by now. And past the send timeout, which bounds only
    // what an ended answer leaves unsent, never a stream while it streams.
    await blockedFor(reply, Math.max(IDLE_TIMEOUT_MS * 3, SEND_TIMEOUT_MS + 500));
    // What waits in this process for the client is one socket buffer and the event that filled
    // it, not the reply's backlog (Node 24's default buffer alone would be 64 KiB).
    const served = ctx.server.lastServed('POST', '/api/chats').res;
    expect(served.socket!.writableHighWaterMark).toBe(16 * 1024);
    expect(served.socket!.writableLength).toBeLessThanOrEqual(16 * 1024 + 2 * chunk.length);
    reply.resume();
    await reply.ended;

    const done = reply.events.at(-1)!;
    expect(done.event).toBe('done');
    expect(done.data.message.status).toBe('complete');
    expect(reply.events.filter((e) => e.event === 'delta')).toHaveLength(chunks.length);
    const [request] = ctx.upstream.requests;
    await request!.finished;
    expect(request!.aborted).toBe(false);
    const stored = await Message.findOne({ _id: done.data.message.id }).lean();
    expect(stored?.status).toBe('complete');
    expect(stored?.content.length).toBe(chunk.length * chunks.length);
  }, 30_000);

  it('when the client keeps the connection open but never reads again, then a stop still ends the reply at once and frees its slot', async () => {
    // A reply that never ends by itself: only the stop can end it, whatever the sockets absorb.
    ctx.upstream.script({ chunks: ['y'.repeat(4096)], endless: true });
    const reply = startReply();
    await reply.waitForEvent('meta');
    reply.pause(); // and never read again
    const chatId = reply.events[0]!.data.chat.id as string;
    // The server reports the reply waiting for 'drain' (the client's socket is full) before the stop.
    await blockedFor(reply, IDLE_TIMEOUT_MS * 3);

    const stopped = await ctx.request().post(`/api/chats/${chatId}/stop`).set(ctx.user.auth);
    expect(stopped.status).toBe(202);
    expect(stopped.body).toEqual({ stopping: true });
    // Without the stop ending the wait for 'drain', the reply would hang until the 30 s stall
    // timeout; 10 s leaves room for storing megabytes on a loaded machine.
    const stored = await eventually(
      () => Message.findOne({ chatId, role: 'assistant' }).lean(),
      // The assistant message is stored when the reply starts: wait for its final status.
      (m) => m !== null && m.status !== 'streaming',
      10_000,
    );
    expect(stored?.status).toBe('incomplete');
    expect(stored!.content.length).toBeGreaterThan(0);
    const request = ctx.upstream.requests.at(-1)!;
    await request.finished;
    expect(request.aborted).toBe(true);
    // The slot is free: with one stream allowed, the next reply starts.
    expect(
      await eventually(
        () => leasesOf(chatId),
        (n) => n === 0,
        10_000,
      ),
    ).toBe(0);
    ctx.upstream.script({ chunks: ['next'] });
    const next = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(ctx.user.auth)
      .send({ content: 'and now?', stream: false });
    expect(next.status).toBe(201);
    expect(next.body.messages[1]).toMatchObject({ status: 'complete', content: 'next' });
    reply.close();
  }, 30_000);
});

/** A chat whose one reply is `times` what a connection whose reader has stopped can absorb. */
async function chatWithALongReply(times: number) {
  const chunk = 'z'.repeat(4096);
  const chunks = Array.from(
    { length: Math.ceil((times * socketAbsorbs()) / chunk.length) },
    () => chunk,
  );
  ctx.upstream.script({ chunks });
  const res = await ctx
    .request()
    .post('/api/chats')
    .set(ctx.user.auth)
    .send({ message: 'write a lot', stream: false });
  expect(res.status).toBe(201);
  return { chatId: res.body.chat.id as string, replyChars: chunk.length * chunks.length };
}

/** A GET on a connection of its own whose client reads nothing, until `read` is called. */
function getOnRawConnection(path: string) {
  const socket = net.connect(ctx.server.port, '127.0.0.1', () =>
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${ctx.user.accessToken}\r\n\r\n`,
    ),
  );
  socket.pause();
  socket.on('error', () => undefined);
  return socket;
}

describe('a JSON answer its client does not read', () => {
  it('when clients keep their connections open but never read a page of messages larger than their sockets hold, then each connection is closed after SEND_TIMEOUT_MS and the process holds none of the page', async () => {
    const { chatId } = await chatWithALongReply(2);
    const path = `/api/chats/${chatId}/messages?limit=100`;
    const before = ctx.server.served.length;
    const sockets = Array.from({ length: 4 }, () => getOnRawConnection(path));
    // What each answer left in the process once written, seen as soon as it ended: on a loaded
    // machine the last is written more than a timeout after the first, which may be cut already.
    const heldOnceEnded = new Map<unknown, number>();
    try {
      const served = await eventually(
        () => {
          const answers = ctx.server.served.slice(before);
          for (const { res } of answers)
            if (res.writableEnded && !heldOnceEnded.has(res))
              heldOnceEnded.set(res, res.socket?.writableLength ?? 0);
          return Promise.resolve(answers);
        },
        (s) => s.length === sockets.length && s.every(({ res }) => res.writableEnded),
        30_000,
      );
      expect(served.map(({ res }) => res.statusCode)).toEqual([200, 200, 200, 200]);
      // Each answer is written, and what the kernel could not take waits in the process.
      for (const { res } of served) expect(heldOnceEnded.get(res)).toBeGreaterThan(0);
      // The cut comes between one and two timeouts after the answer ended (the client's progress
      // is looked at once per timeout); 10 s more leaves room for a loaded machine.
      const after = await eventually(
        () => Promise.resolve(served.map(({ res }) => res.socket?.writableLength ?? 0)),
        (held) => held.every((bytes) => bytes === 0),
        2 * SEND_TIMEOUT_MS + 10_000,
      );
      expect(after).toEqual([0, 0, 0, 0]);
      expect(served.every(({ res }) => res.destroyed)).toBe(true);
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  }, 60_000);

  it('when a client reads a large page slowly but steadily, for longer than SEND_TIMEOUT_MS, then it is not cut and gets the whole page', async () => {
    const { chatId, replyChars } = await chatWithALongReply(3);
    const before = ctx.server.served.length;
    const socket = getOnRawConnection(`/api/chats/${chatId}/messages?limit=100`);
    // 2.5 MB/s, in the pieces the socket hands over: the kernel takes more of the answer each time
    // the client has read about a third of its send buffer (at most 4 MiB here), so the process
    // sees progress about every half second, well inside the timeout; and the part of the answer
    // the kernel could not take at once (two thirds of it) takes the client longer than the
    // timeout to read.
    const BYTES_PER_SECOND = 2_500_000;
    let endedAt = 0;
    let finishedAt = 0;
    const pieces: Buffer[] = [];
    let bytes = 0;
    let bodyStart = -1;
    let bodyLength = 0;
    const received = new Promise<string>((resolve, reject) => {
      socket.on('data', (piece: Buffer) => {
        if (pieces.length === 0) {
          // The answer is written in one piece when it ends: its first bytes come after that.
          endedAt = Date.now();
          const { res } = ctx.server.served[before]!;
          if (!res.writableFinished) res.once('finish', () => (finishedAt = Date.now()));
        }
        pieces.push(piece);
        bytes += piece.length;
        socket.pause();
        setTimeout(() => socket.resume(), (piece.length / BYTES_PER_SECOND) * 1000);
        if (bodyStart < 0) {
          const head = Buffer.concat(pieces).toString('latin1');
          const end = head.indexOf('\r\n\r\n');
          if (end < 0) return;
          bodyStart = end + 4;
          bodyLength = Number(/content-length: (\d+)/i.exec(head.slice(0, end))?.[1]);
        }
        if (bytes - bodyStart >= bodyLength)
          resolve(Buffer.concat(pieces).subarray(bodyStart).toString('utf8'));
      });
      socket.on('close', () => reject(new Error('the connection was closed mid-answer')));
    });
    socket.resume();
    try {
      const body = JSON.parse(await received) as { content: string }[];
      // The process held part of the answer for longer than the timeout while the client read.
      expect(finishedAt - endedAt).toBeGreaterThan(SEND_TIMEOUT_MS);
      expect(body).toHaveLength(2);
      expect(body[1]!.content).toHaveLength(replyChars);
    } finally {
      socket.destroy();
    }
  }, 60_000);
});
