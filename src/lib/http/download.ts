import type { Response } from 'express';
import { cutCharacters, wellFormed } from '../text.js';
import { hasClosed } from './response-closed.js';
import { unsent } from './send-timeout.js';

/**
 * What never goes into a file name: control characters (CR and LF included, which would end the
 * header), what file systems or the header's own syntax reserve, and the direction controls
 * (U+202E and its kin), with which a name that ends in `.exe` can show as one ending in `.json`.
 */
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- removing control characters is its job
  /[\u0000-\u001f\u007f-\u009f"\\/:*?<>|\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Longer names are cut (in characters, never splitting one): file systems take 255 bytes. */
const NAME_MAX = 100;

/** RFC 5987's attr-char: letters, digits and `!#$&+-.^_`|~`; every other byte is %-encoded. */
const encodeValueChars = (text: string) =>
  encodeURIComponent(text).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/**
 * `Content-Disposition: attachment` naming the file after `title` (RFC 6266): `filename` in
 * printable ASCII for clients that read only that (accents dropped, any other character `_`),
 * and, when the title is not plain ASCII, `filename*=UTF-8''…` with it whole, which browsers
 * prefer. Neither carries a quote, a backslash, a slash, a control character or a direction
 * control of the title; a title with nothing left is `fallback`.
 */
export function attachmentDisposition(title: string, extension: string, fallback: string): string {
  const name =
    cutCharacters(wellFormed(title).replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim(), NAME_MAX)
      .trim()
      .replace(/^\.+/, '') || fallback;
  const ascii =
    name
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      // `%` too: some clients decode `%xx` in the plain `filename`. And what UNSAFE removed
      // once more: NFKD makes ASCII of fullwidth forms (＂ ＼ ／ ： become " \ / :).
      .replace(/[^\x20-\x7e]|[%"\\/:*?<>|]/g, '_')
      .replace(/_{2,}/g, '_')
      .trim() || fallback;
  const plain = `attachment; filename="${/[\p{L}\p{N}]/u.test(ascii) ? ascii : fallback}.${extension}"`;
  return name === ascii
    ? plain
    : `${plain}; filename*=UTF-8''${encodeValueChars(`${name}.${extension}`)}`;
}

/**
 * Waits until the socket takes more, the client leaves, or it has taken nothing for `stallMs`.
 * Taking part of what is held counts (as send-timeout.ts counts it): a part can be megabytes (one
 * long reply), which a slow client that keeps reading takes for longer than `stallMs`.
 */
function drained(res: Response, stallMs: number): Promise<void> {
  if (hasClosed(res)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(stall);
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    const socket = res.socket;
    let last = socket ? unsent(socket) : null;
    // A client that keeps the connection open and never reads would hold the read for good.
    const stall = setTimeout(() => {
      const now = socket ? unsent(socket) : null;
      // Any change is the socket moving on (the part reaching libuv after the write, the kernel
      // taking some of it); a client that reads nothing leaves both counts as they were.
      if (last && now && (now.held !== last.held || now.queued !== last.queued)) {
        last = now;
        stall.refresh();
        return;
      }
      res.destroy();
      done();
    }, stallMs);
    res.once('drain', done);
    res.once('close', done);
  });
}

/**
 * Sends a file as its parts are made, honouring backpressure: the next part is asked for only
 * once the socket has taken the last (a slow client slows the reads behind it instead of growing a
 * buffer), and none once the client has left. The head goes out with the first part, so a failure
 * before it is the error answer a route gives; one after it cuts the connection, so the client
 * sees a failed download rather than a file that looks whole, and is thrown on for the log.
 */
export async function sendDownload(
  res: Response,
  head: { contentType: string; disposition: string },
  parts: AsyncIterable<string>,
  stallMs: number,
): Promise<void> {
  const open = () =>
    res
      .status(200)
      .set({ 'Content-Type': head.contentType, 'Content-Disposition': head.disposition });
  // A HEAD asks for the headers alone: the file is not read for it.
  if (res.req.method === 'HEAD') {
    open().end();
    return;
  }
  const iterator = parts[Symbol.asyncIterator]();
  try {
    for (;;) {
      // A client gone (or cut for not reading) asks for nothing more.
      if (hasClosed(res)) return;
      const next = await iterator.next();
      if (next.done) break;
      if (hasClosed(res)) return;
      if (!res.headersSent) open();
      if (!res.write(next.value)) await drained(res, stallMs);
    }
    if (!res.headersSent) open();
    res.end();
  } catch (error) {
    if (res.headersSent) res.destroy();
    throw error;
  } finally {
    // The reads behind the parts (a database cursor) end here, also when the client left.
    await iterator.return?.();
  }
}
