import { createHash } from 'node:crypto';
import { AppError } from '../errors.js';
import { isObjectId } from './ids.js';

/**
 * Opaque keyset cursors: base64url JSON of the list they belong to (`k`) and the sort key of the
 * last item of a page. The list's name makes a cursor of one list invalid in every other, even
 * where lists page by keys of the same shape (a branch, the accounts and the audit log page by an
 * id alone): read as a position in the wrong list, it would answer a page that looks like the end.
 *
 * A list read with a query (whose chats, which filter, which search; which chat's tree) gives it as
 * the cursor's `scope`: the cursor holds a short digest of it (`s`), and one given to the same list
 * under another scope is refused too. Read there, its position would answer a page that skips
 * items, or none at all.
 */
const LISTS = ['chats', 'branch', 'tree', 'users', 'audit'] as const;
export type CursorList = (typeof LISTS)[number];

/** What a cursor's key holds: a message or document id, a time in ms, or a flag. */
type KeyKind = 'id' | 'time' | 'boolean';
type KeyValue<K extends KeyKind> = K extends 'time' ? number : K extends 'id' ? string : boolean;

/** What a cursor holds of its scope: enough to tell two apart, short enough to keep URLs short. */
const digest = (scope: readonly unknown[]) =>
  createHash('sha256').update(JSON.stringify(scope)).digest('base64url').slice(0, 12);

export function encodeCursor(
  list: CursorList,
  key: Record<string, string | number | boolean>,
  scope?: readonly unknown[],
): string {
  const scoped = scope ? { s: digest(scope) } : {};
  return Buffer.from(JSON.stringify({ k: list, ...key, ...scoped })).toString('base64url');
}

const MAX_DATE_MS = 8.64e15;

/**
 * A cursor is read as this version of the server writes it: one made before an upgrade (without
 * the list or the query it now carries) is refused as a bad one is, with what the client can do.
 */
export const invalidCursor = (
  message = 'The cursor is invalid (or was made by an earlier version of the server): read the first page again, without it',
) =>
  new AppError('VALIDATION_FAILED', message, {
    details: [{ path: 'cursor', message: 'Invalid cursor' }],
  });

const valid: Record<KeyKind, (value: unknown) => boolean> = {
  id: (value) => typeof value === 'string' && isObjectId(value),
  // A whole millisecond a Date can hold (±8.64e15): 1e300 made an Invalid Date, which matched
  // nothing and answered 404 instead of naming the bad cursor.
  time: (value) =>
    typeof value === 'number' && Number.isSafeInteger(value) && Math.abs(value) <= MAX_DATE_MS,
  boolean: (value) => typeof value === 'boolean',
};

export function decodeCursor<T extends Record<string, KeyKind>>(
  cursor: string,
  list: CursorList,
  shape: T,
  /** The scope the list's cursors were made in (encodeCursor): one of another scope is a 400. */
  scope?: readonly unknown[],
): { [K in keyof T]: KeyValue<T[K]> } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalidCursor();
  const { k, ...rest } = parsed as Record<string, unknown>;
  if (k !== list)
    throw invalidCursor(
      LISTS.includes(k as CursorList) ? 'The cursor belongs to another list' : undefined,
    );
  let key = rest;
  if (scope) {
    const { s, ...keys } = rest;
    if (s !== digest(scope))
      throw invalidCursor(
        typeof s === 'string'
          ? "The cursor belongs to another query of this list: follow the Link of this query's pages"
          : undefined,
      );
    key = keys;
  }
  // Exactly the list's keys, each of its kind.
  if (Object.keys(key).length !== Object.keys(shape).length) throw invalidCursor();
  for (const [name, kind] of Object.entries(shape))
    if (!valid[kind](key[name])) throw invalidCursor();
  return key as never;
}
