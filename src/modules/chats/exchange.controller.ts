import type { Request, Response } from 'express';
import { isDuplicateKey } from '../../lib/db/duplicate-key.js';
import { retryWhileDatabaseAway } from '../../lib/db/write-lock-retry.js';
import type { Types } from '../../lib/db/mongoose.js';
import { AppError } from '../../lib/errors.js';
import { logger } from '../../lib/logger.js';
import { authOf, sessionCredential } from '../../lib/http/request-auth.js';
import { toChatJson } from './chats.mapper.js';
import type { CreatedChatJson, ExchangeResultJson } from './chats.schemas.js';
import type { ChatDoc } from './chat.model.js';
import { parseObjectId } from '../../lib/http/ids.js';
import { findOwnedChat, startChat, type NewChat } from './chats.service.js';
import {
  beginExchange,
  plannedIds,
  type Exchange,
  type ExchangeIds,
  type ExchangeTarget,
} from './exchange.service.js';
import type { IdempotencyDoc } from './idempotency.model.js';
import {
  claimIdempotencyKey,
  claimStillHeld,
  idsOfClaim,
  keyedRoute,
  markStored,
  parseIdempotencyKey,
  releaseIdempotencyKey,
  releaseUnlessStored,
  requestHash,
  saveIdempotentResponse,
  whileClaimed,
  type Claim,
  type IdempotentIds,
} from './idempotency.service.js';
import { cursorId, cursorOf, invalidLastEventId } from './reply-cursor.js';
import { answerOf, metaOf, toUserMessageJson } from './reply-events.js';
import { followLive } from './reply-live-reader.js';
import { findReplyInChat } from './reply-resume.service.js';
import { afterMeta, SseSink } from './reply-sink.js';
import { hasClosed } from '../../lib/http/response-closed.js';
import { serveEvents } from '../../lib/http/serve-events.js';
import { admitReader } from './reader-cap.js';
import {
  exchangeJson,
  replyToEnd,
  resumeFromPost,
  serveReply,
  storedError,
} from './reply.controller.js';
import { openReply, runReply } from './reply.service.js';

/**
 * `stream` when given; otherwise what the Accept header asks for. A route that streams by default
 * (SigmaGPT's) streams unless Accept rules `text/event-stream` out: a client that asks for JSON
 * alone is not sent an event stream.
 */
export function wantsStream(
  req: Request,
  stream: boolean | undefined,
  streamByDefault = false,
): boolean {
  if (stream !== undefined) return stream;
  if (streamByDefault) return req.accepts('text/event-stream') !== false;
  return req.accepts(['application/json', 'text/event-stream']) === 'text/event-stream';
}

/**
 * The 201 body of POST /api/chats with a message: the new Chat (what it answers without one), with
 * the exchange's `chat` and `messages` beside its fields.
 */
export const asCreatedChat = (body: ExchangeResultJson): CreatedChatJson => ({
  ...body.chat,
  ...body,
});

/**
 * Answers an exchange whose messages are stored: 201 JSON, or the SSE stream of API.md. Either way
 * the request is the reply's first reader; the reply goes on if it leaves (see reply-detach).
 * Returns the 201 body it sent (JSON mode), or null once a stream is under way (it is served apart
 * from the route: serveEvents); `createdChat`: in the shape of POST /api/chats.
 */
