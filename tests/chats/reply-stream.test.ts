import { describe, expect, it } from 'vitest';
import { ReplyStream } from '../../src/modules/chats/reply-stream.js';

/** Everything a reader at `offset` would send, one piece per chunkAfter (an event each). */
function replayFrom(reply: ReplyStream, offset: number): string[] {
  const pieces: string[] = [];
  for (let at = offset, next = reply.chunkAfter(at); next; next = reply.chunkAfter(at)) {
    pieces.push(next.text);
    at = next.end;
  }
  return pieces;
}

function replyOf(chunks: string[]): ReplyStream {
  const reply = new ReplyStream('r1');
  for (const chunk of chunks) void reply.push(chunk);
  return reply;
}

const tokens = (n: number) => Array.from({ length: n }, (_, i) => `tok${i} `);

describe('a long reply held in memory', () => {
  it('when it has hundreds of short chunks, then its text and every offset replay exactly, the newest chunk by chunk', () => {
    const chunks = tokens(1000);
    const whole = chunks.join('');
    const reply = replyOf(chunks);
    expect(reply.text()).toBe(whole);
    expect(reply.length).toBe(whole.length);
    // From every chunk boundary (every cursor a client was sent), the rest of the text exactly.
    let boundary = 0;
    for (const chunk of chunks) {
      expect(replayFrom(reply, boundary).join('')).toBe(whole.slice(boundary));
      boundary += chunk.length;
    }
    // And from inside a chunk (a cursor of another instance's stored text).
    expect(replayFrom(reply, 7).join('')).toBe(whole.slice(7));
    // A reader up to 64 chunks behind still gets one piece per chunk.
    const start = whole.length - chunks.slice(-64).join('').length;
    expect(replayFrom(reply, start)).toEqual(chunks.slice(-64));
    // One far behind replays the older text in fewer, larger pieces.
    expect(replayFrom(reply, 0).length).toBeLessThan(chunks.length / 4);
  });

  it('when a reader keeps up, then it is told of every chunk as its own piece', () => {
    const reply = new ReplyStream('r2');
    const chunks = tokens(600);
    const seen: string[] = [];
    let at = 0;
    reply.follow(() => {
      for (let next = reply.chunkAfter(at); next; next = reply.chunkAfter(at)) {
        seen.push(next.text);
        at = next.end;
      }
    });
    for (const chunk of chunks) void reply.push(chunk);
    expect(seen).toEqual(chunks);
  });

  it('when its long chunks hold characters past Latin-1, then they stay apart; long Latin-1 ones are joined', () => {
    const wide = Array.from({ length: 300 }, (_, i) => `${'x'.repeat(60)} — ${i}`);
    const narrow = Array.from({ length: 300 }, (_, i) => `${'x'.repeat(60)} - ${i}`);
    const wideReply = replyOf(wide);
    const narrowReply = replyOf(narrow);
    expect(replayFrom(wideReply, 0)).toEqual(wide);
    expect(wideReply.text()).toBe(wide.join(''));
    const narrowPieces = replayFrom(narrowReply, 0);
    expect(narrowPieces.join('')).toBe(narrow.join(''));
    expect(narrowPieces.length).toBeLessThan(narrow.length / 2);
  });
});
