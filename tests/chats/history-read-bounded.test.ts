import type { CommandSucceededEvent } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { monitoredClient } from '../helpers/commands.js';
import { useChatApp } from '../helpers/chat-app.js';
import { insertBigChat, type BigChat } from '../helpers/big-chat.js';

/**
 * An edit, a regenerate or a continue reads the branch's history from the tree. The model is
 * given at most HISTORY_TOKEN_BUDGET tokens of it (8000: a few tens of kB), and a message of N
 * bytes costs at least N/8 tokens as approxTokens counts, so nothing older than the newest
 * 8 × budget bytes (plus one message) can ever be sent. The read should stop there; it reads the
 * text of up to budget/5 = 1600 messages instead, up to everything the user stores.
 */
const ctx = useChatApp({
  DB_COMMAND_METRICS: 'true',
  RATE_LIMITS_ENABLED: 'false',
  TITLES: 'off',
  MAX_STORED_BYTES_PER_USER: '100000000',
});

const REPLY = 'lorem ipsum '.repeat(25_000); // 300,000 bytes, ~75,000 tokens: over any budget
let big: BigChat;
beforeAll(async () => {
  big = await insertBigChat(ctx.user.id, {
    depth: 40,
    edits: 0,
    regens: 0,
    content: (i, role) => (role === 'assistant' ? REPLY : `question ${i}`),
  });
}, 120_000);

/** The message text the app read from the database while `run` ran, in bytes. */
async function textRead(run: () => Promise<unknown>): Promise<number> {
  let bytes = 0;
  const client = monitoredClient();
  const onReply = (e: CommandSucceededEvent) => {
    const cursor = (e.reply as { cursor?: { firstBatch?: unknown[]; nextBatch?: unknown[] } })
      .cursor;
    for (const doc of [...(cursor?.firstBatch ?? []), ...(cursor?.nextBatch ?? [])])
      bytes += Buffer.byteLength((doc as { content?: string }).content ?? '');
  };
  client.on('commandSucceeded', onReply);
  try {
    await run();
  } finally {
    client.off('commandSucceeded', onReply);
  }
  return bytes;
}

describe('the history an edit or a regenerate reads', () => {
  it('when the branch holds megabytes of replies, then a regenerate reads about what the budget can use, not the whole branch', async () => {
    ctx.upstream.setDefault({ chunks: ['ok'] });
    const leafAnswer = big.active.at(-1)!;
    const read = await textRead(() =>
      ctx
        .request()
        .post(`/api/chats/${String(big.chatId)}/messages/${String(leafAnswer._id)}/regenerate`)
        .set(ctx.user.auth)
        .send({ stream: false })
        .expect(201),
    );
    // The model was given the question alone: every reply is over the budget.
    expect(ctx.upstream.requests.at(-1)!.messages).toHaveLength(1);
    // 8 × 8000 bytes, plus the one reply that straddles the bound.
    expect(read).toBeLessThan(8 * 8000 + REPLY.length + 1000);
  });

  it('when a question is edited deep in that branch, then the read is bounded the same way', async () => {
    ctx.upstream.setDefault({ chunks: ['ok'] });
    const parent = big.active[37]!; // an answer near the end
    const read = await textRead(() =>
      ctx
        .request()
        .post(`/api/chats/${String(big.chatId)}/messages`)
        .set(ctx.user.auth)
        .send({ content: 'edited', parentId: String(parent._id), stream: false })
        .expect(201),
    );
    // The parent answer, and the one reply that straddles the bound.
    expect(read).toBeLessThan(8 * 8000 + 2 * REPLY.length + 1000);
  });
});
