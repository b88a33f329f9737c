import { setTimeout as sleep } from 'node:timers/promises';
import type { Request, Response } from 'express';
import { config } from '../../lib/config.js';
import {
  AppError,
  ClientGoneError,
  ERROR_STATUS,
  notFound,
  type ErrorCode,
} from '../../lib/errors.js';
import { parseObjectId } from '../../lib/http/ids.js';
import { hasClosed } from '../../lib/http/response-closed.js';
import { authOf } from '../../lib/http/request-auth.js';
import { isHighSurrogate, isLowSurrogate } from '../../lib/text.js';
import { toChatJson } from './chats.mapper.js';
import type { ExchangeResultJson } from './chats.schemas.js';
import { findOwnedChat } from './chats.service.js';
import { Chat, type ChatDoc } from './chat.model.js';
import { Message, type MessageDoc } from './message.model.js';
import { cursorId, cursorOf, invalidLastEventId, type ReplyCursor } from './reply-cursor.js';
import { answerOf, metaOf, toUserMessageJson } from './reply-events.js';
import { followStored } from './reply-follower.js';
import { followLive } from './reply-live-reader.js';
import {
  findReplyByCursor,
  findReplyInChat,
  questionOf,
  type ReplyInChat,
} from './reply-resume.service.js';
import { admitReader } from './reader-cap.js';
import { afterMeta, CollectingSink, SseSink, type ReplySink } from './reply-sink.js';
import { serveEvents } from '../../lib/http/serve-events.js';
import { liveReply, type ReplyOutcome } from './reply-stream.js';
import { openReply, runReply, type RunReplyOptions } from './reply.service.js';
import type { Exchange } from './exchange.service.js';

/**
 * Runs an exchange's reply to its end with the client as its one reader, written nothing until
 * then (a JSON answer, or a refusal): how it ended; null only for a reply that ended without an
 * outcome (a bug). The reader is attached before the reply runs: a reply with no reader is cut.
 */
export async function replyToEnd(
  res: Response,
  exchange: Exchange,
  options?: RunReplyOptions,
): Promise<ReplyOutcome | null> {
  const reply = openReply(exchange);
  const reading = followLive(reply, new CollectingSink(res), 0);
  runReply(reply, exchange, options);
  await reading;
  await reply.finished;
  return reply.outcome;
}

/** Follows a reply wherever it is generated: in memory when here, through the database otherwise. */
export function follow(found: ReplyInChat, offset: number, sink: ReplySink): Promise<void> {
  const local = liveReply(String(found.reply._id));
  return local
    ? followLive(local, sink, offset)
    : followStored(found.reply, toChatJson(found.chat), offset, sink);
}

/**
 * Streams a reply to a client that (re)connects: from the beginning with `meta` first, or from the
 * cursor of the last event it got. 204 when that was the final event (nothing is left, and
 * spec-following EventSource clients stop reconnecting on it). Cursors that cannot belong to this
 * reply are a 400 before the stream opens. `start`: where "the beginning" is, for the repeat of a
 * continue, whose stream carried only the text it added.
 */
export async function serveReply(
  res: Response,
  found: ReplyInChat,
  cursor: ReplyCursor | null,
  start = 0,
): Promise<void> {
  const { reply } = found;
  const replyId = String(reply._id);
  if (cursor && cursor.replyId !== replyId) throw invalidLastEventId('it names another reply');
  const local = liveReply(replyId);
  if (cursor?.offset === 'end') {
    if (reply.status === 'streaming') throw invalidLastEventId('this reply has not ended');
    res.status(204).end();
    return;
  }
  const offset = cursor?.offset ?? start;
  // Text the reply never had: only a reply cut short by a crash can be shorter than what was sent.
  const known = local ? local.length : reply.content.length;
  if (
    offset > known &&
    (local || (reply.status !== 'streaming' && reply.error?.code !== 'INTERRUPTED'))
  )
    throw invalidLastEventId('it points past the end of this reply');
  // The ids sent fall between characters; one made up could fall inside a surrogate pair, and the
  // rest would start with half a character.
  const unitAt = (i: number) =>
    (local ? local.chunkAfter(i)?.text : reply.content.slice(i, i + 1))?.charCodeAt(0) ?? 0;
  if (offset > 0 && isHighSurrogate(unitAt(offset - 1)) && isLowSurrogate(unitAt(offset)))
    throw invalidLastEventId('it points inside a character');
  // Built from the stored chat and messages, wherever the reply is generated: a reply in memory
  // does not keep its `meta` for the few readers that start from its beginning.
  const meta = cursor
    ? null
    : metaOf(found.chat, await questionOf(reply), reply, reply.content.slice(0, offset));

  serveEvents(res, new SseSink(res).open(), (sink) =>
    meta
      ? afterMeta(sink, meta, cursorId(replyId, offset), () => follow(found, offset, sink))
      : follow(found, offset, sink),
  );
}