export async function respondWithReply(
  res: Response,
  exchange: Exchange,
  stream: boolean,
  createdChat = false,
): Promise<unknown> {
  if (!stream) {
    const outcome = (await replyToEnd(res, exchange))!;
    // An upstream failure is a 502/504 JSON error; both messages are stored by then, in a chat the
    // send may have just started: named, so a retry goes there rather than start another (a
    // stream's `meta` names it before any error).
    const answer = answerOf(outcome.message);
    if (outcome.error || answer.failure) {
      res.set('X-Chat-Id', String(exchange.chat._id));
      throw outcome.error ?? storedError(answer.failure!);
    }
    const exchangeBody = {
      // As stored once the reply settled it (a title, a rename meanwhile), as `done` shows it.
      chat: outcome.chat ?? toChatJson(exchange.chat),
      messages: [toUserMessageJson(exchange.userMessage), answer.reply],
    } satisfies ExchangeResultJson;
    const body = createdChat ? asCreatedChat(exchangeBody) : exchangeBody;
    res.status(201).json(body);
    return body;
  }

  // 0, except for a continued answer: its requester gets only the new text.
  const start = exchange.assistant.content.length;
  // Built before the reply is opened: a reply registered here is one only runReply ends. Should
  // the exchange's documents not map (a bug), its messages are stored and its slot and model call
  // held, so the reply still runs, without a reader, which stops it at once and gives all of that
  // back as any reply's end does; the client gets the error as JSON, before any stream.
  let meta: ReturnType<typeof metaOf>;
  try {
    meta = metaOf(
      exchange.chat,
      exchange.userMessage,
      exchange.assistant,
      exchange.assistant.content,
    );
  } catch (error) {
    runReply(openReply(exchange), exchange, { leavingStops: true });
    throw error;
  }
  const reply = openReply(exchange);
  serveEvents(res, new SseSink(res).open(), (sink) =>
    afterMeta(sink, meta, cursorId(reply.replyId, start), () => {
      const reading = followLive(reply, sink, start);
      runReply(reply, exchange);
      return reading;
    }),
  );
  return null;
}

/** An exchange as a route asks for it; exchangeOnce gives it the guarantees of a retry. */
export interface ExchangeRequest<Ids extends IdempotentIds> {
  /** The ids the exchange will be stored under, chosen now so an Idempotency-Key can name them. */
  ids: Ids;
  /** Checks the limits and stores the exchange under `ids`: what the route itself does. */
  begin: (ids: Ids) => Promise<Exchange>;
  stream: boolean;
  /** The chat a reconnect's Last-Event-ID must name a reply of (absent: any of the user's). */
  chatId?: string;
  /** POST /api/chats: the JSON answer is the new Chat with the exchange (asCreatedChat). */
  createdChat?: boolean;
}

/**
 * The request as an Idempotency-Key compares it: the route, its path parameters and its body but
 * `stream`, which says how the answer is delivered, not what is asked: a client that retries a
 * stream as JSON (or the other way) gets the same exchange in the form it asks for (answerAgain).
 */
const hashOf = (req: Request, delivery: readonly string[] = ['stream']) => {
  const route = keyedRoute(req);
  const asked = Object.fromEntries(
    Object.entries((req.body ?? {}) as Record<string, unknown>).filter(
      ([field]) => !delivery.includes(field),
    ),
  );
  return {
    hash: requestHash(route, req.params, asked),
    // Keys claimed before `stream` was left out (kept IDEMPOTENCY_TTL, 24 h) hold the hash of
    // the whole body: the same request still matches them. Droppable once those have expired.
    alsoMatches: [requestHash(route, req.params, req.body)],
  };
};

/**
 * Makes an exchange (send, regenerate, continue) with the guarantees a retrying client needs: a
 * request carrying Last-Event-ID is a reconnect and resumes the reply it names; one carrying an
 * Idempotency-Key that was already used for the same request answers with that exchange instead
 * of making another.
 */
export async function exchangeOnce<Ids extends IdempotentIds>(
  req: Request,
  res: Response,
  exchange: ExchangeRequest<Ids>,
): Promise<void> {
  const { userId } = authOf(req);
  const cursor = cursorOf(req.get('Last-Event-ID'));
  if (cursor) {
    // An event id comes from a stream, and a reconnect resumes one: asked as JSON, it is a mistake.
    if ((req.body as { stream?: unknown } | undefined)?.stream === false)
      throw invalidLastEventId(
        'it resumes a stream, and this request asks for JSON (stream: false)',
      );
    return resumeFromPost(res, userId, cursor, exchange.chatId);
  }

  return oncePerKey(req, res, userId, {
    ids: exchange.ids,
    begin: exchange.begin,
    respond: (begun) => respondWithReply(res, begun, exchange.stream, exchange.createdChat),
    again: (record) => answerAgain(res, userId, record, exchange),
  });
}

/** An exchange made at most once per Idempotency-Key, in the protocol of the route that asks. */
export interface KeyedExchange<Ids extends IdempotentIds> {
  /** The ids the exchange will be stored under, chosen now so the key can name them. */
  ids: Ids;
  /** Checks the limits and stores the exchange under `ids`. */
  begin: (ids: Ids) => Promise<Exchange>;
  /** Answers the exchange this request made: the JSON body it sent (replayed as is), or null. */
  respond: (exchange: Exchange) => Promise<unknown>;
  /** Answers a repeat with the exchange an earlier request with the key made (`record` names it). */
  again: (record: IdempotencyDoc) => Promise<void>;
  /** Body fields that say how the answer is delivered, not what is asked (not compared). */
  delivery?: readonly string[];
}

