import { AppError } from '../../lib/errors.js';

/**
 * The SSE event ids of a reply are cursors into it: `<replyId>:<offset>`, where offset is the
 * length of the reply text delivered up to and including that event (`meta` is offset 0), and
 * `<replyId>:end` marks the final event (not a reader's `error` for a database that went away: the
 * reply may go on, so it carries the offset delivered). Any instance can resume from one, because
 * the text is stored: it replays `content.slice(offset)` and follows the rest.
 */
export interface ReplyCursor {
  replyId: string;
  /** Characters (UTF-16 code units) of the reply already delivered, or `end` after the final event. */
  offset: number | 'end';
}

export const cursorId = (replyId: string, offset: number | 'end') => `${replyId}:${offset}`;

const CURSOR = /^([0-9a-f]{24}):(0|[1-9][0-9]{0,8}|end)$/;

/**
 * What a Last-Event-ID (header or `?lastEventId=`) may hold, as published: an event id, or nothing
 * at all (an empty one means "from the beginning", as EventSource sends it).
 */
export const CURSOR_TEXT = /^(|[0-9a-f]{24}:(0|[1-9][0-9]{0,8}|end))$/;

export const invalidLastEventId = (reason: string) =>
  new AppError('INVALID_LAST_EVENT_ID', `The Last-Event-ID is not usable: ${reason}`);

export function parseCursor(raw: string): ReplyCursor {
  const match = CURSOR.exec(raw);
  if (!match) throw invalidLastEventId('expected an event id of this API, `<replyId>:<offset>`');
  return { replyId: match[1]!, offset: match[2] === 'end' ? 'end' : Number(match[2]) };
}

/** The cursor a request resumes from: the Last-Event-ID header, else `?lastEventId=`; empty means none. */
export function cursorOf(header: string | undefined, query?: string): ReplyCursor | null {
  // Exactly the published CURSOR_TEXT: no trimming (HTTP has trimmed a header's value already).
  const raw = header || query;
  return raw ? parseCursor(raw) : null;
}
