import { config } from '../../lib/config.js';
import { isDatabaseDown } from '../../lib/http/error-handler.js';
import { logger } from '../../lib/logger.js';
import type { Types } from '../../lib/db/mongoose.js';
import { findShownChat } from './chat.model.js';
import { toChatJson, type ChatJson } from './chats.mapper.js';
import { finishInterrupted, isGenerationAlive } from './interrupted-replies.js';
import { Message, type MessageDoc } from './message.model.js';
import { heartbeatEveryMs, ReplyReader } from './reply-reader.model.js';
import { cursorId } from './reply-cursor.js';
import { finalOf } from './reply-events.js';
import { followLive } from './reply-live-reader.js';
import { waitsUntilGone, type ReplySink } from './reply-sink.js';
import { liveReply } from './reply-stream.js';

const LIVENESS_CHECK_MS = 1000;

/** The chat's JSON as stored now; `read` when it is gone or cannot be read. */
async function chatAsStored(chatId: Types.ObjectId, read: ChatJson): Promise<ChatJson> {
  const chat = await findShownChat(chatId).catch(() => null);
  return chat ? toChatJson(chat) : read;
}

/**
 * Follows a reply through the database, for a reader on an instance other than the one generating
 * it (change streams are not available on every server, so it polls every RESUME_POLL_MS): sends
 * the stored text after `offset`, then each checkpoint's new text, then the final event. While it
 * follows, it tells the generating instance that a reader is attached (reply-reader.model.ts), so the reply
 * is not cut for want of readers; and when that instance's lease lapses, it finishes the reply as
 * interrupted itself. The database going away does not end it: the reply goes on on its instance,
 * and this reader polls again (less often) for as long as its last heartbeat holds the reply for it.
 */
