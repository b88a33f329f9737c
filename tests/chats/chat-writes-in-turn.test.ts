import type { CommandStartedEvent } from 'mongodb';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { useChatApp } from '../helpers/chat-app.js';
import { monitoredClient } from '../helpers/commands.js';

const ctx = useChatApp({ DB_COMMAND_METRICS: 'true' });

/** Resolves true when the next findAndModify of a chat (a rename) goes out, false after `ms`. */
let renameWriteSeen: (() => void) | null = null;
beforeAll(() => {
  monitoredClient().on('commandStarted', (event: CommandStartedEvent) => {
    if (event.commandName === 'findAndModify' && event.command.findAndModify === 'chats')
      renameWriteSeen?.();
  });
});
const renameWriteGoesOut = (ms: number) =>
  new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    renameWriteSeen = () => {
      clearTimeout(timer);
      resolve(true);
    };
  });

type Update = Record<string, Record<string, unknown> | undefined>;

/**
 * Sends a message to the chat and, when the send's write picked by `isTarget` is about to go out,
 * renames the chat: the write waits until the rename's own write has gone out (or 300 ms, when
 * the rename waits for it instead), so the two reach the database at the same moment unless this
 * process keeps them apart.
 */
async function renameDuringWrite(chatId: string, title: string, isTarget: (u: Update) => boolean) {
  const write = Chat.collection.updateOne.bind(Chat.collection);
  let renamed: Promise<{ status: number }> | undefined;
  const spy = vi
    .spyOn(Chat.collection, 'updateOne')
    .mockImplementation(async (...args: Parameters<typeof write>) => {
      if (!renamed && isTarget(args[1] as Update)) {
        const goesOut = renameWriteGoesOut(300);
        renamed = ctx
          .request()
          .patch(`/api/chats/${chatId}`)
          .set(ctx.user.auth)
          .send({ title })
          .then((res) => res);
        await goesOut;
      }
      return write(...args);
    });
  try {
    ctx.upstream.script({ chunks: ['ok'] });
    const sent = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(ctx.user.auth)
      .send({ content: title });
    expect(sent.status).toBe(201);
    expect(renamed, 'the rename was made during the write').toBeDefined();
    expect((await renamed!).status).toBe(200);
  } finally {
    spy.mockRestore();
  }
}

describe("a rename at the same moment as a send's write of the chat", () => {
  it.each([
    ['the send stores its question', (u: Update) => u.$set?.lastMessageAt !== undefined],
    [
      'the reply settles the kept turns',
      (u: Update) => (u.$set?.context as { pending?: boolean } | undefined)?.pending === false,
    ],
  ])('when %s, then the rename and the write both land, every time', async (_, isTarget) => {
    const user = ctx.user;
    const created = await ctx.request().post('/api/chats').set(user.auth).send({});
    const chatId = created.body.id as string;
    for (let round = 1; round <= 4; round += 1) {
      const before = (await Chat.findById(chatId).lean())!;
      const title = `Renamed ${round}`;
      await renameDuringWrite(chatId, title, isTarget);
      const chat = (await Chat.findById(chatId).lean())!;
      // The rename stays…
      expect(chat.title, `round ${round}`).toBe(title);
      // …and so does the send's write: the chat moved up the list and keeps this exchange's
      // turns, settled with the reply's text.
      expect(chat.lastMessageAt.getTime(), `round ${round}`).toBeGreaterThan(
        before.lastMessageAt.getTime(),
      );
      expect(chat.context?.pending, `round ${round}`).toBe(false);
      expect(chat.context?.turns.slice(-2), `round ${round}`).toEqual([
        { role: 'user', content: title },
        { role: 'assistant', content: 'ok' },
      ]);
    }
  });
});
