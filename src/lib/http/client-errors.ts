import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import helmet from 'helmet';
import { ERROR_STATUS, type ErrorCode } from '../errors.js';

/** helmet's headers, as every answer of the app carries them, taken once from its middleware. */
function helmetHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: unknown) => (headers[name] = String(value)),
    removeHeader: (name: string) => delete headers[name],
  };
  helmet()({} as never, res as never, () => undefined);
  return headers;
}

/** What a request Node's parser refused is told, by the code of its error. */
const REFUSALS: Record<string, [code: ErrorCode, message: string]> = {
  HPE_HEADER_OVERFLOW: [
    'HEADERS_TOO_LARGE',
    'The request headers (its URL included) are too large',
  ],
  ERR_HTTP_REQUEST_TIMEOUT: ['REQUEST_TIMEOUT', 'The request took too long to arrive'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: ['PAYLOAD_TOO_LARGE', 'The request body is too large'],
};
const NOT_HTTP: [ErrorCode, string] = ['BAD_REQUEST', 'The request is not valid HTTP'];

/** The raw answer (status line, security headers, JSON error body) for a socket the app never sees. */
function rawAnswer(security: Record<string, string>, code: ErrorCode, message: string): string {
  const status = ERROR_STATUS[code];
  const requestId = randomUUID();
  const body = JSON.stringify({ error: { code, message, requestId } });
  const headers: Record<string, string | number> = {
    ...security,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Request-Id': requestId,
    Connection: 'close',
  };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}\r\n${body}`;
}

/**
 * Requests Node refuses before the app sees them (headers over its limit, a request that never
 * finishes arriving, bytes that are not HTTP), and a CONNECT (this server is no proxy; Node would
 * drop the connection without a word), get the JSON error body with a request id and the security
 * headers every other answer has, instead of Node's bare status line. An Expect other than
 * 100-continue, which Node would answer with a bare 417, is ignored (RFC 9110 10.1.1 allows it):
 * the app answers the request as it would without it.
 */
export function answerClientErrors(server: Server): void {
  const security = helmetHeaders();
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const started = (socket as { _httpMessage?: ServerResponse })._httpMessage?.headersSent;
    // As Node does: nothing is written to a socket that is gone or already answering.
    if (!socket.writable || started || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const [code, message] = REFUSALS[error.code ?? ''] ?? NOT_HTTP;
    socket.end(rawAnswer(security, code, message));
  });
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    if (!socket.writable) return void socket.destroy();
    socket.end(rawAnswer(security, 'BAD_REQUEST', 'CONNECT is not served here: this is no proxy'));
  });
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) =>
    server.emit('request', req, res),
  );
}
