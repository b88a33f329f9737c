import { AppError } from '../../lib/errors.js';
import { logger } from '../../lib/logger.js';
import { toChatJson } from './chats.mapper.js';
import type { Exchange } from './exchange.service.js';
import { runGeneration, type GenerationOptions } from './generation/generation.runner.js';
import { DetachWatch } from './reply-detach.js';
import { finalOf } from './reply-events.js';
import { titleAfterReply } from './title.service.js';
import { registerReply, ReplyStream, unregisterReply } from './reply-stream.js';

/**
 * The reply of an exchange, registered in this process so readers can attach. Attach the first
 * reader (the request that asked for it), then `runReply`: a reply with no reader is cut.
 */
export function openReply(exchange: Exchange): ReplyStream {
  // Its `meta` event is not kept: it is built when sent (respondWithReply, serveReply).
  const stream = new ReplyStream(String(exchange.assistant._id), exchange.completion?.controller);
  // A continued answer: its stored text comes first, so cursors count the whole message (as the
  // stored copy that resumes and other instances read does); its requester starts after it.
  if (exchange.assistant.content) void stream.push(exchange.assistant.content);
  registerReply(stream);
  return stream;
}

export interface RunReplyOptions extends GenerationOptions {
  /**
   * Protocols that offer no way back to a reply (/v1, the AI SDK route) pass true: leaving is
   * stopping, so the reply is cut at once, as a stop (`stopReason: "stop"`). Otherwise it goes on
   * for DETACH_GRACE_SECONDS once its last reader left.
   */
  leavingStops?: boolean;
}

/** Generates the reply in the background: it runs until it ends, whoever reads it. */
export function runReply(
  stream: ReplyStream,
  exchange: Exchange,
  options: RunReplyOptions = {},
): void {
  const detach = new DetachWatch(
    stream,
    exchange.assistant._id,
    exchange.lease,
    options.leavingStops ? { graceSeconds: 0, leaving: 'stop' } : {},
  );
  runGeneration(exchange, stream, options)
    .then(
      async (result) => {
        // Its model call is over: a client leaving from now on cuts nothing, and the reply is no
        // longer one a new send could take a slot from (the title below gives way by itself).
        detach.stop();
        // The first reply of a chat gets a title from the model before its stream ends. The
        // chat's JSON is built now, not kept while the reply streams: as stored once the reply
        // settled it, with whatever changed it meanwhile (a rename, a pin).
        const stored = result.storedChat ?? exchange.chat;
        const titled = await titleAfterReply(exchange, result.message, stored);
        const chat = toChatJson(titled ?? stored);
        stream.finish(
          {
            ...finalOf(result.message, chat),
            ...(titled ? { before: [{ event: 'title', data: { chat } }] } : {}),
          },
          { message: result.message, error: result.error, chat },
        );
      },
      (error: unknown) => {
        // runGeneration reports its failures in the result; this is a bug, not a model failure.
        logger.error({ err: error, replyId: stream.replyId }, 'reply generation crashed');
        endUnstored(stream, exchange, new AppError('INTERNAL', 'Something went wrong on our side'));
      },
    )
    .finally(() => {
      detach.stop();
      unregisterReply(stream);
      unsettled.delete(stream);
    });
  unsettled.set(stream, exchange);
}

/** Replies of this process whose final event has not been sent, with their exchanges. */
const unsettled = new Map<ReplyStream, Exchange>();

/** Ends a reply whose outcome was not stored: its last event says why, with its text so far. */
function endUnstored(
  stream: ReplyStream,
  exchange: Exchange,
  failure: AppError,
  status: 'error' | 'incomplete' = 'error',
): void {
  const message = {
    ...exchange.assistant,
    content: stream.text(),
    status,
    error: { code: failure.code, message: failure.message },
  };
  stream.finish(finalOf(message, toChatJson(exchange.chat)), { message, error: failure });
}

/**
 * Ends, without waiting for them any longer, the readers of replies still storing their outcome
 * at the end of shutdown's grace period (a database that stopped answering): each gets an `error`
 * event, SERVICE_UNAVAILABLE, with its text so far, rather than a connection cut without one. The
 * stored copy keeps its last checkpoint; an instance's sweep finishes it later
 * (interrupted-replies.ts). Returns how many were ended.
 */
export function endUnsettledReplies(): number {
  let ended = 0;
  for (const [stream, exchange] of unsettled) {
    if (stream.final) continue;
    const failure = new AppError(
      'SERVICE_UNAVAILABLE',
      'The server stopped before this reply could be stored; its stored copy is finished from its last checkpoint',
    );
    endUnstored(stream, exchange, failure, 'incomplete');
    ended += 1;
  }
  return ended;
}