/**
 * The Idempotency-Key part of exchangeOnce, for every route that makes an exchange (the chats
 * routes, /v1 with `store: true`): without a key the exchange is made; with one, the first request
 * with it makes it and a repeat of the same request answers with that exchange (`again`), waiting
 * for it while the first is still starting; the key with another request is a 409.
 */
export async function oncePerKey<Ids extends IdempotentIds>(
  req: Request,
  /** Its response: a repeat waiting for the first request stops once its client has gone. */
  res: Response,
  /** Whose keys: the user the request authenticated as (an access token, or a /v1 API key). */
  userId: string,
  exchange: KeyedExchange<Ids>,
): Promise<void> {
  const key = parseIdempotencyKey(req.get('Idempotency-Key'));
  const hash = () => hashOf(req, exchange.delivery);
  const clientGone = () => hasClosed(res);
  let claim: Claim | null = null;
  if (key) {
    claim = await claimIdempotencyKey(userId, key, hash(), exchange.ids, clientGone);
    if (!claim.fresh) return exchange.again(claim.record);
  }
  let begun: Exchange;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const ids = claim ? idsOfClaim(exchange.ids, claim.record) : exchange.ids;
      // Its claim kept alive until the exchange is stored: from then on a repeat answers with it.
      begun = await whileClaimed(claim?.record, () => exchange.begin(ids));
      break;
    } catch (error) {
      if (claim && key && (await lostToTheSameExchange(error, claim))) {
        // Its claim was taken over from a request taken for dead, which stored the same exchange
        // under the same ids first: this one answers as a repeat of it once it is stored. Had
        // that one given the key back since (it failed after all), this one acts, with its own ids.
        // Once only: what collides a second time is there (its owner may have deleted part of
        // it), and this answers with it rather than wait for it again.
        if (attempt > 1) return exchange.again(claim.record);
        claim = await claimIdempotencyKey(userId, key, hash(), exchange.ids, clientGone);
        if (!claim.fresh) return exchange.again(claim.record);
        continue;
      }
      if (claim) await releaseUnlessStored(claim.record).catch(() => undefined);
      throw error;
    }
  }
  // From here a repeat answers with this exchange, also once its owner deleted it (then a 404),
  // instead of taking it for a request that died before storing and acting again. A continue's
  // answer existed before: its mark also says where its text grew from.
  // Tried again while the database is away (a `$set` by id): a continue's repeat can tell it was
  // stored by this mark only, and without it would continue the answer a second time.
  if (claim)
    await retryWhileDatabaseAway(
      'idempotency mark',
      () =>
        markStored(claim.record, claim.record.appends ? begun.assistant.content.length : undefined),
      { forMs: MARK_AWAY_RETRY_MS },
    ).catch(keepFailed);
  const body = await exchange.respond(begun);
  if (claim && body) await saveIdempotentResponse(claim.record, body).catch(keepFailed);
}

/**
 * Whether a keyed exchange failed because another request made the same exchange under the same
 * ids: a duplicate id (ids are new unless a claim taken over shares them), or for a continue the
 * answer already claimed (MESSAGE_STREAMING) where the key changed hands, this request's claim
 * being taken over or taken over from another. Any other continue of that answer is a plain 409.
 */
async function lostToTheSameExchange(error: unknown, claim: Claim): Promise<boolean> {
  if (isDuplicateKey(error)) return true;
  if (!(claim.record.appends && error instanceof AppError && error.code === 'MESSAGE_STREAMING'))
    return false;
  return claim.takenOver === true || !(await claimStillHeld(claim.record));
}

/** How long a keyed exchange's mark is tried while the database is away, its reply waiting. */
const MARK_AWAY_RETRY_MS = 3000;

const keepFailed = (error: unknown) =>
  logger.warn({ err: (error as Error).message }, 'could not update the idempotency record');

export type SendRequest = Omit<ExchangeRequest<ExchangeIds>, 'ids' | 'begin'> & {
  target: ExchangeTarget;
  input: { content: string; model?: string; parentId?: string | null };
};

