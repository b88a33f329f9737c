import type { Request, Response } from 'express';
import { config } from '../../lib/config.js';
import { SseStream } from '../../lib/http/sse.js';
import { toChatJson, toMessageJson } from './chats.mapper.js';
import type { ExchangeResultJson, SseEventJson } from './chats.schemas.js';
import type { Exchange } from './exchange.service.js';
import { runGeneration } from './generation/generation.runner.js';

/** `stream` when given; otherwise the route's default, or what the Accept header asks for. */
export function wantsStream(
  req: Request,
  stream: boolean | undefined,
  streamByDefault = false,
): boolean {
  if (stream !== undefined) return stream;
  return (
    streamByDefault ||
    req.accepts(['application/json', 'text/event-stream']) === 'text/event-stream'
  );
}

/** Fires when the client goes away before the response has ended. */
export function clientGoneSignal(res: Response): AbortSignal {
  const gone = new AbortController();
  if (res.closed || res.socket?.destroyed) gone.abort();
  else
    res.once('close', () => {
      if (!res.writableFinished) gone.abort();
    });
  return gone.signal;
}

/** Answers an exchange whose user message is stored: 201 JSON, or the SSE stream of API.md. */
export async function respondWithReply(
  req: Request,
  res: Response,
  exchange: Exchange,
  stream: boolean,
): Promise<void> {
  const clientGone = clientGoneSignal(res);
  if (!stream) {
    const result = await runGeneration(exchange, { clientGone, onDelta: () => undefined });
    // An upstream failure is a 502/504 JSON error; both messages are stored by then.
    if (result.error) throw result.error;
    res.status(201).json({
      chat: toChatJson(exchange.chat),
      messages: [toMessageJson(exchange.userMessage), toMessageJson(result.message)],
    } satisfies ExchangeResultJson);
    return;
  }

  const sse = new SseStream(res);
  sse.open(config().SSE_PING_SECONDS);
  try {
    const chat = toChatJson(exchange.chat);
    await sse.send('meta', {
      chat,
      userMessage: toMessageJson(exchange.userMessage),
      assistantMessage: toMessageJson(exchange.assistant),
    } satisfies SseEventJson<'meta'>);
    const result = await runGeneration(exchange, {
      clientGone,
      onDelta: (content, interrupt) =>
        sse.send('delta', { content } satisfies SseEventJson<'delta'>, interrupt),
    });
    const message = toMessageJson(result.message);
    if (result.error)
      sse.finish('error', {
        error: { code: result.error.code, message: result.error.message },
        message,
      } satisfies SseEventJson<'error'>);
    else sse.finish('done', { message, chat } satisfies SseEventJson<'done'>);
  } finally {
    sse.end();
  }
}
