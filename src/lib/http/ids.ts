import { z } from 'zod';
import { Types } from '../db/mongoose.js';
import { notFound } from '../errors.js';

/** Only canonical 24-hex ids; anything else names nothing (404), and never reaches a query. */
export const isObjectId = (id: string) =>
  /^[0-9a-fA-F]{24}$/.test(id) && Types.ObjectId.isValid(id);

/** An id checked once, where the request comes in; services take this type and do not check again. */
export type ObjectIdString = string & z.$brand<'ObjectId'>;

/**
 * A path parameter that must be an ObjectId. One that is not names nothing, so the route answers
 * 404 `<what> not found` (route.ts turns a failed path parameter into 404), exactly as for an id
 * that names no resource or another user's.
 */
export const objectIdParam = (what: string) =>
  z.string().refine(isObjectId, `${what} not found`).brand<'ObjectId'>();

/** The same check for an id that arrives elsewhere (a body field): 404 when it cannot name anything. */
export function parseObjectId(id: string, what: string): ObjectIdString {
  if (!isObjectId(id)) throw notFound(what);
  return id as ObjectIdString;
}
