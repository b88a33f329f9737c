import { isUtf8 } from 'node:buffer';
import zlib from 'node:zlib';
import express, { type RequestHandler } from 'express';
import { AppError } from '../errors.js';
import { limitBytes } from '../sizes.js';

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function hasBody(req: Parameters<RequestHandler>[0]): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** The declared charset, if any; JSON is UTF-8 (RFC 8259), and body-parser would also take utf-16/32. */
function declaredCharset(req: Parameters<RequestHandler>[0]): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '');
  return match?.[1]?.toLowerCase();
}

const UTF8 = new Set(['utf-8', 'utf8']);

/**
 * The Content-Encodings body-parser decodes a body from: zstd only where this Node's zlib has it
 * (Node 22.15 / 23.8 and later; not Node 20), so the same request is taken on one Node and refused
 * on another. A refusal names them (error-handler.ts: 415 with `Accept-Encoding`, RFC 9110 15.5.16).
 */
export const BODY_ENCODINGS: readonly string[] = [
  'gzip',
  'deflate',
  'br',
  ...('createZstdDecompress' in zlib ? ['zstd'] : []),
  'identity',
];

/** JSON bodies only: anything else that carries a body is a 415, before a byte of it is parsed. */
export function jsonBody(limit: string): RequestHandler[] {
  const maxBytes = limitBytes(limit);
  const requireJson: RequestHandler = (req, _res, next) => {
    if (!METHODS_WITH_BODY.has(req.method) || !hasBody(req)) return next();
    // body-parser answers a declared oversize body only after reading all of it, so a client that
    // declares 99 MB and sends nothing would hold the connection: refuse it from the header.
    const declared = Number(req.headers['content-length']);
    if (maxBytes !== undefined && declared > maxBytes)
      return next(new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large'));
    if (!req.is('application/json'))
      return next(new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json'));
    const charset = declaredCharset(req);
    if (charset !== undefined && !UTF8.has(charset))
      return next(new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send JSON encoded as UTF-8'));
    // RFC 9110 8.4.1.3: x-gzip is gzip (older clients and proxies still send it); body-parser
    // knows only the one name and would refuse the other (415).
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && /^\s*x-gzip\s*$/i.test(encoding))
      req.headers['content-encoding'] = 'gzip';
    // body-parser takes only `utf-…` names and would refuse the alias (415): name it its way.
    if (charset === 'utf8')
      req.headers['content-type'] = req.headers['content-type']!.replace(
        /(;\s*charset\s*=\s*"?)utf8/i,
        '$1utf-8',
      );
    next();
  };
  return [
    requireJson,
    express.json({ limit, strict: true, type: 'application/json', verify: checkBody }),
  ];
}

/**
 * jsonBody for every request but those `skip` names: the routes that read their body with a limit
 * of their own (route.ts readsOwnBody).
 */
export function jsonBodyExcept(
  skip: (req: Parameters<RequestHandler>[0]) => boolean,
  limit: string,
): RequestHandler[] {
  return jsonBody(limit).map(
    (parse): RequestHandler =>
      (req, res, next) =>
        skip(req) ? next() : parse(req, res, next),
  );
}

/** Objects and arrays nested deeper than this are refused (see tooDeep). */
export const MAX_BODY_DEPTH = 64;

/** The raw body, before it is parsed: what JSON.parse would take but the server cannot keep. */
function checkBody(_req: unknown, _res: unknown, bytes: Buffer): void {
  refuseInvalidUtf8(bytes);
  if (tooDeep(bytes))
    throw new AppError(
      'INVALID_JSON',
      `The request body nests objects and arrays deeper than ${MAX_BODY_DEPTH} levels`,
    );
}

/**
 * Whether the JSON text nests objects and arrays deeper than MAX_BODY_DEPTH. Parsing takes any
 * depth, but the code that walks a value afterwards (JSON.stringify of a relayed tool schema,
 * validation) recurses, and a few kilobytes of brackets would overflow its stack: a 500 for a
 * body that is only odd. One pass over the bytes, brackets inside strings skipped.
 */
function tooDeep(bytes: Buffer): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i += 1) {
    const byte = bytes[i];
    if (inString) {
      if (byte === 0x5c)
        i += 1; // a backslash: the next byte is escaped
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x7b || byte === 0x5b) {
      depth += 1;
      if (depth > MAX_BODY_DEPTH) return true;
    } else if (byte === 0x7d || byte === 0x5d) depth -= 1;
  }
  return false;
}

/**
 * Text that cannot be stored as sent is refused rather than stored otherwise without a word:
 * bytes that are not UTF-8 (each would be decoded to U+FFFD; a native check of the bytes), and
 * JSON escapes of half a surrogate pair (`"\ud800"`: JSON allows them, UTF-8, and so the
 * database, cannot hold them), looked for only in a body that has a `\u` escape at all.
 */
function refuseInvalidUtf8(bytes: Buffer): void {
  if (!isUtf8(bytes))
    throw new AppError('INVALID_JSON', 'The request body is not valid UTF-8 (JSON must be UTF-8)');
  if (bytes.includes('\\u') && holdsLoneSurrogate(bytes.toString('utf8')))
    throw new AppError(
      'INVALID_JSON',
      'The request body holds half of a surrogate pair (a lone \\ud800-\\udfff escape), which cannot be stored',
    );
}

/**
 * Each escape of the JSON text in turn: a pair of surrogates, a surrogate alone (captured), any
 * other \u escape, or any other escaped character (so an escaped backslash is consumed whole).
 */
const ESCAPES =
  /\\(?:u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|(u[dD][89a-fA-F][0-9a-fA-F]{2})|u[0-9a-fA-F]{4}|.)/g;

function holdsLoneSurrogate(json: string): boolean {
  for (const escape of json.matchAll(ESCAPES)) if (escape[1] !== undefined) return true;
  return false;
}