export async function followStored(
  first: MessageDoc,
  chat: ChatJson,
  offset: number,
  sink: ReplySink,
): Promise<void> {
  const c = config();
  const replyId = String(first._id);
  const graceMs = c.DETACH_GRACE_SECONDS * 1000;
  let reply = first;
  /** Whether the reply was seen streaming: its chat may have changed since `chat` was read. */
  let followed = false;
  let nextHeartbeat = 0;
  /** The `until` of this reader's last heartbeat (null: it wrote none). */
  let heartbeatUntil: Date | null = null;
  /** The client went before the reply ended: this reader's heartbeat stays until it lapses. */
  let clientLeft = false;
  let nextLivenessCheck = Date.now() + LIVENESS_CHECK_MS;
  /** Since when the database has failed every poll (null: the last poll was answered). */
  let awaySince: number | null = null;
  let awayPolls = 0;
  /**
   * A poll that found the database away, as one to try again while the client waits: for
   * DETACH_GRACE_SECONDS from the first, the time this reader's last heartbeat holds the reply
   * for it (and the time the reply gives a client that left to come back). Beyond that the reply
   * no longer waits for this reader, and the client is better told, with the id of what it got,
   * so that it reconnects and resumes. Anything else, or an outage that lasted, ends the stream.
   */
  const databaseAway = (error: unknown) => {
    const now = Date.now();
    awaySince ??= now;
    if (!isDatabaseDown(error) || now - awaySince >= graceMs) throw error;
    if (awayPolls === 0)
      logger.warn(
        { err: (error as Error).message, replyId },
        'the database is away; polling again',
      );
    awayPolls += 1;
  };
  // While the database is away, polls back off to one a second: the driver looks for it every
  // half second, so a reader is still soon back once it answers.
  const pollEveryMs = () => Math.min(c.RESUME_POLL_MS * 2 ** awayPolls, LIVENESS_CHECK_MS);
  // One poll's wait, which the client leaving also ends.
  const wait = waitsUntilGone(sink);
  const pause = (ms: number) =>
    wait((done) => {
      const timer = setTimeout(done, ms);
      return () => clearTimeout(timer);
    });
  try {
    for (;;) {
      if (sink.isClosed) {
        clientLeft = true;
        return;
      }
      if (reply.content.length > offset) {
        await sink.event(
          'delta',
          { content: reply.content.slice(offset) },
          cursorId(replyId, reply.content.length),
        );
        offset = reply.content.length;
      }
      if (reply.status !== 'streaming') {
        // The chat as stored now (a rename, a pin meanwhile), as the generating instance's readers
        // get it; a title the model writes after the reply's final state may still be missing.
        const shown = followed ? await chatAsStored(reply.chatId, chat) : chat;
        sink.final(finalOf(reply, shown), cursorId(replyId, 'end'));
        // The reply is over: this reader's heartbeat has nothing left to keep alive, and the
        // generating instances read the collection for their followers (remote-followers.ts).
        // Only the one it wrote last: the answer may have been continued since, and a reader of
        // the new run elsewhere renewed the same document (it is the message's id).
        if (heartbeatUntil) await forgetHeartbeat(reply._id, heartbeatUntil);
        return;
      }
      followed = true;
      // Generated here after all (it started after this reader looked): follow it in memory.
      const local = liveReply(replyId);
      if (local) {
        // Counted among its readers from now on; its heartbeat would count it a second time, as
        // a reader elsewhere (remote-followers.ts), until it lapsed: a reply all of whose clients
        // left would not wait for one (nor give way to a new send) and be cut late.
        const following = followLive(local, sink, offset);
        if (heartbeatUntil)
          await Promise.all([following, forgetHeartbeat(reply._id, heartbeatUntil)]);
        return await following;
      }

      const now = Date.now();
      if (graceMs > 0 && now >= nextHeartbeat) {
        nextHeartbeat = now + heartbeatEveryMs(graceMs);
        heartbeatUntil = new Date(now + graceMs);
        await ReplyReader.collection
          .updateOne(
            { _id: reply._id },
            {
              $set: {
                chatId: reply.chatId,
                userId: reply.userId,
                until: heartbeatUntil,
              },
            },
            { upsert: true },
          )
          .catch((error: unknown) =>
            logger.warn({ err: (error as Error).message }, 'reader heartbeat failed'),
          );
      }
      if (now >= nextLivenessCheck) {
        nextLivenessCheck = now + LIVENESS_CHECK_MS;
        try {
          if (!(await isGenerationAlive(reply))) {
            reply = await finishInterrupted(reply);
            continue;
          }
        } catch (error) {
          databaseAway(error);
        }
      }
      await pause(pollEveryMs());
      if (sink.isClosed) {
        clientLeft = true;
        return;
      }
      let fresh: MessageDoc | null;
      try {
        fresh = await Message.findById(reply._id).lean<MessageDoc>();
      } catch (error) {
        databaseAway(error);
        continue;
      }
      awaySince = null;
      awayPolls = 0;
      if (!fresh) {
        // Its chat was deleted meanwhile. A heartbeat of this reader may have landed after the
        // deletion removed the chat's readers: nothing of the chat may stay.
        await ReplyReader.collection.deleteOne({ _id: reply._id }).catch(() => undefined);
        const gone = { code: 'NOT_FOUND', message: 'The reply was deleted' } as const;
        sink.final(
          finalOf({ ...reply, status: 'error', error: gone }, chat),
          cursorId(replyId, 'end'),
        );
        return;
      }
      reply = fresh;
    }
  } catch (error) {
    // The stream is open: a failure (the database away for too long) becomes its final event. It
    // says nothing of the reply, which may go on and complete: its id is the text delivered, not
    // the end, so the client's reconnect resumes from there rather than being told nothing is left.
    logger.warn({ err: (error as Error).message, replyId }, 'following a stored reply failed');
    const final = finalOf(
      {
        ...reply,
        status: 'error',
        error: { code: 'SERVICE_UNAVAILABLE', message: 'The database is unavailable' },
      },
      chat,
    );
    sink.final(final, cursorId(replyId, offset));
  } finally {
    if (clientLeft && nextHeartbeat > 0) await forgetHeartbeatOfDeleted(first._id);
  }
}

/**
 * Removes the heartbeat of a reader that now follows the reply in memory, or saw it end. Only
 * while it is the one this reader wrote last (`until`): a reader on another instance that renewed
 * it since still follows through the database. A failure leaves it to lapse, as before.
 */
async function forgetHeartbeat(replyId: Types.ObjectId, until: Date): Promise<void> {
  await ReplyReader.collection.deleteOne({ _id: replyId, until }).catch(() => undefined);
}

/**
 * A reader whose client left keeps its heartbeat until it lapses: the reply waits that long for the
 * client to come back (reply-detach.ts). One for a reply deleted meanwhile goes at once: its last
 * write may have landed after the deletion removed the chat's readers, and nothing of a deleted
 * chat may stay. Asked after that write was answered, and a deletion removes the messages before
 * the readers, so one landing late always finds the reply gone here.
 */
async function forgetHeartbeatOfDeleted(replyId: Types.ObjectId): Promise<void> {
  try {
    if (!(await Message.exists({ _id: replyId })))
      await ReplyReader.collection.deleteOne({ _id: replyId });
  } catch {
    // It lapses by itself (the sweep of lapsed readers).
  }
}