/** GET /api/chats/:id/messages/:messageId/stream */
export async function streamReply(
  req: Request,
  res: Response,
  { params, query }: { params: { id: string; messageId: string }; query: { lastEventId?: string } },
) {
  const cursor = cursorOf(req.get('Last-Event-ID'), query.lastEventId);
  const { userId } = authOf(req);
  admitReader(userId, res);
  const found = await findReplyInChat(userId, params.id, params.messageId);
  await serveReply(res, found, cursor);
}

/** A POST that carries Last-Event-ID is a reconnect: it resumes the reply it names, never sends again. */
export async function resumeFromPost(
  res: Response,
  userId: string,
  cursor: ReplyCursor,
  chatId?: string,
): Promise<void> {
  admitReader(userId, res);
  const chat = chatId ? await findOwnedChat(userId, parseObjectId(chatId, 'Chat')) : null;
  await serveReply(res, await findReplyByCursor(userId, cursor, chat?._id), cursor);
}

/**
 * The reply as stored now, once a reader followed it to its end (its final write has landed by
 * then): what a repeat in another protocol (/v1) answers with.
 */
export async function storedReply(found: ReplyInChat): Promise<MessageDoc> {
  return (await Message.findById(found.reply._id).lean<MessageDoc>()) ?? found.reply;
}

/**
 * The reply once it has text or has ended (read again every RESUME_POLL_MS), or as it is at `until`.
 * One with neither may still be waiting for its provider's answer, which may be a refusal: a /v1
 * repeat asked as a stream waits for it, so that it answers with the provider's status (429, 503 …)
 * as the attempt it repeats did, rather than with a stream carrying the error. Ends with
 * ClientGoneError once the client has gone.
 */
export async function startedReply(
  res: Response,
  found: ReplyInChat,
  until: number,
): Promise<ReplyInChat> {
  const replyId = String(found.reply._id);
  let { reply } = found;
  while (
    reply.status === 'streaming' &&
    reply.content === '' &&
    !liveReply(replyId)?.length &&
    Date.now() < until
  ) {
    await sleep(config().RESUME_POLL_MS);
    if (hasClosed(res)) throw new ClientGoneError();
    // Deleted meanwhile: followed as it was read, which ends with its NOT_FOUND.
    const fresh = await Message.findById(reply._id).lean<MessageDoc>();
    if (!fresh) break;
    reply = fresh;
  }
  return { ...found, reply };
}

/** The error a failed reply answered with in JSON mode (its code is stored with it). */
export function storedError(error: { code: string; message: string }): AppError {
  const code = (error.code in ERROR_STATUS ? error.code : 'UPSTREAM_ERROR') as ErrorCode;
  return new AppError(code, error.message);
}

/**
 * The JSON answer of an exchange, for a repeat of its request: the same 201 body when one was
 * sent, else (the first answer was lost mid-generation, or it was a stream) the exchange once its
 * reply is final.
 */
export async function exchangeJson(
  res: Response,
  found: ReplyInChat,
): Promise<ExchangeResultJson | null> {
  const collected = new CollectingSink(res);
  await follow(found, 0, collected);
  if (collected.isClosed && !collected.ended) return null;
  // Both read again once the reply has ended: the chat as read before may predate the exchange's
  // own write to it (a repeat that arrived while the first request was storing its messages).
  const [stored, chat] = await Promise.all([
    Message.findById(found.reply._id).lean<MessageDoc>(),
    Chat.findById(found.chat._id).lean<ChatDoc>(),
  ]);
  // Deleted since (its chat, or its branch): a repeat of a deleted exchange is a 404.
  if (!stored) throw notFound('Reply');
  // Still `streaming` as stored: it ended without its outcome stored (shutdown, a bug), and the
  // final event the reader got says how.
  const unstored =
    stored.status === 'streaming' && collected.last?.event === 'error'
      ? collected.last.data.error
      : undefined;
  const answer = unstored ? { failure: unstored } : answerOf(stored);
  if (answer.failure) {
    // Named as the first answer named it (respondWithReply): a client that lost that answer, or
    // whose stream failed before its `meta`, learns from the repeat which chat holds the question.
    res.set('X-Chat-Id', String(found.chat._id));
    throw storedError(answer.failure);
  }
  return {
    chat: toChatJson(chat ?? found.chat),
    messages: [toUserMessageJson(await questionOf(stored)), answer.reply],
  } satisfies ExchangeResultJson;
}
