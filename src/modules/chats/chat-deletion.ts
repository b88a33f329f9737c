import { retryInBackground } from '../../lib/background-retry.js';
import { isDuplicateKey } from '../../lib/db/duplicate-key.js';
import { isDatabaseDown } from '../../lib/http/error-handler.js';
import type { ObjectIdString } from '../../lib/http/ids.js';
import { logger } from '../../lib/logger.js';
import { runPeriodically, type PeriodicJob } from '../../lib/periodic.js';
import { forgetChatUsage } from '../usage/index.js';
import { Chat } from './chat.model.js';
import { ChatDeletion, type ChatDeletionDoc } from './chat-deletion.model.js';
import { forgetDeletedChat } from './chat-hooks.js';
import { forgetKnownRoom, releaseChatSlot } from './chats.quota.js';
import { checkChatWriteRate, endReplies, findOwnedChat } from './chats.service.js';
import { IdempotencyKey } from './idempotency.model.js';
import { deleteMessages } from './message-removal.js';
import { ReplyReader } from './reply-reader.model.js';

type Deletion = Pick<ChatDeletionDoc, '_id' | 'userId'>;

/** How often the request's instance tries again a deletion it could not finish, and how long. */
const RETRY_MS = 1000;
const RETRY_FOR_MS = 60_000;

/** How often each instance finishes the chat deletions left unfinished (see the sweep below). */
const SWEEP_EVERY_MS = 60_000;

export async function deleteChat(userId: string, chatId: ObjectIdString): Promise<void> {
  await checkChatWriteRate(userId);
  const chat = await findOwnedChat(userId, chatId);
  const deletion: Deletion = { _id: chat._id, userId: chat.userId };
  // Stored before anything is removed: from here on the deletion is finished whatever fails, by
  // this instance or, when it stops first, by any instance's sweep. A failure before answers as
  // usual (503 while the database is away) with nothing removed. A repeat finds it stored.
  try {
    await ChatDeletion.collection.insertOne({ ...deletion, committedAt: new Date() });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
  try {
    await finishChatDeletion(deletion);
  } catch (error) {
    // Part of the chat may be gone already (the chat itself goes first): a retry of the request
    // would then find nothing to delete (404) and leave its records (the idempotency records
    // hold its text) behind. The deletion is committed, so it answers 204 and finishes in the
    // background, as an account's deletion does; each step finds done what was done.
    if (!isDatabaseDown(error)) throw error;
    logger.warn(
      { err: (error as Error).message, chatId: String(chat._id) },
      'chat deletion not finished yet; retrying in the background',
    );
    // A second at a time while the database is back within a minute; after that, or when this
    // instance stops, the sweep finishes it.
    retryInBackground(() => finishChatDeletion(deletion), {
      everyMs: RETRY_MS,
      forMs: RETRY_FOR_MS,
      gaveUp: (last) =>
        logger.warn(
          { err: (last as Error).message, chatId: String(chat._id) },
          'chat deletion not finished yet; left to the sweep',
        ),
    });
  }
  // The room it took is free at once here (chats.quota.ts).
  forgetKnownRoom(userId);
}

/**
 * The steps of a committed deletion, each of which may run again: a retry, or the sweep, takes
 * the chat from its first step, finding done what was done. Its record goes last.
 */
async function finishChatDeletion({ _id: chatId, userId }: Deletion): Promise<void> {
  const owner = String(userId);
  // The chat first: from then on its owner neither lists nor reads it, however long the rest
  // takes, and a send to it is refused (an exchange's write of the chat, by `_id`, finds it gone
  // and takes its own messages back).
  await Chat.deleteOne({ _id: chatId });
  await deleteMessages({ chatId }, { chat: true });
  // Then a reply being generated is stopped, rather than running on for a chat that is gone. Its
  // message is gone by then, so its final write finds nothing and the reply ends with the chat's
  // NOT_FOUND (storeReply). Its usage entry is in the ledger once it ended, so the next line
  // unlinks it too.
  await endReplies(owner, chatId);
  await forgetChatUsage(chatId);
  // Once more: an exchange that stored its messages while this ran found the chat before it
  // went, so they are after the pass above (one that checks later removes its own); a title's
  // usage entry that landed meanwhile found the chat still there (one landing later unlinks
  // itself, title.service). Its reply, admitted after the stop above, is stopped now: nobody
  // could stop it once this deletion is done.
  await deleteMessages({ chatId }, { chat: true });
  await endReplies(owner, chatId);
  await forgetChatUsage(chatId);
  await IdempotencyKey.deleteMany({ chatId });
  await ReplyReader.deleteMany({ chatId });
  await forgetDeletedChat(chatId);
  await releaseChatSlot(chatId);
  await ChatDeletion.collection.deleteOne({ _id: chatId });
}

/**
 * Finishes the chat deletions committed more than a minute ago (`olderThanMs`) and not finished
 * since (their instance stopped, or the database stayed away longer than its retries); younger
 * ones are left to their own request or its retries. Returns how many were finished.
 */
export async function sweepUnfinishedChatDeletions(
  now = Date.now(),
  olderThanMs = RETRY_FOR_MS,
): Promise<number> {
  const unfinished = await ChatDeletion.collection
    .find<Deletion>(
      { committedAt: { $lte: new Date(now - olderThanMs) } },
      { projection: { userId: 1 } },
    )
    .toArray();
  let finished = 0;
  for (const deletion of unfinished) {
    try {
      await finishChatDeletion(deletion);
      finished += 1;
    } catch (error) {
      logger.warn(
        { chatId: String(deletion._id), err: (error as Error).message },
        'chat deletion not finished yet',
      );
    }
  }
  return finished;
}

let sweeper: PeriodicJob | undefined;

/**
 * Each minute, and once right after the start: a deletion its instance left when it stopped is
 * finished by the restarted one at once, not a minute on. That first pass takes the young ones
 * too: this process runs none of their retries, and should another instance still run one, each
 * step finds done what the other did.
 */
export function startUnfinishedChatDeletionSweep(): void {
  sweeper ??= runPeriodically(
    'unfinished chat-deletion sweep',
    SWEEP_EVERY_MS,
    () => sweepUnfinishedChatDeletions(),
    { atStart: () => sweepUnfinishedChatDeletions(Date.now(), 0) },
  );
}

export function stopUnfinishedChatDeletionSweep(): void {
  sweeper?.stop();
  sweeper = undefined;
}
