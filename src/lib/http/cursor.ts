import { AppError } from '../errors.js';
import { isObjectId } from './ids.js';

/** Opaque keyset cursors: the sort key of the last item of a page, base64url JSON. */
export function encodeCursor(value: Record<string, string | number | boolean>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

const MAX_DATE_MS = 8.64e15;

const invalid = () =>
  new AppError('VALIDATION_FAILED', 'The cursor is invalid', {
    details: [{ path: 'cursor', message: 'Invalid cursor' }],
  });

export function decodeCursor<T extends Record<string, 'string' | 'number' | 'boolean'>>(
  cursor: string,
  shape: T,
): { [K in keyof T]: T[K] extends 'string' ? string : T[K] extends 'number' ? number : boolean } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid();
  // Exactly the list's keys: another list's cursor (a chat list's, on a chat's messages) would
  // otherwise read as a position in this one and answer an empty page.
  if (Object.keys(parsed).length !== Object.keys(shape).length) throw invalid();
  for (const [key, type] of Object.entries(shape)) {
    if (typeof (parsed as Record<string, unknown>)[key] !== type) throw invalid();
  }
  const id = (parsed as { i?: unknown }).i;
  if (typeof id === 'string' && !isObjectId(id)) throw invalid();
  // A time must be a whole millisecond a Date can hold (±8.64e15); 1e300 made an Invalid Date,
  // which matched nothing and answered 404 instead of naming the bad cursor.
  const t = (parsed as { t?: unknown }).t;
  if (typeof t === 'number' && !(Number.isSafeInteger(t) && Math.abs(t) <= MAX_DATE_MS))
    throw invalid();
  return parsed as never;
}
