import type { Dispatcher } from 'undici';

/*
 * What an upstream request keeps alive for as long as its reply streams (minutes, for a long
 * answer), and how the pool keeps that small. Measured per held reply: bench/README.md,
 * "Per-stream memory".
 */

const encoder = new TextEncoder();

/**
 * The request body as bytes with a backing store of their own. undici keeps the body it was given
 * until the response has ended (its request sits in the connection's queue; the abort callback of
 * the write holds it too), and it turns a string into `Buffer.from(string)`: under 32 KiB that is a
 * slice of Node's shared 64 KiB allocation pool, so every open reply pinned a whole pool slab —
 * ~11 KiB per reply on average, as the slabs filled with other allocations in between. Encoded
 * here, a reply keeps exactly its prompt's bytes. The same bytes are sent again on a redirect.
 */
export function ownBytes<T>(body: string | T): Uint8Array | T {
  return typeof body === 'string' ? encoder.encode(body) : body;
}

/**
 * After the response head has been handed on, nothing reads its raw form again, yet undici's
 * controller keeps `rawHeaders` (Buffers viewing the socket read that carried the head, ~1.7 KiB
 * with the array and views) until the response ends. This handler drops it once the head has gone
 * through every handler above it; the parsed headers are what the callers keep.
 */
class RawHeadersDropped implements Dispatcher.DispatchHandler {
  constructor(private readonly inner: Dispatcher.DispatchHandler) {}

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown) {
    this.inner.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(
    ...args: Parameters<NonNullable<Dispatcher.DispatchHandler['onRequestUpgrade']>>
  ) {
    this.inner.onRequestUpgrade?.(...args);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseStart']>>[2],
    statusMessage?: string,
  ) {
    this.inner.onResponseStart?.(controller, statusCode, headers, statusMessage);
    // Reflect.set: a controller without a writable `rawHeaders` is left as it is.
    Reflect.set(controller, 'rawHeaders', null);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer) {
    this.inner.onResponseData?.(controller, chunk);
  }

  onResponseEnd(...args: Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseEnd']>>) {
    this.inner.onResponseEnd?.(...args);
  }

  onResponseError(...args: Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseError']>>) {
    this.inner.onResponseError?.(...args);
  }
}

/** An interceptor for `compose`: place it first, so it sits below every other handler. */
export const forgetRawHeaders: Dispatcher.DispatchInterceptor = (dispatch) => (opts, handler) =>
  dispatch(opts, new RawHeadersDropped(handler));
