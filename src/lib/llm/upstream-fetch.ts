import type { Readable } from 'node:stream';
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import { forgetRawHeaders, ownBytes } from './upstream-memory.js';

/** Successful answers' bodies, kept as undici's Node streams; see `takeBody`. */
const bodies = new WeakMap<Response, Readable>();

/**
 * What a paused body keeps read ahead (undici's default is 64 KiB). A reply's reader pauses it
 * only while its client's socket is full, and the model's events then wait in the provider's
 * socket instead: each slow reader would otherwise hold that much raw event text in memory, on
 * top of the reply. A flowing body hands every read out at once, so this costs a reader that keeps
 * up nothing.
 */
const PAUSED_BODY_BYTES = 4 * 1024;
/**
 * The same for the socket under it: a paused socket stops reading once it holds its high-water
 * mark, 64 KiB for plain HTTP in undici (a model on the local network); TLS sockets already stop
 * at 16 KiB. One read can still bring up to 64 KiB, so this trims the read-ahead of a first pause
 * more than of later ones. Node's sockets take the stream option, which its types do not name.
 */
const socketOptions = { highWaterMark: 16 * 1024 };

const ON_DISPATCHED = Symbol('onDispatched');

/**
 * Per-request `fetchOptions` for the SDK (it passes them on to `fetch`): the pool's fetch calls
 * `onDispatched` as soon as it has handed the request to its pool, which writes it on a kept-alive
 * connection from an immediate of its own (started-completion.ts afterRequestLeaves).
 */
export const tellWhenDispatched = (onDispatched: () => void) =>
  // Typed as holding no string key: it names nothing of RequestInit's, whichever the SDK allows.
  ({ [ON_DISPATCHED]: onDispatched }) as Record<string, never>;

/** The pool and the `fetch` the SDK is given, over it. */
export interface UpstreamPool {
  agent: Agent;
  fetch: typeof fetch;
}

/**
 * A keep-alive pool and a `fetch` for the openai SDK over it, built on undici.request. The SDK
 * still sends the request, applies its timeout and retries, and reads error answers (their small
 * bodies are handed over whole). A successful answer comes back as a Response without a body:
 * its body stays undici's Node stream, taken with `takeBody` by the provider, which reads it. A
 * streamed reply then skips the web-stream machinery fetch puts around every read and keeps far
 * less memory per open reply (bench/README.md, "Reading the provider's stream"). So this `fetch`
 * serves only callers that take the body that way.
 */
export function upstreamPool(options: { connections: number }): UpstreamPool {
  const agent = new Agent({
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 120_000,
    connections: options.connections,
    connect: socketOptions as Agent.Options['connect'],
  });
  // fetch followed redirects; so does this (dropping credentials when the origin changes). The
  // raw response head is dropped below the redirect handling, once every handler has read it.
  const dispatcher: Dispatcher = agent.compose(
    forgetRawHeaders,
    interceptors.redirect({ maxRedirections: 3 }),
  );
  const poolFetch = async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = input instanceof Request ? input.url : String(input);
    const answering = request(url, {
      dispatcher,
      method: init.method ?? 'GET',
      headers: init.headers ? Object.fromEntries(new Headers(init.headers)) : undefined,
      body: ownBytes(init.body as string | undefined),
      signal: init.signal ?? undefined,
      highWaterMark: PAUSED_BODY_BYTES,
    });
    (init as { [ON_DISPATCHED]?: () => void })[ON_DISPATCHED]?.();
    const answer = await answering;
    const headers = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else if (value !== undefined) headers.append(name, value);
    }
    const status = answer.statusCode;
    if (status >= 200 && status < 300) {
      const response = new Response(null, { status, headers });
      bodies.set(response, answer.body);
      return response;
    }
    const text = await answer.body.text();
    return new Response(status === 304 ? null : text, { status, headers });
  };
  return { agent, fetch: poolFetch };
}

/** The Node stream of a successful answer from an `upstreamPool` fetch (once). */
export function takeBody(response: Response): Readable | undefined {
  const body = bodies.get(response);
  bodies.delete(response);
  return body;
}