/**
 * Sends a message (POST /api/chats/:id/messages, /api/chats with one, /api/chat), once. The routes
 * return this promise rather than await it: a held stream keeps no suspended frame per caller.
 */
export async function sendMessage(req: Request, res: Response, send: SendRequest): Promise<void> {
  const { userId, sessionId } = authOf(req);
  const { target, input, ...how } = send;
  return exchangeOnce(req, res, {
    ...how,
    ids: plannedIds(target),
    begin: (ids) =>
      beginExchange(userId, sessionCredential(sessionId), target, input, ids, {
        startModel: true,
        answerEarly: how.stream,
      }),
  });
}

/** A repeat of a request already acted on: the same exchange, as JSON or as its reply's stream. */
async function answerAgain(
  res: Response,
  userId: string,
  record: IdempotencyDoc,
  { stream, createdChat }: { stream: boolean; createdChat?: boolean },
): Promise<void> {
  const found = await findReplyInChat(userId, String(record.chatId), String(record.replyId));
  if (record.response && !stream) {
    res.status(201).json(record.response);
    return;
  }
  // Following the reply (its stream, or its end for the JSON answer) is reading it, as a
  // reconnect is: one of the user's reader places, or repeats would be a way around the cap.
  admitReader(userId, res);
  // A continue's stream starts where the continued text does, as the first one did.
  if (stream) return serveReply(res, found, null, record.appendFrom ?? 0);
  const exchangeBody = await exchangeJson(res, found);
  if (exchangeBody === null) return;
  const body = createdChat ? asCreatedChat(exchangeBody) : exchangeBody;
  res.status(201).json(body);
  await saveIdempotentResponse(record, body).catch(() => undefined);
}

/** Creates a chat without a message; an Idempotency-Key makes a repeat answer with the same chat. */
export function createChatOnce(req: Request, res: Response, input: NewChat): Promise<void> {
  const { userId } = authOf(req);
  return chatOnce(req, res, (id) => startChat(userId, input, id));
}

/**
 * Makes a chat (POST /api/chats without a message, a fork) and answers 201 with it; an
 * Idempotency-Key makes a repeat of the same request answer with the same chat. `copies`: the chat
 * holds what the request copied into it (a fork's messages) and is removed again should the request
 * fail, so a repeat waits for the first request's answer rather than answer with what it finds.
 */
export async function chatOnce(
  req: Request,
  res: Response,
  /** Makes the chat under this id (one taken over from a request taken for dead names that one's). */
  make: (id: Types.ObjectId) => Promise<ChatDoc>,
  { copies = false }: { copies?: boolean } = {},
): Promise<void> {
  const { userId } = authOf(req);
  const key = parseIdempotencyKey(req.get('Idempotency-Key'));
  const ids = plannedIds();
  if (key) {
    const claim = await claimIdempotencyKey(
      userId,
      key,
      hashOf(req),
      { chatId: ids.chatId, replyId: null, copies },
      () => hasClosed(res),
    );
    if (!claim.fresh) {
      const { record } = claim;
      // 404 once its owner deleted the chat, as a repeat of an exchange answers.
      const chat = await findOwnedChat(userId, parseObjectId(String(record.chatId), 'Chat'));
      res.status(201).json(record.response ?? toChatJson(chat));
      return;
    }
    // Its claim kept alive until its answer is saved, which a fork's repeat waits for.
    await whileClaimed(claim.record, async () => {
      let chat: ChatDoc;
      try {
        chat = await make(claim.record.chatId);
      } catch (error) {
        // That request was only slow, and made the chat under the same id first: it is the answer.
        if (isDuplicateKey(error)) {
          const made = parseObjectId(String(claim.record.chatId), 'Chat');
          res.status(201).json(toChatJson(await findOwnedChat(userId, made)));
          return;
        }
        // Refused (a cap, the write limit) or failed: nothing was stored, so a retry may act.
        await releaseIdempotencyKey(claim.record).catch(() => undefined);
        throw error;
      }
      const body = toChatJson(chat);
      res.status(201).json(body);
      await saveIdempotentResponse(claim.record, body).catch(() => undefined);
    });
    return;
  }
  res.status(201).json(toChatJson(await make(ids.chatId)));
}
